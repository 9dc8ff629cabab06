/** The import boundary (DESIGN.md): the lint fails when src/core reaches for modules, adapters, I/O, the clock or env, or src/modules for adapters. */
import { readdirSync, readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function problems(code: string, filePath: string) {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.message);
}

describe('import boundary', () => {
  it.each([
    ["import { createApp } from '../../adapters/http/app';", /must not import from modules or adapters/],
    [
      "import { loadPolicyFiles } from '../../modules/programmes/policy-files';",
      /must not import from modules or adapters/,
    ],
    ["import { readFileSync } from 'node:fs';", /no I\/O/],
    ['export const now = Date.now();', /no clock/],
    ['export const port = process.env.PORT;', /no env/],
    ['export const r = Math.random();', /seeded generator/],
  ])('src/core refuses %s', async (code, message) => {
    expect((await problems(`${code}\n`, 'src/core/policy/x.ts')).join('\n')).toMatch(message);
  });

  it.each([
    "import { openDatabase } from '../../adapters/db/database';",
    "import { beijingToday } from '../../adapters/clock';",
    "import { runScenarios } from '../../adapters/workers/simulation-pool';",
  ])('modules refuse %s', async (code) => {
    expect((await problems(`${code}\nexport const x = 1;\n`, 'src/modules/x/x.usecases.ts')).join('\n')).toMatch(
      /modules must not import adapters/,
    );
  });

  it('module tests may open a test database but not import the HTTP adapter', async () => {
    expect(
      await problems(
        "import { openTestDatabase } from '../../adapters/db/testing';\nexport { openTestDatabase };\n",
        'src/modules/x/x.test.ts',
      ),
    ).toEqual([]);
    expect(
      (
        await problems(
          "import { createApp } from '../../adapters/http/app';\nexport { createApp };\n",
          'src/modules/x/x.test.ts',
        )
      ).join('\n'),
    ).toMatch(/adapters\/http/);
  });

  it('modules may not import the HTTP adapter', async () => {
    expect(
      (
        await problems(
          "import { createApp } from '../../adapters/http/app';\nexport { createApp };\n",
          'src/modules/x/x.ts',
        )
      ).join('\n'),
    ).toMatch(/adapters\/http/);
  });

  it('pure core code passes', async () => {
    expect(
      await problems(
        "import { parseYuan } from '../money/money';\nexport const f = parseYuan('1');\n",
        'src/core/policy/x.ts',
      ),
    ).toEqual([]);
  });
});

/** The filing write path in steps (DESIGN.md): plan (pure) → store → writer, the use cases on top, no cycle. */
describe('filing steps', () => {
  const folder = new URL('../../src/modules/filings/', import.meta.url);
  const sourceOf = (file: string) => readFileSync(new URL(file, folder), 'utf8');
  const localImports = (file: string) => [...sourceOf(file).matchAll(/from '\.\/([\w.]+)'/g)].map((m) => `${m[1]}.ts`);
  const files = readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

  it('the filings files import one another without a cycle', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (done.has(file)) return;
      if (visiting.has(file)) return void cycles.push([...path, file].join(' → '));
      visiting.add(file);
      for (const next of localImports(file)) visit(next, [...path, file]);
      visiting.delete(file);
      done.add(file);
    };
    files.forEach((f) => visit(f, []));
    expect(cycles).toEqual([]);
  });

  it('planning reads nothing: no database, no ledger, no repository but its types', () => {
    expect(sourceOf('filing.plan.ts')).not.toMatch(
      /^import (?!type )[^;]*from '[^']*(repository|shared\/db|ledger\.usecases)'/m,
    );
  });

  it('the writer and the imports use the steps, not the use cases', () => {
    expect(localImports('filings.writer.ts')).not.toContain('filings.usecases.ts');
    const imports = readFileSync(new URL('../imports/imports.usecases.ts', folder), 'utf8');
    expect(imports).not.toMatch(/filings\/filings\.usecases'/);
  });
});

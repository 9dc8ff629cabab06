/** One owner per table (DESIGN.md): only the filings module writes `filings`, `filing_events` and `decision_templates`. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../src/modules', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

const WRITES = [
  /\.(insert|update|delete)\(\s*(filings|filingEvents|decisionTemplates)\b/,
  /\b(insert\s+into|update|delete\s+from)\s+"?(filings|filing_events|decision_templates)\b/i,
];

describe('table owners', () => {
  // Reading them (reports, simulation's book, claims' joins) is anyone's business.
  it('no module but filings writes filings, filing_events or decision_templates', () => {
    const offenders = sources(root)
      .filter((f) => !relative(root, f).startsWith('filings/'))
      .filter((f) => WRITES.some((w) => w.test(readFileSync(f, 'utf8'))))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});

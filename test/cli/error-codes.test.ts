/** Every stable error code the server writes is documented for programs (docs/API.md "Error codes"). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('../../src', import.meta.url).pathname;
const migrations = new URL('../../drizzle', import.meta.url).pathname;
const api = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

const CODE = /^[a-z_]+\.[a-z_]+$/;

/**
 * How codes are written: `code: 'x.y'` in an object literal (an errors file's constructors, core's
 * refusals, a zod check's `params: { code: 'x.y' }`), and any `'x.y'` string in an errors file (the
 * zod issue table of request.errors.ts); a migration's codes are the `THEN 'x.y'` of its SQL.
 */
function codesIn(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/code: '([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]!);
  if (file.endsWith('.errors.ts'))
    found.push(
      ...[...text.matchAll(/(?<!field: )'([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]!).filter((c) => CODE.test(c)),
    );
  if (file.endsWith('.sql')) found.push(...[...text.matchAll(/(?:THEN|ELSE) '([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]!));
  return found;
}

describe('error codes', () => {
  const errorFiles = sources(src).filter((f) => f.endsWith('.errors.ts'));
  const codes = new Set([
    ...sources(src).flatMap(codesIn),
    ...readdirSync(migrations)
      .filter((f) => f.endsWith('.sql'))
      .flatMap((f) => codesIn(join(migrations, f))),
  ]);

  it('are found in the source (the patterns still match how codes are written)', () => {
    expect(codes.size).toBeGreaterThan(100);
    for (const c of [
      'claim.preparer_cannot_decide',
      'request.required',
      'request.invalid_type',
      'auth.invalid_credentials',
      'import.duplicate_in_file',
      'calendar.year_gap',
    ])
      expect(codes).toContain(c);
  });

  it('each module that refuses has its errors file', () => {
    const features = errorFiles.map((f) => f.split('/').at(-1)!.replace('.errors.ts', ''));
    expect(features).toEqual(
      expect.arrayContaining([
        'auth',
        'calendar',
        'claims',
        'filings',
        'funds',
        'idempotency',
        'imports',
        'ledger',
        'programmes',
        'recoveries',
        'registry',
        'reports',
        'request',
        'servicing',
        'simulation',
      ]),
    );
  });

  it('each is named in docs/API.md', () => {
    expect([...codes].filter((c) => !api.includes(`\`${c}\``))).toEqual([]);
  });
});

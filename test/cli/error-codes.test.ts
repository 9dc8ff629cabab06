/** Every stable error code the server writes is documented for programs (docs/API.md "Error codes"). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('../../src', import.meta.url).pathname;
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

describe('error codes', () => {
  const codes = new Set(
    sources(src).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/code: '([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]!)),
  );
  it('are found in the source (the pattern still matches how codes are written)', () => {
    expect(codes.size).toBeGreaterThan(10);
    expect(codes).toContain('claim.preparer_cannot_decide');
  });
  it('each is named in docs/API.md', () => {
    expect([...codes].filter((c) => !api.includes(`\`${c}\``))).toEqual([]);
  });
});

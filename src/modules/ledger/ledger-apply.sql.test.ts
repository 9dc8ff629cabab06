/**
 * src/modules/ledger/ledger_apply.sql is the live `ledger_apply`: the function as the latest
 * migration that (re)defines it leaves it. A migration that replaces the function without updating
 * the file (or the file edited without a migration) fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../adapters/db/database';

const START = /CREATE\s+OR\s+REPLACE\s+FUNCTION\s+ledger_apply\s*\(/i;

/** The text from `CREATE OR REPLACE FUNCTION ledger_apply(` to the `$$;` that closes its body. */
function ledgerApplyIn(text: string): string | undefined {
  const start = text.search(START);
  if (start < 0) return undefined;
  const open = text.indexOf('$$', start);
  const close = text.indexOf('$$', open + 2);
  const end = text.indexOf(';', close);
  return text.slice(start, end + 1);
}

/** SQL without `--` comment lines and with runs of whitespace made one space. */
const normalised = (s: string) =>
  s
    .split('\n')
    .filter((l) => !/^\s*--/.test(l))
    .join('\n')
    .replace(/\s+/g, ' ')
    .trim();

describe('ledger_apply.sql', () => {
  const migrations = readdirSync(MIGRATIONS)
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort();
  const defining = migrations.filter((f) => ledgerApplyIn(readFileSync(resolve(MIGRATIONS, f), 'utf8')) !== undefined);
  const latest = defining.at(-1)!;
  const file = readFileSync(resolve(import.meta.dirname, 'ledger_apply.sql'), 'utf8');

  it('is the function as the latest migration defining it leaves it', () => {
    expect(defining.length).toBeGreaterThan(0);
    const inForce = ledgerApplyIn(readFileSync(resolve(MIGRATIONS, latest), 'utf8'))!;
    expect(normalised(ledgerApplyIn(file)!)).toBe(normalised(inForce));
  });

  it('names that migration in its header', () => {
    expect(file.split('\n')[0]).toContain(`drizzle/${latest}`);
  });
});

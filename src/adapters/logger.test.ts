import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './db/database';
import { createLogger } from './logger';

function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  write(
    createLogger({
      level: 'info',
      destination: {
        write: (line: string) => {
          lines.push(line);
        },
      },
    }),
  );
  return lines.join('');
}

describe('the logs', () => {
  const code = '91350100M000100Y43';
  let d: Database;
  beforeAll(async () => {
    d = await openDatabase({ memory: true, url: '' });
  }, 60_000);
  afterAll(async () => d?.close());

  it('never hold a password, a token or a full credit code', () => {
    const out = logged((l) =>
      l.info(
        {
          body: { password: 'secret passphrase', creditCode: code },
          token: 'bst_abc',
          headers: { cookie: 'backstop_session=xyz' },
        },
        'request',
      ),
    );
    for (const leak of ['secret passphrase', code, 'bst_abc', 'backstop_session=xyz']) expect(out).not.toContain(leak);
    const changing = logged((l) =>
      l.info(
        {
          body: { currentPassword: 'old passphrase', newPassword: 'new passphrase', csrfToken: 'csrf-abc' },
          user: { passwordHash: 'scrypt$131072$8$1$salt$key' },
        },
        'request',
      ),
    );
    for (const leak of ['old passphrase', 'new passphrase', 'csrf-abc', 'scrypt$'])
      expect(changing).not.toContain(leak);
    expect(out).toContain('[redacted]');
  });

  it('keep a real database error’s statement and code but not the values it carried, in its message, stack or causes', async () => {
    // drizzle writes the parameters into its error's message; PostgreSQL quotes the bad value in its own
    const err = await d.db.execute(sql`select ${code}::int as n, ${'企业名称'}::text as name`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String((err as Error).message)).toContain(code); // the error itself does carry it
    const out = logged((l) => l.error({ err }, 'unhandled error'));
    expect(out).not.toContain(code);
    expect(out).not.toContain('企业名称');
    expect(out).toContain('select $1::int');
    expect(out).toContain('22P02'); // invalid_text_representation, from the cause
  });

  it('keep a unique violation’s constraint but not its detail', () => {
    const cause = Object.assign(
      new Error('duplicate key value violates unique constraint "enterprises_credit_code_uq"'),
      {
        code: '23505',
        constraint: 'enterprises_credit_code_uq',
        detail: `Key (credit_code)=(${code}) already exists.`,
      },
    );
    const out = logged((l) =>
      l.error({ err: Object.assign(new Error('insert failed'), { cause }) }, 'unhandled error'),
    );
    expect(out).not.toContain(code);
    expect(out).toContain('enterprises_credit_code_uq');
  });
});

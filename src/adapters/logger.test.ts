import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  write(createLogger({ level: 'info', destination: { write: (line: string) => { lines.push(line); } } }));
  return lines.join('');
}

describe('the logs', () => {
  const code = '91350100M000100Y43';

  it('never hold a password, a token or a full credit code', () => {
    const out = logged((l) => l.info({ body: { password: 'secret passphrase', creditCode: code }, token: 'bst_abc', headers: { cookie: 'backstop_session=xyz' } }, 'request'));
    for (const leak of ['secret passphrase', code, 'bst_abc', 'backstop_session=xyz']) expect(out).not.toContain(leak);
    expect(out).toContain('[redacted]');
  });

  it('keep a database error’s statement and code but not its values, on the error or its cause', () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "enterprises_credit_code_uq"'), {
      code: '23505', constraint: 'enterprises_credit_code_uq', detail: `Key (credit_code)=(${code}) already exists.`, parameters: [code, '企业1'],
    });
    const err = Object.assign(new Error('Failed query: insert into enterprises …'), { query: 'insert into "enterprises" ("credit_code", "name") values ($1, $2)', params: [code, '企业1'], cause });
    const out = logged((l) => l.error({ err }, 'unhandled error'));
    expect(out).not.toContain(code);
    expect(out).not.toContain('企业1');
    expect(out).toContain('enterprises_credit_code_uq');
    expect(out).toContain('insert into \\"enterprises\\"');
  });
});

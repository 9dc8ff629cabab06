/** `backstop users add`: how the first manager of a production install (BACKSTOP_DEMO=0) gets in. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';

const dataDir = mkdtempSync(join(tmpdir(), 'backstop-users-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { BACKSTOP_DATA: dataDir, DATABASE_URL: '', BACKSTOP_DEMO: '0' };

describe('backstop users add', () => {
  it('adds a manager with the password from standard input', () => {
    const r = runCli(['users', 'add', 'zhang', '--role', 'manager', '--name', '张经理'], { input: 'a long passphrase\n', env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('added manager zhang');
    const again = runCli(['users', 'add', 'zhang', '--role', 'manager', '--name', '张经理'], { input: 'a long passphrase\n', env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^backstop: username: is taken\n$/);
  }, 240_000);

  it('names what is wrong, exit 2, never a stack trace', () => {
    const short = runCli(['users', 'add', 'li', '--role', 'reviewer', '--name', '李'], { input: 'short', env });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^backstop: password: must be at least 10 characters\n$/);
    const noBank = runCli(['users', 'add', 'liu', '--role', 'bank', '--name', '刘', '--bank', 'bank-nowhere'], { input: 'a long passphrase', env });
    expect(noBank.code).toBe(2);
    expect(noBank.stderr).toMatch(/^backstop: bankId: is not a registered bank: bank-nowhere\n$/);
    const role = runCli(['users', 'add', 'x', '--role', 'king', '--name', 'X'], { input: 'a long passphrase', env });
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/--role: must be one of/);
  }, 240_000);
});

/**
 * `backstop users add`: how the first manager of a production install (BACKSTOP_DEMO=0) gets in;
 * `users disable|enable` and `users password`: an officer who left, a manager locked out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/adapters/db/database';
import { createAuthRepository } from '../../src/modules/auth/auth.repository';
import { login } from '../../src/modules/auth/auth.usecases';
import { rowsOf } from '../../src/modules/shared/rows';
import { runCli } from './run-cli';

const dataDir = mkdtempSync(join(tmpdir(), 'backstop-users-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { BACKSTOP_DATA: dataDir, DATABASE_URL: '', BACKSTOP_DEMO: '0' };

describe('backstop users add', () => {
  it('adds a manager with the password from standard input', () => {
    const r = runCli(['users', 'add', 'zhang', '--role', 'manager', '--name', '张经理'], {
      input: 'a long passphrase\n',
      env,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('added manager zhang');
    const again = runCli(['users', 'add', 'zhang', '--role', 'manager', '--name', '张经理'], {
      input: 'a long passphrase\n',
      env,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^backstop: username: is taken\n$/);
  }, 240_000);

  it('names what is wrong, exit 2, never a stack trace', () => {
    const short = runCli(['users', 'add', 'li', '--role', 'reviewer', '--name', '李'], { input: 'short', env });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/^backstop: password: must be at least 10 characters\n$/);
    const noBank = runCli(['users', 'add', 'liu', '--role', 'bank', '--name', '刘', '--bank', 'bank-nowhere'], {
      input: 'a long passphrase',
      env,
    });
    expect(noBank.code).toBe(2);
    expect(noBank.stderr).toMatch(/^backstop: bankId: is not a registered bank: bank-nowhere\n$/);
    const role = runCli(['users', 'add', 'x', '--role', 'king', '--name', 'X'], { input: 'a long passphrase', env });
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/--role: must be one of/);
  }, 240_000);

  it('disables and enables a user, and sets a new password from standard input; the audit log names the command line', async () => {
    expect(
      runCli(['users', 'add', 'wu', '--role', 'auditor', '--name', '吴'], { input: 'first passphrase', env }).code,
    ).toBe(0);
    const disabled = runCli(['users', 'disable', 'wu'], { env });
    expect(disabled.stdout).toBe('wu is disabled\n');
    expect(runCli(['users', 'enable', 'wu'], { env }).stdout).toBe('wu is enabled\n');
    const reset = runCli(['users', 'password', 'wu'], { input: 'second passphrase\n', env });
    expect(reset.stderr).toBe('');
    expect(reset.stdout).toBe('set a new password for wu\n');
    expect(runCli(['users', 'password', 'wu'], { input: 'short', env }).stderr).toMatch(
      /^backstop: password: must be at least 10 characters\n$/,
    );
    const nobody = runCli(['users', 'disable', 'nobody'], { env });
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/^backstop: username: no user nobody\n$/);

    // The new password signs in, the first no longer does; the changes are audited as the command line's.
    const database = await openDatabase({ url: '', dataDir });
    try {
      const repo = createAuthRepository({ db: database.db });
      const at = { repo, address: 'test', now: new Date() };
      await expect(login({ ...at, username: 'wu', password: 'first passphrase' })).rejects.toMatchObject({
        status: 401,
      });
      await expect(login({ ...at, username: 'wu', password: 'second passphrase' })).resolves.toMatchObject({
        actor: { username: 'wu' },
      });
      const audit = rowsOf(
        await database.db.execute(
          sql`select actor, action from audit_log where entity_kind = 'user' and action <> 'user.create' order by seq`,
        ),
      );
      expect(audit).toEqual([
        { actor: 'cli', action: 'user.disable' },
        { actor: 'cli', action: 'user.enable' },
        { actor: 'cli', action: 'user.set-password' },
      ]);
    } finally {
      await database.close();
    }
  }, 240_000);
});

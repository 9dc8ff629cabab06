import { Command } from 'commander';
import { setUserDisabled, setUserPassword } from '../../../modules/auth/accounts.usecases';
import { ROLES, type Actor, type Role } from '../../../modules/auth/access';
import { createAuthRepository, type AuthRepository } from '../../../modules/auth/auth.repository';
import { createUser } from '../../../modules/auth/auth.usecases';
import { checkInstitutions } from '../../../modules/auth/users.routes';
import { createAuditRepository } from '../../../modules/audit/audit.repository';
import type { Db } from '../../../modules/shared/db';
import { openDatabase } from '../../db/database';
import { fail } from '../cli-errors';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    fail(
      'give the password on standard input, e.g. `printf %s "$PASSWORD" | backstop users add …` (or users password …)',
    );
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function usersCommand(): Command {
  const users = new Command('users').description(
    'people who sign in (the first manager of a production install is added here)',
  );
  users
    .command('add <username>')
    .description('add a user; the password is read from standard input')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <displayName>', 'the name shown in the app')
    .option('--bank <id>', 'the bank a bank officer acts for')
    .option('--guarantor <id>', 'the institution a guarantor officer acts for')
    .action(async (username: string, opts: { role: string; name: string; bank?: string; guarantor?: string }) => {
      if (!(ROLES as readonly string[]).includes(opts.role)) fail(`--role: must be one of ${ROLES.join(', ')}`);
      const password = await readStdin();
      const database = await openDatabase();
      try {
        await checkInstitutions(database.db, { role: opts.role, bankId: opts.bank, guarantorId: opts.guarantor });
        const id = await createUser({
          repo: createAuthRepository({ db: database.db }),
          user: {
            username,
            displayName: opts.name,
            role: opts.role as Role,
            password,
            bankId: opts.bank ?? null,
            guarantorId: opts.guarantor ?? null,
          },
        });
        await createAuditRepository({ db: database.db }).record({
          actor: 'cli',
          action: 'user.create',
          entityKind: 'user',
          entityId: id,
          after: { username, role: opts.role, bankId: opts.bank ?? null, guarantorId: opts.guarantor ?? null },
        });
        process.stdout.write(`added ${opts.role} ${username}\n`);
      } finally {
        await database.close();
      }
    });
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    users
      .command(`${name} <username>`)
      .description(
        disabled ? 'disable a user: signed out at once, their API tokens refused' : 'enable a disabled user again',
      )
      .action(async (username: string) => {
        await withUser(username, async ({ db, repo, id }) => {
          const user = await setUserDisabled({ db, repo, actor: CLI, id, disabled, now: new Date() });
          process.stdout.write(`${user.username} is ${user.disabled ? 'disabled' : 'enabled'}\n`);
        });
      });
  }
  users
    .command('password <username>')
    .description(
      'set a new password for a user (a manager locked out too); read from standard input; they are signed out everywhere',
    )
    .action(async (username: string) => {
      const password = await readStdin();
      await withUser(username, async ({ db, repo, id }) => {
        await setUserPassword({ db, repo, actor: CLI, id, password });
        process.stdout.write(`set a new password for ${username}\n`);
      });
    });
  return users;
}

/** The operator at the command line, as the audit log names them. */
const CLI: Actor = {
  userId: 'cli',
  username: 'cli',
  displayName: 'command line',
  role: 'manager',
  bankId: null,
  guarantorId: null,
  via: 'session',
};

async function withUser(
  username: string,
  run: (ctx: { db: Db; repo: AuthRepository; id: string }) => Promise<void>,
): Promise<void> {
  const database = await openDatabase();
  try {
    const repo = createAuthRepository({ db: database.db });
    const user = await repo.findUserByUsername(username);
    if (!user) fail(`username: no user ${username}`);
    await run({ db: database.db, repo, id: user.id });
  } finally {
    await database.close();
  }
}

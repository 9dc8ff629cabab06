import { Command } from 'commander';
import { ROLES, type Role } from '../../../modules/auth/access';
import { createAuthRepository } from '../../../modules/auth/auth.repository';
import { createUser } from '../../../modules/auth/auth.usecases';
import { checkInstitutions } from '../../../modules/auth/users.routes';
import { createAuditRepository } from '../../../modules/audit/audit.repository';
import { openDatabase } from '../../db/database';
import { fail } from '../cli-errors';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) fail('give the password on standard input, e.g. `printf %s "$PASSWORD" | backstop users add …`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function usersCommand(): Command {
  const users = new Command('users').description('people who sign in (the first manager of a production install is added here)');
  users.command('add <username>')
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
        const id = await createUser({ repo: createAuthRepository({ db: database.db }), user: { username, displayName: opts.name, role: opts.role as Role, password, bankId: opts.bank ?? null, guarantorId: opts.guarantor ?? null } });
        await createAuditRepository({ db: database.db }).record({ actor: 'cli', action: 'user.create', entityKind: 'user', entityId: id, after: { username, role: opts.role, bankId: opts.bank ?? null, guarantorId: opts.guarantor ?? null } });
        process.stdout.write(`added ${opts.role} ${username}\n`);
      } finally {
        await database.close();
      }
    });
  return users;
}

import { serve } from '@hono/node-server';
import { createUser } from '../../modules/auth/auth.usecases';
import type { AuthRepository } from '../../modules/auth/auth.repository';
import { closeOnSignals, openDatabase } from '../db/database';
import { createLogger } from '../logger';
import { scheduleDailyJobs } from './daily-jobs';
import { createServices } from './services';

export const DEMO_PASSWORD = 'backstop-demo';

/** On a database with no users, the demo logins (unless BACKSTOP_DEMO=0), printed at start. */
async function seedDemoUsers(repo: AuthRepository): Promise<string[]> {
  if (process.env.BACKSTOP_DEMO === '0' || (await repo.countUsers()) > 0) return [];
  const demo = [
    { username: 'manager', displayName: '张经理（托管机构）', role: 'manager' as const },
    { username: 'manager2', displayName: '王经理（托管机构）', role: 'manager' as const },
    { username: 'reviewer', displayName: '李复核', role: 'reviewer' as const },
    { username: 'auditor', displayName: '赵审计', role: 'auditor' as const },
    { username: 'bank-icbc', displayName: '工行经开区支行 刘', role: 'bank' as const, bankId: 'bank-icbc' },
    { username: 'bank-bob', displayName: '北京银行经开区支行 陈', role: 'bank' as const, bankId: 'bank-bob' },
    { username: 'guarantor', displayName: '首创担保 孙', role: 'guarantor' as const, guarantorId: 'guarantor-bjcg' },
  ];
  for (const u of demo) await createUser({ repo, user: { ...u, password: DEMO_PASSWORD } });
  return demo.map((u) => u.username);
}

export async function startServer({ port }: { port: number }) {
  const logger = createLogger();
  const database = await openDatabase();
  const services = await createServices({ database, logger });
  const added = services.synced.filter((s) => s.added);
  if (added.length) logger.info({ versions: added.map((s) => `${s.programme}@${s.version}#${s.revision}`) }, 'stored new policy versions');
  const demoUsers = await seedDemoUsers(services.repos.auth);
  const server = serve({ fetch: services.app.fetch, port, hostname: process.env.HOST ?? '0.0.0.0' });
  const stopDailyJobs = scheduleDailyJobs({ ops: services.ops, logger });
  closeOnSignals(async () => {
    stopDailyJobs();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
  });
  process.stdout.write(`Backstop 兜底 listening on http://localhost:${port}  (database: ${database.kind}, ${database.location})\n`);
  if (demoUsers.length) process.stdout.write(`demo logins (password ${DEMO_PASSWORD}): ${demoUsers.join(', ')}\n`);
  return { server, database, services };
}

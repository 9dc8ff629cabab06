import { serve } from '@hono/node-server';
import { demoNeeded, seedDemo } from '../../modules/demo/demo.seed';
import { stopWorkers, warmWorkers } from '../workers/simulation-pool';
import { DEMO_PASSWORD, seedDemoUsers } from '../../modules/demo/demo.users';
import { closeOnSignals, openDatabase } from '../db/database';
import { createLogger } from '../logger';
import { scheduleDailyJobs } from './daily-jobs';
import { createServices } from './services';

export { DEMO_PASSWORD };

/** The demo's size: the full book (5,000 loans, 2,000 enterprises); BACKSTOP_DEMO_LOANS and BACKSTOP_DEMO_ENTERPRISES override. */
function demoSize() {
  const n = (v: string | undefined, d: number) => (v && /^\d+$/.test(v) ? Number(v) : d);
  return { loans: n(process.env.BACKSTOP_DEMO_LOANS, 5000), enterprises: n(process.env.BACKSTOP_DEMO_ENTERPRISES, 2000) };
}

export async function startServer({ port }: { port: number }) {
  const logger = createLogger();
  const database = await openDatabase();
  const services = await createServices({ database, logger });
  const added = services.synced.filter((s) => s.added);
  if (added.length) logger.info({ versions: added.map((s) => `${s.programme}@${s.version}#${s.revision}`) }, 'stored new policy versions');
  const demo = process.env.BACKSTOP_DEMO !== '0';
  const demoUsers = demo ? await seedDemoUsers(services.repos.auth) : [];
  // On a fresh database (no fund yet) the demo book is seeded once the port is open (seeding keeps
  // the event loop busy, so it must not start before the socket is bound), printing its progress;
  // requests wait until it is ready (about half a minute at full size on an idle machine).
  const fresh = demo && (await demoNeeded(database.db));
  let listening: () => void = () => {};
  const bound = new Promise<void>((resolve) => { listening = resolve; });
  const seeding = fresh
    ? bound.then(() => seedDemo({ db: database.db, catalog: services.ops.catalog(), asOf: services.ops.today(), ...demoSize(), progress: (m) => process.stdout.write(`demo: ${m}\n`) }))
      .then((s) => process.stdout.write(`demo: seeded ${s.loansFiled} loans, ${s.enterprises} enterprises in ${s.seconds} s (as of ${s.asOf})\n`))
    : Promise.resolve();
  const ready = seeding.catch((e: unknown) => logger.error({ err: e }, 'demo seeding failed'));
  // The simulation's worker threads load their code once (about a second); start them after the
  // demo so the first simulation does not wait for them and the seed does not share its cores.
  void ready.then(() => warmWorkers()).catch((e: unknown) => logger.warn({ err: e }, 'simulation workers did not start; they will be started by the first simulation'));
  // The daily jobs (R6's sweep, the calendar warning) start once the demo, if any, is seeded.
  let stopDailyJobs = () => {};
  void ready.then(() => { stopDailyJobs = scheduleDailyJobs({ ops: services.ops, logger, refreshCalendar: services.refreshCalendar }); });
  const server = serve({ fetch: async (req, env) => { await ready; return services.app.fetch(req, env); }, port, hostname: process.env.HOST ?? '0.0.0.0' }, () => {
    process.stdout.write(`Backstop 兜底 listening on http://localhost:${port}  (database: ${database.kind}, ${database.location})\n`);
    if (demoUsers.length) process.stdout.write(`demo logins (password ${DEMO_PASSWORD}): ${demoUsers.join(', ')}\n`);
    if (fresh) process.stdout.write('demo: seeding the demo book; requests wait until it is done\n');
    listening();
  });
  closeOnSignals(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await ready;
    stopDailyJobs();
    await stopWorkers();
    await database.close();
  });
  return { server, database, services };
}

import { demoNeeded, seedDemo } from '../../modules/demo/demo.seed';
import { stopWorkers, warmWorkers } from '../workers/simulation-pool';
import { DEMO_PASSWORD, seedDemoUsers } from '../../modules/demo/demo.users';
import type { Logger } from 'pino';
import { BackupError, nightlyBackup } from '../db/backup';
import { closeOnSignals, openDatabase, survivePostgresDriverFault, type Database } from '../db/database';
import { createLogger } from '../logger';
import { scheduleDailyJobs, webhookRetentionDays } from './daily-jobs';
import { MAIL_TIMEOUT_MS, startNotificationDispatcher } from '../../modules/notifications/notifications.dispatcher';
import { smtpMailer } from '../../modules/notifications/notifications.mailer';
import { httpTimeouts, serveHttp } from './node-server';
import { createServices } from './services';
import { recoverImports } from '../../modules/imports/imports.recovery';
import { cjkFontStatus } from '../../modules/documents/documents.font';
import { reportReady } from './cluster';
import { startWebhookDispatcher } from '../../modules/webhooks/webhooks.dispatcher';

export { DEMO_PASSWORD };

/** The demo's size: the full book (5,000 loans, 2,000 enterprises); BACKSTOP_DEMO_LOANS and BACKSTOP_DEMO_ENTERPRISES override. */
function demoSize() {
  const n = (v: string | undefined, d: number) => (v && /^\d+$/.test(v) ? Number(v) : d);
  return {
    loans: n(process.env.BACKSTOP_DEMO_LOANS, 5000),
    enterprises: n(process.env.BACKSTOP_DEMO_ENTERPRISES, 2000),
  };
}

/** Where and how many nightly backups of the embedded database to keep: BACKSTOP_BACKUP_DIR (none when unset) and BACKSTOP_BACKUP_KEEP (default 7). */
function backupSettings(): { dir: string; keep: number } | undefined {
  const dir = process.env.BACKSTOP_BACKUP_DIR;
  if (!dir) return undefined;
  const keep = process.env.BACKSTOP_BACKUP_KEEP ?? '7';
  if (!/^[1-9]\d{0,3}$/.test(keep))
    throw new BackupError(`BACKSTOP_BACKUP_KEEP: must be a whole number of backups from 1 to 9999, not "${keep}"`);
  return { dir, keep: Number(keep) };
}

/** The nightly backup job, or none (PostgreSQL is backed up with its own tools). A backup that fails is logged; the server goes on. */
function nightlyBackupOf(
  database: Database,
  logger: Logger,
  settings: { dir: string; keep: number } | undefined,
): ((today: string) => Promise<void>) | undefined {
  if (!settings) return undefined;
  const dump = database.backup;
  if (!dump) {
    logger.warn(
      'BACKSTOP_BACKUP_DIR is for the embedded database: back PostgreSQL up with pg_dump or pg_basebackup (docs/OPERATIONS.md, "Backups")',
    );
    return undefined;
  }
  return async (today) => {
    try {
      const file = await nightlyBackup({ dump, today, ...settings });
      logger.info({ file }, 'backup written');
    } catch (err) {
      logger.error({ err, dir: settings.dir }, 'backup failed');
    }
  };
}

export async function startServer({ port }: { port: number }) {
  const logger = createLogger();
  const backupTo = backupSettings();
  const retentionDays = webhookRetentionDays();
  const timeouts = httpTimeouts();
  const database = await openDatabase();
  survivePostgresDriverFault(database, (err) =>
    logger.warn({ err }, 'the PostgreSQL driver failed on a closed connection; the pool is renewed'),
  );
  const services = await createServices({ database, logger });
  const added = services.synced.filter((s) => s.added);
  if (added.length)
    logger.info(
      { versions: added.map((s) => `${s.programme}@${s.version}#${s.revision}`) },
      'stored new policy versions',
    );
  // After a crash: imports left running whose file was not kept in the database are interrupted
  // (every one on the embedded database, which this process alone holds; on PostgreSQL those whose
  // process stopped beating): the bank uploads the file again to resume it. Those whose file was
  // kept are resumed by the takeover below. The upload files left in $TMPDIR are removed.
  const recovered = await recoverImports({ db: database.db, exclusive: database.kind === 'pglite' });
  if (recovered.interrupted.length || recovered.removed.length)
    logger.warn(
      { imports: recovered.interrupted.map((j) => j.id), uploadsRemoved: recovered.removed.length },
      'imports interrupted by a stop were marked so; their upload files were removed',
    );
  const font = cjkFontStatus();
  if (!font.ok)
    logger.warn({ reason: font.reason }, 'printed documents unavailable (docs/OPERATIONS.md, "Printed documents")');
  const demo = process.env.BACKSTOP_DEMO !== '0';
  const demoUsers = demo ? await seedDemoUsers(services.repos.auth) : [];
  // On a fresh database (no fund yet) the demo book is seeded once the port is open (seeding keeps
  // the event loop busy, so it must not start before the socket is bound), printing its progress;
  // requests wait until it is ready (about half a minute at full size on an idle machine).
  const fresh = demo && (await demoNeeded(database.db));
  let listening: () => void = () => {};
  const bound = new Promise<void>((resolve) => {
    listening = resolve;
  });
  const seeding = fresh
    ? bound
        .then(() =>
          seedDemo({
            db: database.db,
            catalog: services.ops.catalog(),
            asOf: services.ops.today(),
            ...demoSize(),
            progress: (m) => process.stdout.write(`demo: ${m}\n`),
          }),
        )
        .then((s) =>
          process.stdout.write(
            `demo: seeded ${s.loansFiled} loans, ${s.enterprises} enterprises in ${s.seconds} s (as of ${s.asOf})\n`,
          ),
        )
    : Promise.resolve();
  const ready = seeding.catch((e: unknown) => logger.error({ err: e }, 'demo seeding failed'));
  // The simulation's worker threads load their code once (about a second); start them after the
  // demo so the first simulation does not wait for them and the seed does not share its cores.
  void ready
    .then(() => warmWorkers())
    .catch((e: unknown) =>
      logger.warn({ err: e }, 'simulation workers did not start; they will be started by the first simulation'),
    );
  // Policies and calendar changed by another process on the same PostgreSQL reach this one at once.
  // If LISTEN is refused (a pooler in transaction mode), the minute's check of the calendar remains.
  const unlisten = await services.listenForCatalogChanges().catch((err: unknown) => {
    logger.warn({ err }, 'LISTEN failed: policy and calendar changes by other processes are picked up within a minute');
    return async () => {};
  });
  // Simulation jobs whose process died (its heartbeat stopped) are taken over by one live process.
  const stopTakeovers = services.simulationJobs.watch();
  // So are imports whose process died: resumed after their last committed line from their kept file.
  const stopImportTakeovers = services.importJobs.watch();
  // The daily jobs (R6's sweep, the calendar warning) start once the demo, if any, is seeded.
  let stopDailyJobs = () => {};
  // Webhooks: the audit log's filing and claim events, sent to the banks' endpoints every few seconds.
  let stopWebhooks: () => Promise<void> = async () => {};
  // Notification mails, when mail is set up (BACKSTOP_SMTP_URL): what waits on people, sent in the background.
  let stopMail: () => Promise<void> = async () => {};
  const mail = services.mail;
  const backup = nightlyBackupOf(database, logger, backupTo);
  void ready.then(() => {
    stopDailyJobs = scheduleDailyJobs({
      ops: services.ops,
      logger,
      refreshCalendar: services.refreshCalendar,
      ...(backup ? { backup } : {}),
      settings: {
        webhookRetentionDays: retentionDays,
        ...(mail ? { mail: { publicUrl: mail.publicUrl } } : {}),
      },
    });
    if (mail) {
      const mailer = smtpMailer(mail, MAIL_TIMEOUT_MS);
      const stop = startNotificationDispatcher({
        db: database.db,
        now: () => new Date(),
        mailer,
        publicUrl: mail.publicUrl,
        logger,
      });
      stopMail = async () => {
        await stop();
        mailer.close();
      };
      logger.info({ from: mail.from }, 'notification mails on');
    }
    stopWebhooks = startWebhookDispatcher({
      db: database.db,
      now: () => new Date(),
      allowLocal: services.webhooks.allowLocal,
      logger,
    });
  });
  const server = serveHttp(
    {
      fetch: async (req, env) => {
        await ready;
        return services.app.fetch(req, env);
      },
      port,
      hostname: process.env.HOST ?? '0.0.0.0',
      timeouts,
      logger,
    },
    () => {
      process.stdout.write(
        `Backstop 兜底 listening on http://localhost:${port}  (database: ${database.kind}, ${database.location})\n`,
      );
      if (demoUsers.length) process.stdout.write(`demo logins (password ${DEMO_PASSWORD}): ${demoUsers.join(', ')}\n`);
      if (fresh) process.stdout.write('demo: seeding the demo book; requests wait until it is done\n');
      listening();
      void ready.then(reportReady);
    },
  );
  closeOnSignals(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await ready;
    stopDailyJobs();
    stopTakeovers();
    stopImportTakeovers();
    // Imports stop between chunks, before the database closes: another process resumes them.
    await services.importJobs.stop();
    await unlisten().catch(() => {});
    await stopWebhooks();
    await stopMail();
    await stopWorkers();
    await database.close();
  });
  return { server, database, services };
}

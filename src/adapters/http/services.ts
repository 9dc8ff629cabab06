/** Wires repositories and use cases to one database; the server and the HTTP tests share it. */
import type { Logger } from 'pino';
import type { CompiledPolicy } from '../../core/policy';
import { createAuthRepository } from '../../modules/auth/auth.repository';
import type { ScryptParams } from '../../modules/auth/passwords';
import { loadPolicyFiles } from '../../modules/programmes/policy-files';
import { createProgrammesRepository } from '../../modules/programmes/programmes.repository';
import {
  getProgramme,
  listProgrammes,
  loadPolicyCatalog,
  loadStoredPolicies,
  syncPolicyFiles,
  type PolicyCatalog,
} from '../../modules/programmes/programmes.usecases';
import { createRegistryRepository } from '../../modules/registry/registry.repository';
import { createCalendarRepository } from '../../modules/calendar/calendar.repository';
import { loadWorkingCalendar } from '../../modules/calendar/calendar.usecases';
import type { OperationsDeps } from '../../modules/shared/operations-deps';
import { beijingToday } from '../../modules/shared/clock';
import { markingWrites } from '../../modules/shared/idempotency.scope';
import type { Database } from '../db/database';
import { createApp } from './app';
import { UsageError } from '../cli/cli-errors';
import type { DossierRule } from '../../modules/claims/claims.usecases';
import { mailSettings } from './mail-settings';
import { objectStoreSettings, type ObjectStoreSettings } from '../object-store/object-store-settings';
import { createS3ObjectStore } from '../object-store/s3-object-store';
import type { MailSettings } from '../../modules/notifications/notifications.mailer';
import { metricsSettings, type MetricsSettings } from './metrics';
import { createReadiness } from './readiness';
import { createBookLoader } from '../../modules/simulation/book.repository';
import { createSimulationJobs } from '../../modules/simulation/simulation.jobs';
import { createImportJobs } from '../../modules/imports/imports.jobs';
import { prepareSimulation } from '../../modules/simulation/simulation.usecases';
import { CATALOG_CHANNEL, notifyCatalogChanged } from '../../modules/shared/catalog-changes';
import { buildReportOnWorker, runScenarios, stressFiguresOnWorker } from '../workers/simulation-pool';

export const VERSION = '0.1.0';

/** BACKSTOP_CLAIM_DOSSIER: `required` (the default) or `waived`; anything else stops the start. */
export function claimDossierSetting(setting = process.env.BACKSTOP_CLAIM_DOSSIER): DossierRule {
  if (setting === undefined || setting === '' || setting === 'required') return 'required';
  if (setting === 'waived') return 'waived';
  throw new UsageError(`BACKSTOP_CLAIM_DOSSIER: must be "required" or "waived", not "${setting}"`);
}

export async function createServices({
  database,
  logger,
  policiesDir,
  today = () => beijingToday(),
  trustProxy = process.env.BACKSTOP_TRUST_PROXY === '1',
  now,
  passwordParams,
  webhooksAllowLocal = process.env.BACKSTOP_WEBHOOKS_ALLOW_LOCAL === '1',
  metrics = metricsSettings(),
  claimDossier = claimDossierSetting(),
  mail = mailSettings(),
  objectStore = objectStoreSettings(),
}: {
  /** Claim materials in an S3-compatible bucket (BACKSTOP_OBJECT_STORE_*); undefined: in the database. */
  objectStore?: ObjectStoreSettings | undefined;
  /** Notification mail (BACKSTOP_SMTP_URL, BACKSTOP_MAIL_FROM, BACKSTOP_PUBLIC_URL); undefined: nothing is sent. */
  mail?: MailSettings | undefined;
  /** Whether approval waits for the claim's dossier (R20); BACKSTOP_CLAIM_DOSSIER=waived turns it off (the demo, older suites). */
  claimDossier?: DossierRule;
  /** GET /metrics's token and cache; from BACKSTOP_METRICS_TOKEN and BACKSTOP_METRICS_CACHE_S unless given. */
  metrics?: MetricsSettings;
  database: Database;
  logger: Logger;
  policiesDir?: string;
  today?: () => string;
  trustProxy?: boolean;
  /** The clock of the sign-in throttle; tests move it on. */
  now?: () => Date;
  /** Test suites only: a cheaper scrypt cost (passwords.ts). There is no setting for it: the server always hashes at PASSWORD_PARAMS. */
  passwordParams?: ScryptParams;
  /** Webhooks to loopback addresses (tests and demos): BACKSTOP_WEBHOOKS_ALLOW_LOCAL=1. */
  webhooksAllowLocal?: boolean;
}) {
  // Every transaction of a request under an Idempotency-Key marks its key (shared/idempotency.scope.ts).
  const db = markingWrites(database.db);
  const programmesRepo = createProgrammesRepository({ db });
  const synced = await syncPolicyFiles({ repo: programmesRepo, files: loadPolicyFiles(policiesDir) });
  if (synced.some((v) => v.added)) await notifyCatalogChanged(db, 'policies');
  const calendarRepo = createCalendarRepository({ db });
  let policies: CompiledPolicy[] = [];
  let catalog!: PolicyCatalog;
  let calendarStamp = '';
  /** The policies and the catalog compiled against the calendar in force (a year entered changes how deadlines are counted, G6). */
  const load = async () => {
    const stamp = await calendarRepo.stamp();
    const calendar = await loadWorkingCalendar({ db });
    policies = await loadStoredPolicies({ repo: programmesRepo, calendar });
    catalog = await loadPolicyCatalog({ repo: programmesRepo, calendar });
    calendarStamp = stamp;
  };
  // One reload at a time: an older read can never be assigned after a newer one.
  let reloading: Promise<void> = Promise.resolve();
  const reloadPolicies = () => (reloading = reloading.then(load, load));
  await reloadPolicies();
  const ops: OperationsDeps = {
    db,
    ...(database.readDb ? { readDb: database.readDb } : {}),
    catalog: () => catalog,
    today,
  };
  const materialStore = objectStore ? createS3ObjectStore(objectStore) : undefined;
  if (materialStore) logger.info({ location: materialStore.location }, 'claim materials are kept in the object store');
  const authRepo = createAuthRepository({ db });
  const registryRepo = createRegistryRepository({ db });
  // The simulation's book may lag: it is read from the standby when there is one (DATABASE_READ_URL).
  const loadBook = createBookLoader({ db: database.readDb ?? db });
  const simulationJobs = createSimulationJobs({
    db,
    runScenarios,
    // the report's sorting and replays take seconds at a million scenarios: not on this thread
    buildReport: (input) => buildReportOnWorker(input),
    summarizeStress: (input) => stressFiguresOnWorker(input),
    onError: (err) => logger.error({ err }, 'simulation failed'),
    // A job taken over from a process that died is prepared again from its stored request.
    prepare: (input) => prepareSimulation({ input, policies, loadBook, today }),
    onTakeOver: (job) => logger.warn(job, 'simulation taken over from a process that stopped'),
  });
  // Imports whose process died are resumed by a live one from the file kept in the database.
  const importJobs = createImportJobs({
    db,
    catalog: () => catalog,
    today,
    onError: (err, job) => logger.error({ err, importId: job.id }, 'import failed'),
    onTakeOver: (job) => logger.warn({ importId: job.id, ...job }, 'import taken over from a process that stopped'),
  });
  const app = createApp({
    logger,
    version: VERSION,
    policies: () => policies,
    programmes: {
      list: () => listProgrammes({ repo: programmesRepo }),
      get: (id) => getProgramme({ repo: programmesRepo, id }),
    },
    health: async () => ({ database: database.kind }),
    ready: createReadiness({ db: database.db }),
    metrics: { ...metrics, postgres: database.kind === 'postgres' },
    authRepo,
    registryRepo,
    secureCookies: process.env.BACKSTOP_SECURE_COOKIES === '1',
    trustProxy,
    ops,
    webhooks: { allowLocal: webhooksAllowLocal },
    mailEnabled: mail !== undefined,
    claimDossier,
    ...(materialStore ? { materialStore } : {}),
    reloadCalendar: reloadPolicies,
    ...(now ? { now } : {}),
    ...(passwordParams ? { passwordParams } : {}),
    simulation: {
      policies: () => policies,
      loadBook,
      today,
      jobs: simulationJobs,
    },
    importJobs,
  });
  return {
    app,
    synced,
    ops,
    webhooks: { allowLocal: webhooksAllowLocal },
    mail,
    claimDossier,
    materialStore,
    repos: { programmes: programmesRepo, auth: authRepo, registry: registryRepo },
    reloadPolicies,
    simulationJobs,
    importJobs,
    /**
     * PostgreSQL: reloads the policies and the calendar as soon as another process changes them
     * (LISTEN/NOTIFY, shared/catalog-changes.ts); answers the UNLISTEN. The embedded database has
     * one process: nothing to listen for.
     */
    listenForCatalogChanges: async (): Promise<() => Promise<void>> => {
      if (!database.listen) return async () => {};
      return database.listen(CATALOG_CHANNEL, (what) => {
        logger.info({ change: what }, 'policies or calendar changed by a process: reloading');
        reloadPolicies().catch((err: unknown) => logger.error({ err }, 'reloading the policies failed'));
      });
    },
    /** Reloads when another process has entered a holiday year since (several app processes on one PostgreSQL). */
    refreshCalendar: async () => {
      if ((await calendarRepo.stamp()) !== calendarStamp) await reloadPolicies();
    },
  };
}

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
import type { Database } from '../db/database';
import { createApp } from './app';
import { createBookLoader } from '../../modules/simulation/book.repository';
import { createSimulationJobs } from '../../modules/simulation/simulation.jobs';
import { runScenarios } from '../workers/simulation-pool';

export const VERSION = '0.1.0';

export async function createServices({
  database,
  logger,
  policiesDir,
  today = () => beijingToday(),
  trustProxy = process.env.BACKSTOP_TRUST_PROXY === '1',
  now,
  passwordParams,
}: {
  database: Database;
  logger: Logger;
  policiesDir?: string;
  today?: () => string;
  trustProxy?: boolean;
  /** The clock of the sign-in throttle; tests move it on. */
  now?: () => Date;
  /** Test suites only: a cheaper scrypt cost (passwords.ts). There is no setting for it: the server always hashes at PASSWORD_PARAMS. */
  passwordParams?: ScryptParams;
}) {
  const programmesRepo = createProgrammesRepository({ db: database.db });
  const synced = await syncPolicyFiles({ repo: programmesRepo, files: loadPolicyFiles(policiesDir) });
  const calendarRepo = createCalendarRepository({ db: database.db });
  let policies: CompiledPolicy[] = [];
  let catalog!: PolicyCatalog;
  let calendarStamp = '';
  /** The policies and the catalog compiled against the calendar in force (a year entered changes how deadlines are counted, G6). */
  const load = async () => {
    const stamp = await calendarRepo.stamp();
    const calendar = await loadWorkingCalendar({ db: database.db });
    policies = await loadStoredPolicies({ repo: programmesRepo, calendar });
    catalog = await loadPolicyCatalog({ repo: programmesRepo, calendar });
    calendarStamp = stamp;
  };
  // One reload at a time: an older read can never be assigned after a newer one.
  let reloading: Promise<void> = Promise.resolve();
  const reloadPolicies = () => (reloading = reloading.then(load, load));
  await reloadPolicies();
  const ops: OperationsDeps = { db: database.db, catalog: () => catalog, today };
  const authRepo = createAuthRepository({ db: database.db });
  const registryRepo = createRegistryRepository({ db: database.db });
  const app = createApp({
    logger,
    version: VERSION,
    policies: () => policies,
    programmes: {
      list: () => listProgrammes({ repo: programmesRepo }),
      get: (id) => getProgramme({ repo: programmesRepo, id }),
    },
    health: async () => ({ database: database.kind }),
    authRepo,
    registryRepo,
    secureCookies: process.env.BACKSTOP_SECURE_COOKIES === '1',
    trustProxy,
    ops,
    reloadCalendar: reloadPolicies,
    ...(now ? { now } : {}),
    ...(passwordParams ? { passwordParams } : {}),
    simulation: {
      policies: () => policies,
      loadBook: createBookLoader({ db: database.db }),
      today,
      jobs: createSimulationJobs({
        db: database.db,
        runScenarios,
        onError: (err) => logger.error({ err }, 'simulation failed'),
      }),
    },
  });
  return {
    app,
    synced,
    ops,
    repos: { programmes: programmesRepo, auth: authRepo, registry: registryRepo },
    reloadPolicies,
    /** Reloads when another process has entered a holiday year since (several app processes on one PostgreSQL). */
    refreshCalendar: async () => {
      if ((await calendarRepo.stamp()) !== calendarStamp) await reloadPolicies();
    },
  };
}

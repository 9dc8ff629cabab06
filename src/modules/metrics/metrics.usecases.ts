/**
 * The figures a fund manager watches, read at once for /metrics: each fund's position from its
 * ledger accounts (the same numbers as GET /api/reports/position, reports.usecases.ts), the claims
 * queued for cash and their compensation, every bank's breaker, the loans waiting for their
 * guarantor, and the jobs not finished. Money stays bigint fen here; the HTTP adapter turns it into
 * gauges.
 */
import { everyBreaker } from '../claims/breaker.usecases';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { fundPositionFen } from '../reports/reports.usecases';
import type { Db } from '../shared/db';
import { awaitingGuarantorByFund, databaseConnections, openJobs, queuedClaimsByFund } from './metrics.repository';

export async function operatorFigures({
  db,
  catalog,
  postgres,
}: {
  db: Db;
  catalog: PolicyCatalog;
  /** On PostgreSQL, its connections (pg_stat_activity) are read too. */
  postgres: boolean;
}) {
  return {
    funds: await fundPositionFen({ db }),
    queuedClaims: await queuedClaimsByFund({ db }),
    breakers: await everyBreaker({ db, catalog }),
    awaitingGuarantor: await awaitingGuarantorByFund({ db }),
    jobs: await openJobs({ db }),
    connections: postgres ? await databaseConnections({ db }) : undefined,
  };
}

export type OperatorFigures = Awaited<ReturnType<typeof operatorFigures>>;

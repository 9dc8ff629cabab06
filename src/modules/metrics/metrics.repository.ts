/**
 * The operator's counts that no other module reads yet, one statement each: claims queued for cash
 * (R7a) and their compensation, loans waiting for their guarantor's confirmation, the jobs not
 * finished, and PostgreSQL's own view of its connections. Reads only; the tables belong to their
 * modules (DESIGN.md, "One owner per table").
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { rowsOf } from '../shared/rows';

/** Per fund: claims in the `queued` state (approved, waiting for cash) and their compensation in fen. */
export async function queuedClaimsByFund({ db }: { db: Db }) {
  const rows = rowsOf(
    await db.execute(sql`select fund_id, count(*)::int as n, coalesce(sum(compensation), 0)::text as fen
      from claims where state = 'queued' group by fund_id`),
  );
  return rows.map((r) => ({ fundId: String(r.fund_id), count: Number(r.n), fen: BigInt(String(r.fen)) }));
}

/**
 * Per fund: guaranteed loans whose guarantor has not confirmed them yet, withdrawn ones left out
 * (the same condition as GET /api/filings?guarantorConfirmed=false, filings.repository.ts).
 */
export async function awaitingGuarantorByFund({ db }: { db: Db }) {
  const rows = rowsOf(
    await db.execute(sql`select fund_id, count(*)::int as n from filings
      where guarantor_id is not null and guarantor_confirmed_on is null and status <> 'withdrawn'
      group by fund_id`),
  );
  return rows.map((r) => ({ fundId: String(r.fund_id), count: Number(r.n) }));
}

/** Jobs not finished (imports and simulations), by kind and status, with the oldest one's age in seconds. */
export async function openJobs({ db }: { db: Db }) {
  const rows = rowsOf(
    await db.execute(sql`
      select 'import' as kind, status, count(*)::int as n,
             extract(epoch from (now() - min(started_at)))::float8 as oldest_s
        from import_jobs where status not in ('done', 'failed') group by status
      union all
      select 'simulation', status, count(*)::int, extract(epoch from (now() - min(started_at)))::float8
        from simulation_jobs where status not in ('done', 'failed') group by status`),
  );
  return rows.map((r) => ({
    kind: String(r.kind),
    status: String(r.status),
    count: Number(r.n),
    oldestSeconds: Math.max(0, Number(r.oldest_s)),
  }));
}

/**
 * PostgreSQL's connections to this database (every app process's, psql's…), by state, and how
 * many of them wait for a lock. Read from pg_stat_activity; the embedded database has one
 * connection and nothing to report.
 */
export async function databaseConnections({ db }: { db: Db }) {
  const rows = rowsOf(
    await db.execute(sql`select coalesce(state, 'unknown') as state, count(*)::int as n,
        count(*) filter (where wait_event_type = 'Lock')::int as lock_waits
      from pg_stat_activity where datname = current_database() and backend_type = 'client backend'
      group by 1`),
  );
  return rows.map((r) => ({ state: String(r.state), count: Number(r.n), lockWaits: Number(r.lock_waits) }));
}

/**
 * GET /api/ready: whether this process should be sent requests — the database answers, every
 * migration this code knows is applied there, and it is a writable primary (not a standby in
 * recovery, not read-only). GET /api/health says only that the process is alive.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '../../modules/shared/db';
import { rowsOf } from '../../modules/shared/rows';
import { MIGRATIONS } from '../db/database';

export interface Readiness {
  ready: boolean;
  checks: { database: string; migrations: string; writable: string };
}

/** The newest migration this code carries (drizzle-kit's journal: `when`, in ms). */
function newestMigration(): { tag: string; when: number } {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.at(-1)!;
}

/** How long the checks may take before the database counts as unreachable. */
const CHECK_TIMEOUT_MS = 5_000;

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export function createReadiness({ db, timeoutMs = CHECK_TIMEOUT_MS }: { db: Db; timeoutMs?: number }) {
  const newest = newestMigration();
  return async function readiness(): Promise<Readiness> {
    let row;
    try {
      // One statement: is it there, what migrations has it, is it a writable primary.
      [row] = rowsOf(
        await within(
          timeoutMs,
          db.execute(sql`select pg_is_in_recovery() as recovery,
            current_setting('transaction_read_only') as read_only,
            (select max(created_at)::text from drizzle.__drizzle_migrations) as applied`),
        ),
      );
    } catch {
      return { ready: false, checks: { database: 'unreachable', migrations: 'unknown', writable: 'unknown' } };
    }
    const migrated = row?.applied != null && Number(row.applied) >= newest.when;
    const recovery = row?.recovery === true || row?.recovery === 't';
    const readOnly = row?.read_only === 'on';
    const checks = {
      database: 'ok',
      migrations: migrated ? 'ok' : `behind: ${newest.tag} is not applied`,
      writable: recovery ? 'no: a standby in recovery' : readOnly ? 'no: transaction_read_only is on' : 'ok',
    };
    return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
  };
}

/**
 * What every app process keeps in memory and must hear about at once when another changes it: the
 * compiled policies and the policy catalog, compiled against the working-day calendar
 * (adapters/http/services.ts). A change — a holiday year entered or corrected, a new policy
 * revision stored at a start — sends a NOTIFY on CATALOG_CHANNEL in the transaction that makes it,
 * so it is delivered at commit; on PostgreSQL every server LISTENs and reloads (the minute's check
 * of the calendar's stamp stays as the fallback). On the embedded database, one process, nobody
 * listens and the notification costs nothing.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './db';

export const CATALOG_CHANNEL = 'backstop_catalog';

/** Tells the other processes that the policies or the calendar changed; `what` is for their logs. */
export async function notifyCatalogChanged(db: Db, what: string): Promise<void> {
  await db.execute(sql`select pg_notify(${CATALOG_CHANNEL}, ${what})`);
}

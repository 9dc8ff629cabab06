/** The webhooks module's SQL: endpoints, the delivery log, the dispatcher's cursor on the audit log. */
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { rowsOf } from '../shared/rows';
import { webhookCursor, webhookDeliveries, webhookEndpoints } from './webhooks.table';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type EndpointInsert = typeof webhookEndpoints.$inferInsert;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type DeliveryInsert = typeof webhookDeliveries.$inferInsert;

/** A delivery taken up for an attempt, with what sending it needs. */
export interface DueDelivery {
  id: string;
  eventId: string;
  payload: string;
  attempts: number;
  url: string;
  secret: string;
}

export function createWebhooksRepository({ db }: { db: Db }) {
  return {
    async insertEndpoint(row: EndpointInsert): Promise<EndpointRow> {
      const [r] = await db.insert(webhookEndpoints).values(row).returning();
      return r!;
    },
    async endpointById(id: string): Promise<EndpointRow | undefined> {
      const [r] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
      return r;
    },
    /** The endpoints not deleted, of one bank or all, newest first. */
    async listEndpoints(bankId: string | undefined): Promise<EndpointRow[]> {
      return db
        .select()
        .from(webhookEndpoints)
        .where(
          and(
            isNull(webhookEndpoints.deletedAt),
            bankId === undefined ? undefined : eq(webhookEndpoints.bankId, bankId),
          ),
        )
        .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
    },
    async updateEndpoint(id: string, patch: Partial<EndpointInsert>): Promise<EndpointRow> {
      const [r] = await db.update(webhookEndpoints).set(patch).where(eq(webhookEndpoints.id, id)).returning();
      return r!;
    },
    /** The deliveries of a deleted endpoint still waiting are not sent. */
    async cancelPending(endpointId: string): Promise<void> {
      await db
        .update(webhookDeliveries)
        .set({ status: 'cancelled', nextAttemptAt: null, leaseToken: null })
        .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending')));
    },

    /** The dispatcher's place in the audit log, locked; undefined when another process holds it (it is reading now). */
    async lockCursor(): Promise<bigint | undefined> {
      const rows = rowsOf(
        await db.execute(sql`select seq::text as seq from webhook_cursor where name = 'audit' for update skip locked`),
      );
      if (rows.length) return BigInt(String(rows[0]!.seq));
      // No row (a database made before the cursor's row was added cannot be: the migration adds it); start at the head.
      const inserted = rowsOf(
        await db.execute(sql`insert into webhook_cursor (name, seq)
          select 'audit', coalesce(max(seq), 0) from audit_log on conflict do nothing returning seq::text as seq`),
      );
      return inserted.length ? BigInt(String(inserted[0]!.seq)) : undefined;
    },
    async setCursor(seq: bigint): Promise<void> {
      await db.update(webhookCursor).set({ seq }).where(eq(webhookCursor.name, 'audit'));
    },
    /** Whether any endpoint is active (none: the dispatcher only moves its cursor on). */
    async anyActive(): Promise<boolean> {
      const rows = await db
        .select({ id: webhookEndpoints.id })
        .from(webhookEndpoints)
        .where(and(eq(webhookEndpoints.active, true), isNull(webhookEndpoints.deletedAt)))
        .limit(1);
      return rows.length > 0;
    },
    /** The active endpoints of these banks (deleted ones excluded). */
    async activeEndpointsOf(bankIds: string[]): Promise<EndpointRow[]> {
      if (bankIds.length === 0) return [];
      return db
        .select()
        .from(webhookEndpoints)
        .where(
          and(
            inArray(webhookEndpoints.bankId, bankIds),
            eq(webhookEndpoints.active, true),
            isNull(webhookEndpoints.deletedAt),
          ),
        );
    },
    /** New deliveries; one already there for the endpoint and event is left as it is. */
    async insertDeliveries(rows: DeliveryInsert[]): Promise<number> {
      if (rows.length === 0) return 0;
      const done = await db
        .insert(webhookDeliveries)
        .values(rows)
        .onConflictDoNothing()
        .returning({ id: webhookDeliveries.id });
      return done.length;
    },

    /**
     * Takes up to `limit` deliveries due at `now` for an attempt: pending, of an active endpoint not
     * deleted, oldest due first. Rows another process is taking are skipped (FOR UPDATE SKIP
     * LOCKED); the ones taken get `token` and are not due again before `leaseUntil`.
     */
    async takeDue({
      now,
      leaseUntil,
      token,
      limit,
    }: {
      now: Date;
      leaseUntil: Date;
      token: string;
      limit: number;
    }): Promise<DueDelivery[]> {
      const rows = rowsOf(
        await db.execute(sql`with due as (
            select d.id from webhook_deliveries d
            join webhook_endpoints e on e.id = d.endpoint_id
            where d.status = 'pending' and d.next_attempt_at <= ${now.toISOString()}::timestamptz
              and e.active and e.deleted_at is null
            order by d.next_attempt_at, d.id
            limit ${limit}
            for update of d skip locked
          )
          update webhook_deliveries d set lease_token = ${token}, next_attempt_at = ${leaseUntil.toISOString()}::timestamptz
          from due, webhook_endpoints e
          where d.id = due.id and e.id = d.endpoint_id
          returning d.id, d.event_id, d.payload, d.attempts, e.url, e.secret`),
      );
      return rows.map((r) => ({
        id: String(r.id),
        eventId: String(r.event_id),
        payload: String(r.payload),
        attempts: Number(r.attempts),
        url: String(r.url),
        secret: String(r.secret),
      }));
    },
    /** The outcome of an attempt, written only while the delivery is still held by `token`. */
    async finishAttempt(id: string, token: string, patch: Partial<DeliveryInsert>): Promise<boolean> {
      const done = await db
        .update(webhookDeliveries)
        .set({ ...patch, leaseToken: null })
        .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.leaseToken, token)))
        .returning({ id: webhookDeliveries.id });
      return done.length === 1;
    },

    async deliveryById(id: string): Promise<DeliveryRow | undefined> {
      const [r] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
      return r;
    },
    /** An endpoint's deliveries, newest first, after the cursor's (createdAt, id). */
    async deliveriesOf({
      endpointId,
      status,
      limit,
      after,
    }: {
      endpointId: string;
      status?: DeliveryRow['status'];
      limit: number;
      after?: { at: Date; id: string };
    }): Promise<DeliveryRow[]> {
      return db
        .select()
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.endpointId, endpointId),
            status ? eq(webhookDeliveries.status, status) : undefined,
            after
              ? or(
                  lt(webhookDeliveries.createdAt, after.at),
                  and(eq(webhookDeliveries.createdAt, after.at), lt(webhookDeliveries.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(limit + 1);
    },
    /**
     * The delivery log's retention: deliveries delivered, failed or cancelled whose last attempt (or
     * creation, never tried) was before `before` are deleted; pending ones never (they are still to send).
     */
    async purgeDeliveries(before: Date): Promise<number> {
      const done = await db
        .delete(webhookDeliveries)
        .where(
          and(
            inArray(webhookDeliveries.status, ['delivered', 'failed', 'cancelled']),
            sql`coalesce(${webhookDeliveries.lastAttemptAt}, ${webhookDeliveries.createdAt}) < ${before.toISOString()}::timestamptz`,
          ),
        )
        .returning({ id: webhookDeliveries.id });
      return done.length;
    },
    /** A delivery sent again from the start of the schedule, due at `now`; not one pending (waiting or being sent). */
    async replay(id: string, now: Date): Promise<DeliveryRow | undefined> {
      const [r] = await db
        .update(webhookDeliveries)
        .set({
          status: 'pending',
          attempts: 0,
          replays: sql`${webhookDeliveries.replays} + 1`,
          nextAttemptAt: now,
          leaseToken: null,
        })
        .where(and(eq(webhookDeliveries.id, id), sql`${webhookDeliveries.status} <> 'pending'`))
        .returning();
      return r;
    },
  };
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;

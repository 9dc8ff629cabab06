/**
 * The dispatcher: tails the hash-chained audit log by `seq` (its cursor is a row of
 * webhook_cursor), turns each filing.*, claim.* and recovery.* entry into an event
 * `{ id, type, createdAt, entity, data }` (data: the entry's after-view), finds the bank the
 * record belongs to (the filings, claims and recoveries modules' reads), and queues one delivery for every
 * active endpoint of that bank that asked for the type. Then it sends what is due, signed
 * (webhooks.signing.ts), and writes the outcome: delivered, tried again later on the schedule
 * (core/webhooks), or failed.
 *
 * Several processes may run it against one PostgreSQL: the cursor row is taken FOR UPDATE SKIP
 * LOCKED (one reads the log at a time, the others skip), deliveries are taken FOR UPDATE SKIP
 * LOCKED with a lease (a process that dies mid-send leaves them due again once the lease ends), and
 * no transaction is held while a request is in flight. A delivery may therefore arrive twice (a
 * process died after sending, before writing the answer): receivers dedupe on Backstop-Event-Id.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { delivered, eventEntity, MAX_ATTEMPTS, nextAttemptAt, wantsEvent } from '../../core/webhooks/webhooks';
import { createAuditRepository } from '../audit/audit.repository';
import { claimsByIds } from '../claims/claims.repository';
import { recoveriesByIds } from '../recoveries/recoveries.repository';
import { createFilingsRepository } from '../filings/filings.repository';
import { CHUNK_ACTION, chunkAfterOf } from '../filings/filing.chunk';
import { auditedFiling, decisionDigest, filingView } from '../filings/filing.view';
import type { AuditRowText } from '../audit/audit.repository';
import type { Db } from '../shared/db';
import { createWebhooksRepository, type DeliveryInsert } from './webhooks.repository';
import { sendWebhook, type Sender } from './webhooks.sender';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from './webhooks.signing';

/** How long one attempt may take before it counts as failed. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** Audit entries read per transaction, and deliveries taken per round. */
const READ_BATCH = 500;
const SEND_BATCH = 20;
/** At most this many requests in flight at once per process. */
const CONCURRENCY = 4;

export interface DispatchOptions {
  db: Db;
  /** The clock: when deliveries are due and when they are tried again. Tests move it on. */
  now: () => Date;
  /** Allow loopback endpoints (BACKSTOP_WEBHOOKS_ALLOW_LOCAL=1): tests and demos. */
  allowLocal: boolean;
  timeoutMs?: number;
  send?: Sender;
  logger?: Logger;
}

/**
 * The entries that are events, in log order. A bulk-filed chunk's one row (filings/filing.chunk)
 * is a `filing.create` event per loan it names, as its own row was before issue 20: the loan's
 * audited view as it stands now (read with its bank, which `bankOf` is given), its event id drawn
 * from the chunk row's hash and the loan's id, so reading the row again gives the same ids.
 */
async function eventsOf(db: Db, entries: AuditRowText[], bankOf: Map<string, string>) {
  const events: (AuditRowText & { kind: 'filing' | 'claim' | 'recovery' })[] = [];
  for (const e of entries) {
    const kind = eventEntity(e.action, e.entityKind);
    if (kind) events.push({ ...e, kind });
    if (e.action !== CHUNK_ACTION || !e.after) continue;
    const chunk = chunkAfterOf(JSON.parse(e.after));
    if (!chunk) continue;
    const rows = new Map((await createFilingsRepository({ db }).findMany(chunk.filingIds)).map((f) => [f.id, f]));
    for (const id of chunk.filingIds) {
      const f = rows.get(id);
      if (!f) continue;
      bankOf.set(`filing:${f.id}`, f.bankId);
      events.push({
        ...e,
        action: 'filing.create',
        entityKind: 'filing',
        entityId: f.id,
        after: JSON.stringify(auditedFiling(filingView(f), decisionDigest(f.decision))),
        hash: createHash('sha256').update(`${e.hash}:${f.id}`).digest('hex'),
        kind: 'filing',
      });
    }
  }
  return events;
}

/** Reads the audit log past the cursor and queues the deliveries; returns how many were queued. */
export async function queueEvents({ db, now }: { db: Db; now: () => Date }): Promise<number> {
  let queued = 0;
  for (;;) {
    const round = await db.transaction(async (tx) => {
      const repo = createWebhooksRepository({ db: tx });
      const cursor = await repo.lockCursor();
      if (cursor === undefined) return { read: 0, queued: 0 }; // another process is reading
      const entries = await createAuditRepository({ db: tx }).textsAfter(cursor, READ_BATCH);
      if (entries.length === 0) return { read: 0, queued: 0 };
      if (!(await repo.anyActive())) {
        // No endpoint to send to: the entries are passed over (an endpoint registered later gets what happens after it).
        await repo.setCursor(entries.at(-1)!.seq);
        return { read: entries.length, queued: 0 };
      }
      const bankOf = new Map<string, string>();
      const events = await eventsOf(tx, entries, bankOf);
      const filingIds = [
        ...new Set(
          events.filter((e) => e.kind === 'filing' && !bankOf.has(`filing:${e.entityId}`)).map((e) => e.entityId),
        ),
      ];
      for (const f of await createFilingsRepository({ db: tx }).findMany(filingIds))
        bankOf.set(`filing:${f.id}`, f.bankId);
      const claimIds = [...new Set(events.filter((e) => e.kind === 'claim').map((e) => e.entityId))];
      for (const c of await claimsByIds({ db: tx, ids: claimIds })) bankOf.set(`claim:${c.id}`, c.bankId);
      const recoveryIds = [...new Set(events.filter((e) => e.kind === 'recovery').map((e) => e.entityId))];
      for (const r of await recoveriesByIds({ db: tx, ids: recoveryIds })) bankOf.set(`recovery:${r.id}`, r.bankId);
      const endpoints = await repo.activeEndpointsOf([...new Set(bankOf.values())]);
      const at = now();
      const rows: DeliveryInsert[] = [];
      for (const e of events) {
        const bankId = bankOf.get(`${e.kind}:${e.entityId}`);
        if (!bankId) continue;
        const createdAt = new Date(`${e.at}Z`).toISOString();
        const eventId = `evt_${e.hash.slice(0, 32)}`;
        const payload = `{"id":${JSON.stringify(eventId)},"type":${JSON.stringify(e.action)},"createdAt":${JSON.stringify(createdAt)},"entity":{"kind":${JSON.stringify(e.kind)},"id":${JSON.stringify(e.entityId)}},"data":${e.after ?? 'null'}}`;
        for (const ep of endpoints) {
          // An endpoint gets what happened once it was there, of its own bank, of the types it asked for.
          if (
            ep.bankId !== bankId ||
            !wantsEvent(ep.events, e.action) ||
            ep.createdAt.getTime() > Date.parse(createdAt)
          )
            continue;
          rows.push({
            id: randomUUID(),
            endpointId: ep.id,
            bankId,
            eventId,
            eventType: e.action,
            auditSeq: e.seq,
            payload,
            status: 'pending',
            nextAttemptAt: at,
            createdAt: at,
          });
        }
      }
      const inserted = await repo.insertDeliveries(rows);
      await repo.setCursor(entries.at(-1)!.seq);
      return { read: entries.length, queued: inserted };
    });
    queued += round.queued;
    if (round.read < READ_BATCH) return queued;
  }
}

export interface SendRoundResult {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/** Sends the deliveries due now, until none is due; returns what happened. */
export async function sendDue({
  db,
  now,
  allowLocal,
  timeoutMs = ATTEMPT_TIMEOUT_MS,
  send = sendWebhook,
  logger,
}: DispatchOptions): Promise<SendRoundResult> {
  const out: SendRoundResult = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  const repo = createWebhooksRepository({ db });
  for (;;) {
    const start = now();
    const token = randomUUID();
    // Held for the attempt's deadline and a minute more: a process that died leaves them due again then.
    const due = await repo.takeDue({
      now: start,
      leaseUntil: new Date(start.getTime() + timeoutMs + 60_000),
      token,
      limit: SEND_BATCH,
    });
    if (due.length === 0) return out;
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const d = due[next++]!;
        const t = Math.floor(now().getTime() / 1000);
        const result = await send({
          url: d.url,
          body: d.payload,
          timeoutMs,
          allowLocal,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Backstop-Webhooks/1',
            [SIGNATURE_HEADER]: signatureHeader(d.secret, d.payload, t),
            [EVENT_ID_HEADER]: d.eventId,
          },
        });
        const at = now();
        const attempts = d.attempts + 1;
        const ok = delivered(result.status);
        const retryAt = ok ? undefined : nextAttemptAt(attempts, at.getTime());
        const status = ok ? 'delivered' : retryAt === undefined ? 'failed' : 'pending';
        const written = await repo.finishAttempt(d.id, token, {
          attempts,
          status,
          lastAttemptAt: at,
          lastStatus: result.status ?? null,
          lastError: ok ? null : (result.error ?? `answered ${result.status}`),
          nextAttemptAt: retryAt === undefined ? null : new Date(retryAt),
          ...(ok ? { deliveredAt: at } : {}),
        });
        out.attempted++;
        if (!written) continue; // its lease ran out and another process took it up
        if (status === 'delivered') out.delivered++;
        else if (status === 'failed') {
          out.failed++;
          logger?.warn({ delivery: d.id, attempts: MAX_ATTEMPTS }, 'webhook delivery failed after every attempt');
        } else out.retrying++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  }
}

/** One run: queue the new events, then send what is due. */
export async function dispatchWebhooks(opts: DispatchOptions) {
  const queued = await queueEvents({ db: opts.db, now: opts.now });
  return { queued, ...(await sendDue(opts)) };
}

export const DISPATCH_EVERY_MS = 5_000;

/**
 * Runs the dispatcher every `everyMs` in the server process; the returned stop waits for the run
 * in progress (SIGTERM). A failed run is logged and the next one tries again.
 */
export function startWebhookDispatcher(
  opts: DispatchOptions & { everyMs?: number; logger: Logger },
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = dispatchWebhooks(opts)
      .then((r) => {
        if (r.attempted) opts.logger.info(r, 'webhooks dispatched');
      })
      .catch((err: unknown) => opts.logger.error({ err }, 'webhook dispatch failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, opts.everyMs ?? DISPATCH_EVERY_MS);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

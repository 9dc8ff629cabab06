/**
 * Webhook endpoints of a bank's systems (bank officers for their own bank, managers for any; others
 * read), their delivery log and replay. Another bank's endpoint or delivery answers 404. The
 * dispatcher that fills and sends the log is webhooks.dispatcher.ts.
 */
import { randomUUID } from 'node:crypto';
import { createAuditRepository } from '../audit/audit.repository';
import { scopeFor, type Actor } from '../auth/access';
import { createRegistryRepository } from '../registry/registry.repository';
import type { Db } from '../shared/db';
import { decodeCursor, pageOf } from '../shared/paging';
import { webhookErrors } from './webhooks.errors';
import { createWebhooksRepository, type DeliveryRow, type EndpointRow } from './webhooks.repository';
import { newSecret } from './webhooks.signing';
import { urlRefusal } from './webhooks.url';

export function endpointView(e: EndpointRow) {
  return {
    id: e.id,
    bankId: e.bankId,
    url: e.url,
    events: e.events,
    active: e.active,
    description: e.description,
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    secretRotatedAt: e.secretRotatedAt?.toISOString() ?? null,
    deletedAt: e.deletedAt?.toISOString() ?? null,
  };
}
export type EndpointView = ReturnType<typeof endpointView>;

export function deliveryView(d: DeliveryRow) {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    replays: d.replays,
    lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    lastResponseStatus: d.lastStatus,
    lastError: d.lastError,
    /** When it is tried next (pending only). */
    nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    /** The event as sent (the body of every attempt). */
    event: JSON.parse(d.payload) as unknown,
  };
}

const sees = (actor: Actor, e: EndpointRow | undefined): e is EndpointRow => {
  const scope = scopeFor(actor);
  return e !== undefined && scope.kind !== 'guarantor' && (scope.kind !== 'bank' || e.bankId === scope.bankId);
};

/** The endpoint if the actor may see it (a bank its own), else 404. */
async function visibleEndpoint(db: Db, actor: Actor, id: string): Promise<EndpointRow> {
  const e = await createWebhooksRepository({ db }).endpointById(id);
  if (!sees(actor, e)) throw webhookErrors.endpointNotFound(id);
  return e;
}

async function bankFor(db: Db, actor: Actor, bankId: string | undefined): Promise<string> {
  if (actor.role === 'bank') {
    if (bankId && bankId !== actor.bankId) throw webhookErrors.bankNotOwn();
    return actor.bankId!;
  }
  if (!bankId) throw webhookErrors.bankRequired();
  const bank = await createRegistryRepository({ db }).findInstitution(bankId);
  if (!bank || bank.kind !== 'bank') throw webhookErrors.bankUnknown(bankId);
  return bankId;
}

const checkUrl = (url: string, allowLocal: boolean) => {
  const refusal = urlRefusal(url, allowLocal);
  if (refusal) throw webhookErrors.urlRefused(refusal);
};

export interface EndpointInput {
  bankId?: string | undefined;
  url: string;
  events: string[];
  active?: boolean | undefined;
  description?: string | undefined;
}

/** Registers an endpoint; its secret is in this answer only. */
export async function createEndpoint({
  db,
  actor,
  input,
  allowLocal,
}: {
  db: Db;
  actor: Actor;
  input: EndpointInput;
  allowLocal: boolean;
}) {
  checkUrl(input.url, allowLocal);
  const bankId = await bankFor(db, actor, input.bankId);
  const secret = newSecret();
  const row = await db.transaction(async (tx) => {
    const created = await createWebhooksRepository({ db: tx }).insertEndpoint({
      id: randomUUID(),
      bankId,
      url: input.url,
      events: [...new Set(input.events)],
      active: input.active ?? true,
      description: input.description ?? null,
      secret,
      createdBy: actor.username,
    });
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'webhook.create',
      entityKind: 'webhook',
      entityId: created.id,
      after: endpointView(created),
    });
    return created;
  });
  return { ...endpointView(row), secret };
}

export async function listEndpoints({ db, actor }: { db: Db; actor: Actor }) {
  const scope = scopeFor(actor);
  if (scope.kind === 'guarantor') return [];
  const rows = await createWebhooksRepository({ db }).listEndpoints(scope.kind === 'bank' ? scope.bankId : undefined);
  return rows.map(endpointView);
}

export async function getEndpoint({ db, actor, id }: { db: Db; actor: Actor; id: string }) {
  return endpointView(await visibleEndpoint(db, actor, id));
}

/** Changes an endpoint's URL, events, active flag or description; the same values write nothing. */
export async function updateEndpoint({
  db,
  actor,
  id,
  patch,
  allowLocal,
}: {
  db: Db;
  actor: Actor;
  id: string;
  patch: Partial<Pick<EndpointInput, 'url' | 'events' | 'active' | 'description'>>;
  allowLocal: boolean;
}) {
  const e = await visibleEndpoint(db, actor, id);
  if (e.deletedAt)
    throw webhookErrors.endpointDeleted(
      { en: 'A deleted endpoint cannot be changed; register a new one.', zh: '已删除的回调地址不能修改，请重新登记。' },
      { en: 'is deleted', zh: '已删除' },
    );
  if (patch.url !== undefined) checkUrl(patch.url, allowLocal);
  const next = {
    ...(patch.url !== undefined ? { url: patch.url } : {}),
    ...(patch.events !== undefined ? { events: [...new Set(patch.events)] } : {}),
    ...(patch.active !== undefined ? { active: patch.active } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
  };
  const same =
    (next.url ?? e.url) === e.url &&
    JSON.stringify(next.events ?? e.events) === JSON.stringify(e.events) &&
    (next.active ?? e.active) === e.active &&
    (next.description ?? e.description) === e.description;
  if (same) return endpointView(e);
  return db.transaction(async (tx) => {
    const row = await createWebhooksRepository({ db: tx }).updateEndpoint(id, next);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'webhook.update',
      entityKind: 'webhook',
      entityId: id,
      before: endpointView(e),
      after: endpointView(row),
    });
    return endpointView(row);
  });
}

/** A new secret at once (the old one no longer signs); shown in this answer only. */
export async function rotateSecret({ db, actor, id, now }: { db: Db; actor: Actor; id: string; now: Date }) {
  const e = await visibleEndpoint(db, actor, id);
  if (e.deletedAt)
    throw webhookErrors.endpointDeleted(
      { en: 'A deleted endpoint has no secret to rotate.', zh: '已删除的回调地址没有可更换的密钥。' },
      { en: 'is deleted', zh: '已删除' },
    );
  const secret = newSecret();
  const row = await db.transaction(async (tx) => {
    const r = await createWebhooksRepository({ db: tx }).updateEndpoint(id, { secret, secretRotatedAt: now });
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'webhook.rotate-secret',
      entityKind: 'webhook',
      entityId: id,
      after: { id, secretRotatedAt: now.toISOString() },
    });
    return r;
  });
  return { ...endpointView(row), secret };
}

/** Deletes an endpoint: nothing more is sent to it, what waited is cancelled, its log is kept. Again: the endpoint as it is. */
export async function deleteEndpoint({ db, actor, id, now }: { db: Db; actor: Actor; id: string; now: Date }) {
  const e = await visibleEndpoint(db, actor, id);
  if (e.deletedAt) return endpointView(e);
  return db.transaction(async (tx) => {
    const repo = createWebhooksRepository({ db: tx });
    const row = await repo.updateEndpoint(id, { deletedAt: now, active: false });
    await repo.cancelPending(id);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'webhook.delete',
      entityKind: 'webhook',
      entityId: id,
      before: endpointView(e),
    });
    return endpointView(row);
  });
}

export async function listDeliveries({
  db,
  actor,
  endpointId,
  status,
  limit,
  cursor,
}: {
  db: Db;
  actor: Actor;
  endpointId: string;
  status?: DeliveryRow['status'] | undefined;
  limit: number;
  cursor?: string | undefined;
}) {
  await visibleEndpoint(db, actor, endpointId);
  const after = decodeCursor(cursor, 'timestamp');
  const rows = await createWebhooksRepository({ db }).deliveriesOf({
    endpointId,
    limit,
    ...(status ? { status } : {}),
    ...(after ? { after: { at: new Date(String(after.value)), id: after.id } } : {}),
  });
  const page = pageOf(rows, limit, (d) => ({ value: d.createdAt.toISOString(), id: d.id }));
  return { items: page.items.map(deliveryView), nextCursor: page.nextCursor };
}

/** Sends a delivery again from the start of the retry schedule, at the dispatcher's next run. */
export async function replayDelivery({ db, actor, id, now }: { db: Db; actor: Actor; id: string; now: Date }) {
  const repo = createWebhooksRepository({ db });
  const d = await repo.deliveryById(id);
  if (!d) throw webhookErrors.deliveryNotFound(id);
  // Another bank's delivery answers 404, as if it did not exist.
  const e = await repo.endpointById(d.endpointId);
  if (!sees(actor, e)) throw webhookErrors.deliveryNotFound(id);
  if (e.deletedAt)
    throw webhookErrors.endpointDeleted(
      {
        en: 'The delivery’s endpoint was deleted: it is not sent again.',
        zh: '该推送所属的回调地址已删除，不再重发。',
      },
      { en: 'belongs to a deleted endpoint', zh: '所属回调地址已删除' },
    );
  const replayed = await db.transaction(async (tx) => {
    const r = await createWebhooksRepository({ db: tx }).replay(id, now);
    if (!r) return undefined;
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'webhook.replay',
      entityKind: 'webhook-delivery',
      entityId: id,
      after: { endpointId: r.endpointId, eventId: r.eventId, replays: r.replays },
    });
    return r;
  });
  if (!replayed) throw webhookErrors.deliveryPending();
  return deliveryView(replayed);
}

/** How long the delivery log keeps deliveries that are done with (BACKSTOP_WEBHOOK_RETENTION_DAYS). */
export const WEBHOOK_RETENTION_DAYS = 90;

/**
 * The daily purge of the delivery log: deliveries delivered, failed for good or cancelled whose
 * last attempt was more than `days` days before `now` are deleted; pending ones are kept whatever
 * their age. Returns how many were deleted.
 */
export async function purgeDeliveries({ db, now, days }: { db: Db; now: Date; days: number }): Promise<number> {
  return createWebhooksRepository({ db }).purgeDeliveries(new Date(now.getTime() - days * 86_400_000));
}

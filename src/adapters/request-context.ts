/**
 * The request being served, for whatever runs on its behalf: its id (X-Request-Id), which the
 * logger writes on every line logged while the request is served (logger.ts, `mixin`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const store = new AsyncLocalStorage<{ requestId: string }>();

/** A client's X-Request-Id is kept when it is sane: 1 to 128 letters, digits and `._:-`. */
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's id if it sent a sane one, otherwise a new UUID. */
export function requestIdFrom(incoming: string | null | undefined): string {
  const id = incoming?.trim();
  return id && SANE.test(id) ? id : randomUUID();
}

/** Runs `fn` as part of the request with this id. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return store.run({ requestId }, fn);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return store.getStore()?.requestId;
}

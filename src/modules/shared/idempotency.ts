/** The `Idempotency-Key` header of a POST that creates or moves money (DESIGN.md HTTP conventions). */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './db';
import { idempotentRequests } from './idempotency.table';
import { Problem } from './problem';
import { uniqueViolation } from './retry';

export const idempotencyHeader = z.object({
  'idempotency-key': z.string().optional().openapi({
    description:
      'Idempotency-Key: a key of your choosing (8–200 characters); the same key with the same request answers the first result',
    example: 'ICBC-2025-000123-file',
  }),
});

export function idempotencyKeyOf(c: Context): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (key.length < 8 || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
    throw Problem.invalid([{ field: 'Idempotency-Key', message: 'must be 8 to 200 printable ASCII characters' }]);
  }
  return key;
}

/**
 * Runs `run` in a transaction at most once per (scope, route, key): the first answer is stored in
 * the same transaction as the work, so a repeat of the same request answers it again (`replayed`)
 * and never does the work twice; the same key with another request is refused (422). Copies sent at
 * once queue on a transaction lock of the key before anything else, so the second finds the first's
 * answer stored (were the lock ever missed, the key's primary key would still refuse the second
 * insert, roll its work back and answer the first's result). Without a key, `run` just runs.
 */
export async function onceByKey<T>({
  db,
  scope,
  route,
  key,
  request,
  run,
}: {
  db: Db;
  scope: string;
  route: string;
  key: string | undefined;
  request: unknown;
  run: (tx: Db) => Promise<T>;
}): Promise<{ value: T; replayed: boolean }> {
  if (key === undefined) return { value: await db.transaction((tx) => run(tx)), replayed: false };
  const requestHash = createHash('sha256')
    .update(JSON.stringify(request, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
    .digest('hex');
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (t) => {
        const tx = t;
        await tx.execute(sql`select pg_advisory_xact_lock(7260003, hashtext(${`${scope}\u001f${route}\u001f${key}`}))`);
        const [prior] = await tx
          .select()
          .from(idempotentRequests)
          .where(
            and(
              eq(idempotentRequests.scope, scope),
              eq(idempotentRequests.route, route),
              eq(idempotentRequests.key, key),
            ),
          );
        if (prior) {
          if (prior.requestHash !== requestHash)
            throw new Problem(422, 'Idempotency-Key reused', 'This Idempotency-Key was used for a different request.', [
              { field: 'Idempotency-Key', message: 'was used for a different request' },
            ]);
          return { value: prior.response as T, replayed: true };
        }
        const value = await run(tx);
        await tx
          .insert(idempotentRequests)
          .values({ scope, route, key, requestHash, status: 200, response: value as object });
        return { value, replayed: false };
      });
    } catch (e) {
      if (attempt < 3 && uniqueViolation(e) === 'idempotent_requests_scope_route_key_pk') continue;
      throw e;
    }
  }
}

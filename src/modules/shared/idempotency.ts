/** The `Idempotency-Key` header of a POST that creates or moves money (DESIGN.md HTTP conventions). */
import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { Problem } from './problem';

export const idempotencyHeader = z.object({
  'idempotency-key': z.string().optional().openapi({ description: 'Idempotency-Key: a key of your choosing (8–200 characters); the same key with the same request answers the first result', example: 'ICBC-2025-000123-file' }),
});

export function idempotencyKeyOf(c: Context): string | undefined {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return undefined;
  if (key.length < 8 || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
    throw Problem.invalid([{ field: 'Idempotency-Key', message: 'must be 8 to 200 printable ASCII characters' }]);
  }
  return key;
}

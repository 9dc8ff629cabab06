/**
 * Cursor paging for list endpoints: `?limit=50&cursor=…&sort=field&order=asc|desc`. The cursor
 * carries the last row's sort value and id, so pages stay stable while rows are added.
 */
import { z } from '@hono/zod-openapi';
import { Problem } from './problem';

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ example: 50 }),
  cursor: z.string().max(500).optional().openapi({ description: 'the `nextCursor` of the previous page' }),
  order: z.enum(['asc', 'desc']).default('asc'),
});

export interface Cursor {
  value: string | number | boolean | null;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.value, c.id])).toString('base64url');
}

export function decodeCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const [value, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [Cursor['value'], unknown];
    if (typeof id !== 'string') throw new Error('bad cursor');
    return { value, id };
  } catch {
    throw Problem.invalid([{ field: 'cursor', message: 'is not a cursor this API gave out' }]);
  }
}

export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(cursorOf(items.at(-1)!)) : null };
}

export const pageSchema = <T extends z.ZodTypeAny>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

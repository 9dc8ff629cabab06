/**
 * Cursor paging for list endpoints: `?limit=50&cursor=…&sort=field&order=asc|desc`. The cursor
 * carries the last row's sort value and id, so pages stay stable while rows are added.
 */
import { z } from '@hono/zod-openapi';
import { isIsoDate } from '../../core/calendar/dates';
import { Problem } from './problem';
import { textProblem } from './text';

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

/** What a list's cursor carries as its sort value; a cursor whose value is not that is refused (it came from another list or sort, or was made up). */
export type CursorValue = 'text' | 'date' | 'integer' | 'timestamp' | 'none';

const isText = (v: unknown): v is string => typeof v === 'string' && textProblem(v) === undefined;
const VALUE_OK: Record<CursorValue, (v: unknown) => boolean> = {
  text: isText,
  date: (v) => typeof v === 'string' && isIsoDate(v),
  integer: (v) => typeof v === 'string' && /^-?\d{1,18}$/.test(v),
  // A real instant the database takes: Date.parse accepts 2026-02-30 and year 0, PostgreSQL does not.
  timestamp: (v) =>
    typeof v === 'string' &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) &&
    isIsoDate(v.slice(0, 10)) &&
    !Number.isNaN(Date.parse(v)),
  none: () => true,
};

export function decodeCursor(text: string | undefined, value: CursorValue): Cursor | undefined {
  if (!text) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || !isText(decoded[1]) || !VALUE_OK[value](decoded[0])) {
    throw Problem.invalid([{ field: 'cursor', message: 'is not a cursor this API gave out (for this list and sort)' }]);
  }
  return { value: decoded[0] as Cursor['value'], id: decoded[1] };
}

export function pageOf<T>(
  rows: T[],
  limit: number,
  cursorOf: (row: T) => Cursor,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(cursorOf(items.at(-1)!)) : null };
}

export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

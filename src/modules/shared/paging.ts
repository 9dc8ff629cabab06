/**
 * Cursor paging for list endpoints: `?limit=50&cursor=…&sort=field&order=asc|desc`. The cursor
 * carries the last row's sort value and id, so pages stay stable while rows are added.
 */
import { z } from '@hono/zod-openapi';
import { sql, type SQLWrapper } from 'drizzle-orm';
import type { Db } from './db';
import { rowsOf } from './rows';
import { isIsoDate } from '../../core/calendar/dates';
import { requestErrors } from './request.errors';
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
    throw requestErrors.badCursor();
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

/**
 * A list's total is counted with the page's filters (its scope included) but only up to
 * TOTAL_CAP rows: an exact count of a million loans took longer than the page itself
 * (docs/PERFORMANCE.md, "Search and totals"); past the cap the list answers `total: TOTAL_CAP`
 * with `totalCapped: true`, and the web app shows "共 10,000+ 条".
 */
export const TOTAL_CAP = 10_000;

/** How many rows `rows` (a select with its filters) finds, counting no further than `cap` + 1. */
export async function countUpTo(
  db: Db,
  rows: SQLWrapper,
  cap = TOTAL_CAP,
): Promise<{ total: number; totalCapped: boolean }> {
  const [r] = rowsOf(await db.execute(sql`select count(*)::int as n from (${rows} limit ${cap + 1}) t`));
  const n = Number(r!.n);
  return n > cap ? { total: cap, totalCapped: true } : { total: n, totalCapped: false };
}

/** A page of a list that answers its total (`countUpTo`). */
export const countedPageSchema = <T extends z.ZodTypeAny>(item: T) =>
  pageSchema(item).extend({
    total: z
      .number()
      .int()
      .openapi({ description: 'how many rows the filters find (at most 10,000: see totalCapped)' }),
    totalCapped: z
      .boolean()
      .openapi({ description: 'true when there are more than `total` rows (the count stops at 10,000)' }),
  });

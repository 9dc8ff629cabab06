/**
 * The lists' one search box (`?q=`): what a person types, matched the way each key is read —
 * a contract number and a credit code by their beginning, an enterprise's name by any part of it
 * (pg_trgm's GIN index serves 3 characters or more; one or two Chinese characters are matched by
 * the same LIKE without the index, correct and slower), a claim number by its beginning.
 */
import { z } from '@hono/zod-openapi';
import { sql, type Column, type SQL } from 'drizzle-orm';
import { enterprises } from '../registry/registry.table';

/** The `q` query parameter: trimmed, at most 100 characters; empty means no search. */
export const searchField = () =>
  z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => v || undefined)
    .openapi({
      type: 'string',
      description:
        'search: the beginning of a contract number (bank reference) or credit code, or any part of the enterprise’s name (Chinese or English, case-insensitive)',
      example: '亦庄',
    });

/** The text as typed for LIKE: `%`, `_` and `\` are not wildcards. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** `text` begins with `q` (as typed). */
export const startsWith = (col: Column, q: string): SQL => sql`${col} like ${`${likeEscape(q)}%`}`;

/** The enterprises whose name holds `q` or whose credit code begins with it (codes are upper case), as a condition on `enterprises`. */
export function enterpriseMatches(q: string): SQL {
  return sql`(${enterprises.name} ilike ${`%${likeEscape(q)}%`} or ${startsWith(enterprises.creditCode, q.toUpperCase())})`;
}

/** The ids of the enterprises `q` finds, as a subquery for `enterprise_id in (…)`. */
export function enterpriseIdsMatching(q: string): SQL {
  return sql`(select ${enterprises.id} from ${enterprises} where ${enterpriseMatches(q)})`;
}

/** Many values in ONE parameter, for statements about hundreds of rows (a chunk, a batch). */
import { sql, type SQL } from 'drizzle-orm';

/**
 * Many JSON texts (each JSON.stringify's) in one text parameter, unpacked in SQL as
 * `(value json, n bigint)` rows by position — for long documents sent beside a JSON array of short
 * rows. PostgreSQL's JSON parser took 60 ms for 500 decisions of 2.9 kB inside a JSON array; split
 * this way they take 2 ms and nothing is escaped in Node. The separator is U+001E, which
 * JSON.stringify never writes raw (it escapes every control character).
 */
export function jsonTexts(texts: string[], alias: string): SQL {
  return sql`unnest(string_to_array(${texts.join('\u001e')}::text, chr(30))::json[]) with ordinality as ${sql.raw(alias)}(value, n)`;
}

/**
 * `= ${anyOfTexts(values)}`: equal to one of these texts, sent as one JSON parameter rather than
 * one per value. `any(array(…))`, not `in (select …)`: the planner can make the latter a semi join
 * that unpacks the list again for every row it reads (7 ms a chunk on the ledger's transfers at
 * 20,000 filings, and growing); the array is built once and probed by index.
 */
export function anyOfTexts(values: string[]): SQL {
  return sql`any(array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)))`;
}

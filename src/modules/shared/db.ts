import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';

/**
 * The one database type every module's repository and use case takes: PGlite or PostgreSQL, a
 * connection or the transaction it is inside (a transaction is a `Db` too — every `db.transaction`
 * callback's `tx` is passed on as one without a cast).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, any>;

/** A transaction, for the few functions that must run inside one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Tx = PgTransaction<PgQueryResultHKT, any>;

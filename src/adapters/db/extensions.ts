/**
 * The PostgreSQL extensions the embedded database loads whenever it opens (the migrations
 * `create extension` them; PostgreSQL ships them in its contrib package): pg_trgm, whose trigram
 * GIN indexes serve the lists' partial-name search (drizzle/0027).
 */
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

export const PGLITE_EXTENSIONS = { pg_trgm };

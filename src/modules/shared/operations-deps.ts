/**
 * What every operations route needs: the database, the stored policies (filed loans keep the
 * version they were judged under, R3) and today's date in the zone (Asia/Shanghai), injected so
 * tests can fix the day.
 */
import type { Db } from './db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';

export interface OperationsDeps {
  db: Db;
  /** Reads that may lag (reports): a standby's read-only pool (DATABASE_READ_URL), when there is one. */
  readDb?: Db;
  catalog: () => PolicyCatalog;
  /** Today as YYYY-MM-DD in the zone's time. */
  today: () => string;
}

/**
 * Set-based reads and writes of the bulk servicing path: many loans locked in one statement, their
 * event counts in one, their new balances written in one. The single-loan path goes through the
 * filings repository; these are the same rows, touched once per chunk instead of once per line.
 */
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { FilingRow } from '../filings/filings.repository';
import { filingEvents, filings, type FilingStatus } from '../filings/filings.table';
import type { Db } from '../shared/db';
import { rowsOf } from '../shared/rows';

export interface BalanceUpdate {
  id: string;
  outstanding: bigint;
  reserved: bigint;
  status: FilingStatus;
  /** How many changes this is (the row's version goes up by one per change, as one at a time would). */
  steps: number;
}

export function createServicingRepository({ db }: { db: Db }) {
  return {
    /**
     * The loans among `ids` the scope may see, locked for the rest of the transaction, in id order
     * (two bulk requests lock shared loans in the same order and never deadlock).
     */
    async lockLoans(ids: string[], scope: { bankId?: string; guarantorId?: string }): Promise<FilingRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(filings)
        .where(
          and(
            inArray(filings.id, ids),
            scope.bankId ? eq(filings.bankId, scope.bankId) : undefined,
            scope.guarantorId ? eq(filings.guarantorId, scope.guarantorId) : undefined,
          ),
        )
        .orderBy(asc(filings.id))
        .for('update');
    },

    /** How many events each loan has (a servicing change's ledger ids count them, as the single path does). */
    async eventCounts(ids: string[]): Promise<Map<string, number>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .select({ id: filingEvents.filingId, n: count() })
        .from(filingEvents)
        .where(inArray(filingEvents.filingId, ids))
        .groupBy(filingEvents.filingId);
      return new Map(rows.map((r) => [r.id, Number(r.n)]));
    },

    /** Every loan's new outstanding, reserved and status in ONE statement; `at` is their updated_at. */
    async applyBalances(updates: BalanceUpdate[], at: Date): Promise<void> {
      if (updates.length === 0) return;
      const json = JSON.stringify(
        updates.map((u) => ({
          id: u.id,
          outstanding: u.outstanding.toString(),
          reserved: u.reserved.toString(),
          status: u.status,
          steps: u.steps,
        })),
      );
      const res = rowsOf(
        await db.execute(sql`with u as (
          update filings f set outstanding = v.outstanding, reserved = v.reserved, status = v.status, updated_at = ${at.toISOString()}::timestamptz, version = f.version + v.steps
          from jsonb_to_recordset(${json}::jsonb) as v(id text, outstanding bigint, reserved bigint, status text, steps int)
          where f.id = v.id
          returning 1
        ) select count(*)::int as n from u`),
      );
      if (Number(res[0]!.n) !== updates.length)
        throw new Error(`servicing: updated ${String(res[0]!.n)} of ${updates.length} loans`);
    },
  };
}

export type ServicingRepository = ReturnType<typeof createServicingRepository>;

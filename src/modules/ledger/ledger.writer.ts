/**
 * The ledger through group commit (src/modules/shared/group-commit.ts), the way TigerBeetle's
 * clients batch: concurrent units of work go to the database as ONE transaction with ONE
 * `ledger_apply` (src/modules/ledger/ledger_apply.sql) call for all their transfers (each unit its own chains), then each unit's `finish`
 * in the same transaction. Every caller still gets the ledger's answer for its own transfers: a chain
 * fails alone. If the shared transaction fails (a `finish` throws, a constraint, a lost connection),
 * nothing of it was written and each unit is run again alone.
 */
import type { Db } from '../shared/db';
import { createGroupCommit } from '../shared/group-commit';
import { createLedgerRepository, type TransferInput, type TransferResult } from './ledger.repository';

export interface LedgerWork<T> {
  transfers: TransferInput[];
  actor: string;
  /** Runs inside the transaction after the ledger has answered this unit's transfers. */
  finish?: (tx: Db, results: TransferResult[]) => Promise<T>;
}

type Answer = { results: TransferResult[]; value: unknown };

export function createLedgerWriter({ db, maxTransfers = 4000 }: { db: Db; maxTransfers?: number }) {
  const submit = createGroupCommit<LedgerWork<unknown>, Answer>({
    name: 'ledger',
    sizeOf: (w) => w.transfers.length,
    maxSize: maxTransfers,
    // Same actor (one audit row per batch names one); a unit whose last transfer is linked leaves its
    // chain open and must not run into the next unit's.
    joins: (w, group) => w.actor === group[0]!.actor && !opensChain(w) && !opensChain(group[0]!),
    run: (units) =>
      db.transaction(async (tx) => {
        const all = units.flatMap((w) => w.transfers);
        const results = all.length ? await createLedgerRepository({ db: tx }).apply(all, units[0]!.actor) : [];
        if (results.length !== all.length)
          throw new Error(`ledger writer: ${results.length} results for ${all.length} transfers`);
        const out: Answer[] = [];
        let at = 0;
        for (const w of units) {
          const own = results.slice(at, at + w.transfers.length);
          at += w.transfers.length;
          out.push({ results: own, value: w.finish ? await w.finish(tx, own) : undefined });
        }
        return out;
      }),
  });

  return {
    /** Queues a unit of work; resolves with the ledger's answer per transfer and `finish`'s value. */
    submit: <T>(work: LedgerWork<T>) =>
      submit(work as LedgerWork<unknown>) as Promise<{ results: TransferResult[]; value: T }>,
    /** Same signature as the repository's `apply`: stand-alone transfers through the group commit. */
    apply: async (transfers: TransferInput[], actor = 'system'): Promise<TransferResult[]> =>
      (await submit({ transfers, actor })).results,
  };
}

function opensChain(work: LedgerWork<unknown>): boolean {
  return work.transfers.at(-1)?.linked === true;
}

export type LedgerWriter = ReturnType<typeof createLedgerWriter>;

/**
 * Group commit for the ledger (the way TigerBeetle's clients batch): while one transaction is at the
 * database, the units of work that arrive wait, then go together — one transaction, ONE
 * `ledger_apply` call for all their transfers (each unit its own chains), then each unit's `finish`
 * in the same transaction, then one commit. Under contention on a hot account (a fund's capacity)
 * this turns N transactions queueing on its row lock into one, and keeps every caller's answer its
 * own: the ledger answers per transfer, and a chain fails alone.
 *
 * If the shared transaction fails (a `finish` throws, a constraint, a lost connection), nothing of
 * it was written; every unit of the group is then run again alone, so one unit's error never
 * becomes another's.
 */
import type { Db } from '../programmes/programmes.repository';
import { createLedgerRepository, type TransferInput, type TransferResult } from './ledger.repository';

export interface LedgerWork<T> {
  transfers: TransferInput[];
  actor: string;
  /** Runs inside the transaction after the ledger has answered this unit's transfers. */
  finish?: (tx: Db, results: TransferResult[]) => Promise<T>;
}

interface Waiting {
  work: LedgerWork<unknown>;
  resolve: (r: { results: TransferResult[]; value: unknown }) => void;
  reject: (e: unknown) => void;
}

export interface LedgerWriterOptions {
  db: Db;
  /** Transfers per group at most (a group is one ledger batch). */
  maxTransfers?: number;
}

export function createLedgerWriter({ db, maxTransfers = 4000 }: LedgerWriterOptions) {
  const queue: Waiting[] = [];
  let draining = false;

  /** The next group: the oldest unit, then the following ones of the same actor while they fit. */
  function takeGroup(): Waiting[] {
    const first = queue.shift()!;
    const group = [first];
    let size = first.work.transfers.length;
    if (opensChain(first.work)) return group;
    for (let i = 0; i < queue.length && size < maxTransfers;) {
      const w = queue[i]!;
      if (w.work.actor === first.work.actor && !opensChain(w.work) && size + w.work.transfers.length <= maxTransfers) {
        group.push(w);
        size += w.work.transfers.length;
        queue.splice(i, 1);
      } else i++;
    }
    return group;
  }

  async function runGroup(group: Waiting[]): Promise<{ results: TransferResult[]; value: unknown }[]> {
    return db.transaction(async (tx) => {
      const ledger = createLedgerRepository({ db: tx as unknown as Db });
      const all = group.flatMap((w) => w.work.transfers);
      const results = all.length ? await ledger.apply(all, group[0]!.work.actor) : [];
      if (results.length !== all.length) throw new Error(`ledger writer: ${results.length} results for ${all.length} transfers`);
      const out: { results: TransferResult[]; value: unknown }[] = [];
      let at = 0;
      for (const w of group) {
        const own = results.slice(at, at + w.work.transfers.length);
        at += w.work.transfers.length;
        out.push({ results: own, value: w.work.finish ? await w.work.finish(tx as unknown as Db, own) : undefined });
      }
      return out;
    });
  }

  async function drain() {
    draining = true;
    try {
      while (queue.length) {
        const group = takeGroup();
        try {
          const out = await runGroup(group);
          group.forEach((w, i) => w.resolve(out[i]!));
        } catch (e) {
          if (group.length === 1) { group[0]!.reject(e); continue; }
          for (const w of group) {
            try { w.resolve((await runGroup([w]))[0]!); } catch (alone) { w.reject(alone); }
          }
        }
      }
    } finally {
      draining = false;
    }
  }

  /** Queues a unit of work; resolves with the ledger's answer per transfer and `finish`'s value. */
  function submit<T>(work: LedgerWork<T>): Promise<{ results: TransferResult[]; value: T }> {
    return new Promise((resolve, reject) => {
      queue.push({ work, resolve: resolve as Waiting['resolve'], reject });
      if (!draining) void drain();
    });
  }

  return {
    submit,
    /** Same signature as the repository's `apply`: stand-alone transfers through the group commit. */
    apply: async (transfers: TransferInput[], actor = 'system'): Promise<TransferResult[]> => (await submit({ transfers, actor })).results,
  };
}

/** A unit whose last transfer is linked leaves its chain open: it must not run into the next unit's. */
function opensChain(work: LedgerWork<unknown>): boolean {
  return work.transfers.at(-1)?.linked === true;
}

export type LedgerWriter = ReturnType<typeof createLedgerWriter>;

/**
 * Filings through group commit (src/modules/shared/group-commit.ts): the planned filings of
 * concurrent requests are written together — one transaction, one `writeFilings` (the rows in one
 * insert, every reservation in ONE ledger batch, each filing's transfers its own linked chain) —
 * instead of one transaction each queueing on the fund's capacity row. Each request still gets its
 * own answer: a filing the ledger refuses is taken out and the rest written again without it; any
 * other error of the shared transaction reruns every request alone (a duplicate bank reference is
 * then the duplicate's error only).
 */
import type { Actor } from '../auth/access';
import type { Db } from '../shared/db';
import { createGroupCommit } from '../shared/group-commit';
import { retryOnConflict } from '../shared/retry';
import type { RenderedReason } from '../../core/policy';
import { createFilingsRepository, filedKey } from './filings.repository';
import type { FilingPlan } from './filing.plan';
import { writeFilings } from './filing.store';
import type { FilingView } from './filing.view';

export type FilingAnswer = { filed: FilingView } | { refused: RenderedReason } | { filedAlready: true };

interface Unit {
  plan: FilingPlan;
  actor: Actor;
}

/** Thrown inside the transaction to roll it back when the ledger refused some of the group. */
class Refusals extends Error {
  constructor(readonly refused: (RenderedReason | null)[]) {
    super('some filings of the group were refused');
  }
}

async function filedAlready(db: Db, plans: FilingPlan[]): Promise<Set<FilingPlan>> {
  const filed = await createFilingsRepository({ db }).filedLoanNumbers(plans.map((p) => p.row));
  return new Set(plans.filter((p) => filed.has(filedKey(p.row.bankId, p.row.bankRef))));
}

/** Writes the units' filings; the ones the ledger refuses are answered with the limit and left out. */
async function writeGroup(db: Db, units: Unit[]): Promise<FilingAnswer[]> {
  const answers: (FilingAnswer | undefined)[] = units.map(() => undefined);
  let open = units.map((_, i) => i);
  while (open.length) {
    try {
      const views = await retryOnConflict(() =>
        db.transaction(async (tx) => {
          // A loan number filed since it was planned (by an earlier group) is answered here, not by
          // the unique index failing the whole group.
          const taken = await filedAlready(
            tx,
            open.map((i) => units[i]!.plan),
          );
          if (taken.size) {
            open.forEach((i) => {
              if (taken.has(units[i]!.plan)) answers[i] = { filedAlready: true };
            });
            open = open.filter((i) => !taken.has(units[i]!.plan));
            if (!open.length) return [];
          }
          const outcome = await writeFilings({
            db: tx,
            plans: open.map((i) => units[i]!.plan),
            actor: units[open[0]!]!.actor,
          });
          if (!outcome.written) throw new Refusals(outcome.refused);
          return outcome.views;
        }),
      );
      open.forEach((i, k) => {
        answers[i] = { filed: views[k]! };
      });
      open = [];
    } catch (e) {
      if (!(e instanceof Refusals)) throw e;
      const refusedNow = open.filter((_, k) => e.refused[k]);
      if (refusedNow.length === 0)
        throw new Error('filing writer: the ledger refused without naming a filing', { cause: e });
      open.forEach((i, k) => {
        const r = e.refused[k];
        if (r) answers[i] = { refused: r };
      });
      open = open.filter((_, k) => !e.refused[k]);
    }
  }
  return answers as FilingAnswer[];
}

const clashes = (a: FilingPlan, b: FilingPlan) => a.row.bankId === b.row.bankId && a.row.bankRef === b.row.bankRef;

/** A group commit for filings on one database (the process's pool): requests that arrive together are written together. */
export function createFilingWriter({ db }: { db: Db }): (plan: FilingPlan, actor: Actor) => Promise<FilingAnswer> {
  const submit = createGroupCommit<Unit, FilingAnswer>({
    name: 'filings',
    run: (units) => writeGroup(db, units),
    sizeOf: (u) => u.plan.transfers.length,
    maxSize: 2000,
    // The filings' audit rows and the ledger batch name one actor; a loan number already in
    // the group waits for the next one (where the first's row answers it), rather than
    // failing the whole group on the unique index.
    joins: (u, group) => u.actor.username === group[0]!.actor.username && !group.some((g) => clashes(g.plan, u.plan)),
  });
  return (plan, actor) => submit({ plan, actor });
}

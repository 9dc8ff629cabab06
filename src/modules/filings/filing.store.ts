/**
 * Filing, step two: planned filings (filing.plan.ts) written inside the caller's transaction,
 * set-based — the rows, first events and ledger accounts (`insertFilings`), then the reservations
 * in one ledger batch and the audit rows (`reserveFilings`). The group commit (filings.writer.ts)
 * and the bulk filing (imports.usecases.ts, demo.filing.ts) write through these steps.
 */
import { distinctTemplates } from './filing.decision';
import type { AccountSpec } from '../../core/ledger/fund-operations';
import type { Fen } from '../../core/money/money';
import type { RenderedReason } from '../../core/policy';
import type { Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { createLedgerRepository } from '../ledger/ledger.repository';
import { openAccounts, postChains } from '../ledger/ledger.usecases';
import type { Db } from '../shared/db';
import { limitReason } from './filings.errors';
import { shortfallRefusals } from './filings.shortfall';
import { count, timed, type Timings } from './timings';
import { createFilingsRepository, filedRecord, type FiledRecord, type FilingRow } from './filings.repository';
import type { FilingPlan } from './filing.plan';
import { auditedFiling, decisionDigest, filedFacts, filingView, type FilingView } from './filing.view';
import { chunkEntry, chunkKey, type ChunkOfImport } from './filing.chunk';

/**
 * How much of each plan's G5 cap account is opened already (openings, raises and lowerings: code
 * `enterprise-cap`), by cap account — read once for many plans, through the transfers' entity index.
 */
export async function openedCaps(db: Db, plans: FilingPlan[]): Promise<Map<string, { opened: Fen; moves: number }>> {
  const keys = [...new Set(plans.flatMap((p) => (p.enterpriseCap ? [p.enterpriseCap.key] : [])))];
  return createFilingsRepository({ db }).capsOpened(keys);
}

/** A plan's rows as insertFiled takes them, with its decision's digest for the audit row. */
export interface StoredFiling {
  record: FiledRecord;
  decisionSha256: string;
}

const storedFilings = new WeakMap<FilingPlan['row'], StoredFiling>();

/**
 * The plan's rows serialized once (kept by its row, which withOpenedCap's copy shares): bulk filing
 * calls this while the previous chunk commits, so the chunk's transaction only sends them.
 */
export function storedFiling(plan: FilingPlan): StoredFiling {
  let stored = storedFilings.get(plan.row);
  if (!stored) {
    const record = filedRecord(plan.row, plan.event);
    storedFilings.set(
      plan.row,
      // The digest is of the decision as it was stored whole before drizzle/0034 (and as it reads back).
      (stored = { record, decisionSha256: decisionDigest(plan.rendered) }),
    );
  }
  return stored;
}

/**
 * Either every filing is written (with their views — none for a bulk chunk), or the ones the ledger
 * refused (with the limit) and nothing is to be kept.
 */
export type WriteOutcome =
  { written: true; views: FilingView[] } | { written: false; refused: (RenderedReason | null)[] };

/** The row as the database holds it right after the insert: the plan's values and the columns' defaults. */
const insertedRow = ({ row, rendered }: FilingPlan, at: Date): FilingRow =>
  ({
    ...row,
    decision: rendered,
    maturesOn: row.maturesOn ?? null,
    capPerLoan: row.capPerLoan ?? null,
    guarantorId: row.guarantorId ?? null,
    agreementId: row.agreementId ?? null,
    enterpriseCapKey: row.enterpriseCapKey ?? null,
    classification: 'normal',
    overdueSince: null,
    nonPerformingOn: null,
    createdAt: at,
    updatedAt: at,
    version: 1,
  }) as FilingRow;

/** Each account once (the enterprise-cap accounts of a chunk's loans to one enterprise repeat). */
function distinctAccounts(accounts: AccountSpec[]): AccountSpec[] {
  const seen = new Set<string>();
  return accounts.filter((a) => !seen.has(a.id) && seen.add(a.id));
}

/**
 * Writes planned filings inside the caller's transaction, set-based, in two steps: `insertFilings`
 * (the rows and their first events in one statement, their ledger accounts in one) and then
 * `reserveFilings` (every reservation in ONE ledger batch, each filing's transfers a linked chain,
 * reserved whole or not at all; then the audit rows in one chained append). A filing the ledger
 * refuses comes back with the limit it would cross; nothing is audited then, and the caller must roll
 * back the transaction (its row is written) and try again without it. `timings` (optional) collects
 * where the time went, for the import benchmark.
 */
export async function writeFilings({
  db,
  plans,
  actor,
  timings,
}: {
  db: Db;
  plans: FilingPlan[];
  actor: Actor;
  timings?: Timings | undefined;
}): Promise<WriteOutcome> {
  if (plans.length === 0) return { written: true, views: [] };
  const at = await insertFilings({ db, plans, timings });
  return reserveFilings({ db, plans, actor, at, timings });
}

/**
 * What a bulk file's chunks share — their decisions' templates and their enterprises' G5 cap
 * accounts — stored ahead of the chunk's transaction and committed at once (one there already is
 * left as it is). Held uncommitted in a later chunk's transaction, they would make the chunk before
 * it wait when that one is written again (rows the ledger refused, a duplicate) while the later one
 * waits for it to commit: a wait that passes through the process, which the database cannot see.
 */
export async function storeSharedKeys({ db, plans }: { db: Db; plans: FilingPlan[] }): Promise<void> {
  await createFilingsRepository({ db }).saveTemplates(distinctTemplates(plans.map((p) => p.template)));
  await openAccounts({
    ledger: createLedgerRepository({ db }),
    accounts: distinctAccounts(plans.flatMap((p) => p.accounts.filter((a) => a.entityKind === 'enterprise-cap'))),
  });
}

/**
 * The first step of `writeFilings`: the planned filings' rows, first events and ledger accounts
 * (bulk filing runs it while the previous chunk's reservations commit, having stored what chunks
 * share beforehand: storeSharedKeys). Returns the rows' created_at (the transaction's now()).
 */
export async function insertFilings({
  db,
  plans,
  chunk,
  timings,
}: {
  db: Db;
  plans: FilingPlan[];
  /** A bulk file's chunk: the filings are the leaves of its one audit row (filing.chunk), keyed to it. */
  chunk?: ChunkOfImport | undefined;
  timings?: Timings | undefined;
}): Promise<Date> {
  const ledger = createLedgerRepository({ db });
  // The two statements are sent together (pipelined on the transaction's connection; run in order).
  const [at] = await Promise.all([
    timed(timings, 'filings+events insert', () =>
      createFilingsRepository({ db }).insertFiled(
        plans.map((p) => storedFiling(p).record),
        distinctTemplates(plans.map((p) => p.template)),
        chunk ? chunkKey(chunk) : null,
      ),
    ),
    timed(timings, 'ledger accounts (sent with the insert)', () =>
      openAccounts({ ledger, accounts: distinctAccounts(plans.flatMap((p) => p.accounts)) }),
    ),
  ]);
  return at;
}

/**
 * The second step of `writeFilings`, in the same transaction as the first: the reservations in one
 * ledger batch, then the audit: a `filing.create` row per filing, or — given the bulk file's
 * `chunk`, which `insertFilings` was given too — the chunk's one row with the Merkle root over its
 * filings' fixed facts (filing.chunk).
 */
export async function reserveFilings({
  db,
  plans,
  actor,
  at,
  chunk,
  timings,
}: {
  db: Db;
  plans: FilingPlan[];
  actor: Actor;
  at: Date;
  chunk?: ChunkOfImport | undefined;
  timings?: Timings | undefined;
}): Promise<WriteOutcome> {
  const ledger = createLedgerRepository({ db });
  const held = await shortfallRefusals({
    db,
    actor: actor.username,
    asks: plans.map((p) => ({ fundId: p.row.fundId, amount: p.row.reserved, fromQuota: p.row.agreementId != null })),
    transferIds: plans.flatMap((p) => p.transfers.flatMap((t) => (t.id ? [t.id] : []))),
  });
  if (held.some((r) => r !== null)) return { written: false, refused: held };
  count(
    timings,
    'ledger transfers',
    plans.reduce((n, p) => n + p.transfers.length, 0),
  );
  const refusals = (
    await timed(timings, 'ledger_apply', () =>
      postChains({ ledger, chains: plans.map((p) => p.transfers), actor: actor.username }),
    )
  ).map((r) => (r ? limitReason(r) : null));
  if (refusals.some((r) => r !== null)) return { written: false, refused: refusals };
  // What the insert wrote is known: the view is built from it rather than read back (not for a bulk
  // chunk, whose caller answers with the job's counts, not the loans).
  const rows = plans.map((p) => insertedRow(p, at));
  const views = chunk ? [] : rows.map((row, i) => filingView(row, plans[i]!.enterpriseName));
  const audit = createAuditRepository({ db });
  await timed(timings, 'audit', () =>
    audit.recordMany(
      chunk
        ? [
            chunkEntry(
              actor.username,
              chunk,
              rows.map((row, i) => filedFacts(row, storedFiling(plans[i]!).decisionSha256)),
            ),
          ]
        : views.map((view, i) => ({
            actor: actor.username,
            action: 'filing.create',
            entityKind: 'filing',
            entityId: view.id,
            after: auditedFiling(view, storedFiling(plans[i]!).decisionSha256),
          })),
    ),
  );
  return { written: true, views };
}

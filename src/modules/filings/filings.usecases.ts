/**
 * Filing (备案): eligibility by the policy engine, the loan's terms fixed (R3), its liability
 * reserved in the ledger within the fund limit, the bank's quota and the enterprise cap (G5) —
 * in one transaction with the filing row, its first event and an audit row. Amend and withdraw
 * keep the full history.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import {
  enterpriseCapAccounts,
  enterpriseCapKey,
  exposureAccount,
  releaseFiling,
  reserveFiling,
  type AccountSpec,
  type TransferSpec,
} from '../../core/ledger/fund-operations';
import { formatRate, formatYuan, type Fen } from '../../core/money/money';
import {
  compensationOnly,
  evaluate,
  evaluateAcrossProgrammes,
  NoPolicyInForceError,
  policiesInForce,
  renderDecision,
  type CompensationTerms,
  type Decision,
  type LoanCase,
  type RenderedDecision,
  type RenderedReason,
} from '../../core/policy';
import { addDays, CalendarRangeError } from '../../core/calendar';
import { scopeFor, type Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { createLedgerRepository } from '../ledger/ledger.repository';
import { applyOperation, LedgerRefusal, openAccounts, postChains } from '../ledger/ledger.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { createRegistryRepository, type EnterpriseRow } from '../registry/registry.repository';
import { decodeCursor, pageOf } from '../shared/paging';
import { maturityProblem } from '../shared/dates';
import { changesNothing } from '../shared/patch';
import { Problem, type FieldError } from '../shared/problem';
import { uniqueViolation } from '../shared/retry';
import { FilingRefused, limitReason } from './filings.errors';
import { shortfallRefusals } from './filings.shortfall';
import { termsOf } from './filings.loan';
export { termsOf };
import { createFilingWriter } from './filings.writer';
import { count, timed, type Timings } from './timings';
import {
  createFilingsRepository,
  filedRecord,
  type AgreementRow,
  type FiledRecord,
  type FilingEventInsert,
  type FilingFilter,
  type FilingInsert,
  type FilingRow,
  type FilingSort,
} from './filings.repository';
import type { filingInput, filingPatch } from './filings.schemas';
import type { FilingStatus } from './filings.table';

export type FilingInput = z.output<typeof filingInput>;

export function filingView(f: FilingRow, enterpriseName?: string) {
  const decision = f.decision as { reasons: RenderedReason[] };
  return {
    id: f.id,
    bankRef: f.bankRef,
    fundId: f.fundId,
    programme: f.programmeId,
    policyVersion: (f.decision as { policyVersion: string }).policyVersion,
    bankId: f.bankId,
    enterpriseId: f.enterpriseId,
    ...(enterpriseName ? { enterpriseName } : {}),
    kind: f.kind,
    principal: formatYuan(f.principal),
    outstanding: formatYuan(f.outstanding),
    disbursedOn: f.disbursedOn,
    maturesOn: f.maturesOn,
    filedOn: f.filedOn,
    mode: f.mode,
    ratio: formatRate(f.ratioBp),
    parties: f.parties.map((p) => ({
      party: p.party,
      institutionId: p.institutionId ?? null,
      share: formatRate(p.shareBp),
    })),
    guarantorId: f.guarantorId,
    guarantorConfirmation: f.guarantorConfirmedOn
      ? { on: f.guarantorConfirmedOn, by: f.guarantorConfirmedBy ?? '' }
      : null,
    reserved: formatYuan(f.reserved),
    status: f.status,
    classification: f.classification,
    overdueSince: f.overdueSince,
    nonPerformingOn: f.nonPerformingOn,
    reasons: decision.reasons,
    createdBy: f.createdBy,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
    version: f.version,
  };
}
export type FilingView = ReturnType<typeof filingView>;

/**
 * A new filing as its audit row records it: the view, with its reasons (2.9 kB, fixed at filing and
 * kept on the filing) replaced by the SHA-256 of the decision as stored (`filings.decision`, json
 * kept as written: `encode(sha256(convert_to(decision::text, 'UTF8')), 'hex')` recomputes it), so
 * the chained row still shows if the decision is changed. A fifth of the view's size: bulk filing
 * writes one such row per loan.
 */
export function auditedFiling(view: FilingView, decisionSha256: string) {
  const { reasons: _reasons, ...rest } = view;
  return { ...rest, decisionSha256 };
}

export function caseOf(
  e: EnterpriseRow,
  quals: { kind: string; validFrom: string; validTo: string }[],
  loan: {
    kind: string;
    principal: Fen;
    disbursedOn: string;
    mode: 'direct' | 'risk-sharing';
    bankShare?: number | undefined;
  },
  filedOn: string,
  hasBadLoan = false,
): LoanCase {
  return {
    enterprise: {
      registeredInZone: e.registeredInZone,
      size: e.size,
      sciTech: e.sciTech,
      industry: e.industry,
      restrictedProcesses: e.restrictedProcesses,
      hasBadLoan,
      qualifications: quals.map((q) => ({
        kind: q.kind as LoanCase['enterprise']['qualifications'][number]['kind'],
        validFrom: q.validFrom,
        validTo: q.validTo,
      })),
    },
    loan: {
      kind: loan.kind,
      principal: loan.principal,
      disbursedOn: loan.disbursedOn,
      filedOn,
      mode: loan.mode,
      ...(loan.bankShare !== undefined ? { bankShareBp: loan.bankShare } : {}),
    },
  };
}

function bankOf(actor: Actor, bankId: string | undefined): string {
  if (actor.role === 'bank') {
    if (bankId && bankId !== actor.bankId)
      throw Problem.invalid([{ field: 'bankId', message: 'a bank files for itself only' }]);
    return actor.bankId!;
  }
  if (!bankId) throw Problem.invalid([{ field: 'bankId', message: 'is required when a manager files for a bank' }]);
  return bankId;
}

export interface FileLoanDeps {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  /** The filing date: today in the zone's calendar, given by the adapter (src/core keeps no clock). */
  today: string;
}

export type FileOutcome = { filing: FilingView };

/**
 * Files one loan, or throws a Problem: 400 bad field, 404 unknown enterprise, 409 filed already, 422
 * refused with reasons. (A request sent again with its Idempotency-Key is answered by the HTTP
 * middleware, shared/idempotency.ts; a loan filed twice under other keys is refused by its bank reference.)
 */
export async function fileLoan({
  db,
  catalog,
  actor,
  today,
  input,
}: FileLoanDeps & { input: FilingInput }): Promise<FileOutcome> {
  const bankId = bankOf(actor, input.bankId);
  try {
    const plan = await planOneFiling({ db, catalog, actor, today, input, bankId });
    const answer = await filingWriterFor(db)(plan, actor);
    if ('refused' in answer) throw new FilingRefused([...plan.rendered.reasons, answer.refused]);
    if ('filedAlready' in answer) return filedAlready(input.bankRef);
    return { filing: answer.filed };
  } catch (e) {
    const constraint = uniqueViolation(e);
    if (!constraint) throw e;
    return filedAlready(input.bankRef);
  }
}

const filedAlready = (bankRef: string): never => {
  throw new Problem(409, 'Filed already', `Loan ${bankRef} of this bank is filed already.`, [
    { field: 'bankRef', message: 'is filed already' },
  ]);
};

const filingWriters = new WeakMap<object, ReturnType<typeof createFilingWriter>>();

/** Filings through group commit (filings.writer.ts): one writer per database handle. */
function filingWriterFor(db: Db) {
  let writer = filingWriters.get(db);
  if (!writer) filingWriters.set(db, (writer = createFilingWriter({ db, writeFilings })));
  return writer;
}

/**
 * Everything a filing needs read and judged before it is written: the bank, the loan number not
 * filed yet (the unique index has the last word when two race), the enterprise, the agreements in
 * force. Throws the Problem a bad request deserves.
 */
async function planOneFiling({
  db,
  catalog,
  actor,
  today,
  input,
  bankId,
}: FileLoanDeps & {
  input: FilingInput;
  bankId: string;
}): Promise<FilingPlan> {
  const filings = createFilingsRepository({ db });
  const registry = createRegistryRepository({ db });
  const bank = await registry.findInstitution(bankId);
  if (!bank || bank.kind !== 'bank')
    throw Problem.invalid([{ field: 'bankId', message: `is not a registered bank: ${bankId}` }]);
  if (await filings.findByBankRef(bankId, input.bankRef))
    throw new Problem(409, 'Filed already', `Loan ${input.bankRef} of this bank is filed already.`, [
      { field: 'bankRef', message: 'is filed already' },
    ]);
  const enterprise = input.enterpriseId
    ? await registry.findEnterprise(input.enterpriseId)
    : await registry.findEnterpriseByCreditCode(input.creditCode!);
  if (!enterprise)
    throw Problem.invalid([
      {
        field: input.enterpriseId ? 'enterpriseId' : 'creditCode',
        message: 'no registered enterprise has it; register the enterprise first',
      },
    ]);
  if (input.enterpriseId && input.creditCode && input.creditCode !== enterprise.creditCode)
    throw Problem.invalid([
      { field: 'creditCode', message: 'is not the credit code of the enterprise enterpriseId names' },
    ]);
  const quals = await registry.qualificationsOf([enterprise.id]);
  const desk: FilingDesk = { catalog, actor, today, bankId, agreements: await filings.agreementsFor(bankId, today) };
  const guarantorId = guarantorOf(input);
  const guarantors = new Set(
    guarantorId && (await registry.findInstitution(guarantorId))?.kind === 'guarantor' ? [guarantorId] : [],
  );
  const badLoanFunds = (await filings.fundsWithBadLoans([enterprise.id])).get(enterprise.id) ?? new Set<string>();
  const plan = planFiling({ desk, input, enterprise, quals, badLoanFunds, guarantors });
  return withOpenedCap(plan, await openedCaps(db, [plan]));
}

/** What filing needs to know about the bank on the filing day: its cooperation agreements in force (G1). */
export interface FilingDesk {
  catalog: PolicyCatalog;
  actor: Actor;
  today: string;
  bankId: string;
  agreements: AgreementRow[];
}

/** A judged, eligible loan ready to be written: its row, first event, ledger accounts and reservation. */
export interface FilingPlan {
  row: FilingInsert;
  event: FilingEventInsert;
  accounts: AccountSpec[];
  transfers: TransferSpec[];
  rendered: RenderedDecision;
  enterpriseName: string;
  /** G5's cap for this loan's bank and enterprise under the loan's policy version, when it has one. */
  enterpriseCap: { key: string; cap: Fen } | null;
}

export const guarantorOf = (input: FilingInput): string | null =>
  input.loan.parties?.find((p) => p.party === 'guarantor')?.institutionId ?? null;

/**
 * A loan may be filed before it is disbursed (G6), but not by more than a year: a later date is a
 * typing mistake (and past the holiday calendar, which would be the wrong thing to report).
 */
function disbursementProblem(field: string, disbursedOn: string, filedOn: string): FieldError | undefined {
  const latest = addDays(filedOn, 366);
  return disbursedOn > latest
    ? { field, message: `must not be more than a year after the filing date (${filedOn})` }
    : undefined;
}

/**
 * Judges one loan for a bank (G1 agreements, the programmes in force, eligibility with every reason),
 * fixes its terms (R3) and plans its reservation. No I/O: the caller looked up the enterprise, its
 * qualifications and which of the named institutions are registered guarantors. Throws a Problem
 * (400 bad field, 422 refused with reasons).
 */
export function planFiling({
  desk,
  input,
  enterprise,
  quals,
  badLoanFunds,
  guarantors,
  id = randomUUID(),
}: {
  desk: FilingDesk;
  input: FilingInput;
  enterprise: EnterpriseRow;
  quals: { kind: string; validFrom: string; validTo: string }[];
  /** R17: the funds in which this enterprise has a bad loan (filings repository fundsWithBadLoans). */
  badLoanFunds: ReadonlySet<string>;
  guarantors: ReadonlySet<string>;
  id?: string;
}): FilingPlan {
  const { catalog, actor, today, bankId } = desk;
  const late = disbursementProblem('loan.disbursedOn', input.loan.disbursedOn, today);
  if (late) throw Problem.invalid([late]);
  // G1: only programmes this bank has a cooperation agreement for, in force today.
  const agreements = desk.agreements.filter((a) => !input.fundId || a.fundId === input.fundId);
  // R17, judged in the funds this bank files under (one per zone in practice).
  const hasBadLoan = agreements.some((a) => badLoanFunds.has(a.fundId));
  const loanCase = caseOf(enterprise, quals, input.loan, today, hasBadLoan);
  const agreed = new Set(agreements.map((a) => a.programmeId));
  let decision: Decision;
  try {
    const inForce = policiesInForce(catalog.current, today, input.programme).filter((p) => agreed.has(p.programme));
    if (inForce.length === 0)
      throw new FilingRefused([
        {
          rule: 'cooperation-agreement',
          fact: 'G1',
          cites: ['G1'],
          ok: false,
          message: `银行 ${bankId} 没有在 ${today} 有效的${input.programme ? ` ${input.programme} ` : ''}合作协议`,
          messageEn: `Bank ${bankId} has no cooperation agreement${input.programme ? ` for ${input.programme}` : ''} in force on ${today}`,
        },
      ]);
    decision = evaluateAcrossProgrammes(
      { ...loanCase, ...(input.programme ? { programme: input.programme } : {}) },
      inForce,
    ).chosen;
  } catch (e) {
    if (e instanceof NoPolicyInForceError || e instanceof CalendarRangeError)
      throw Problem.invalid([{ field: input.programme ? 'programme' : 'loan.disbursedOn', message: e.message }]);
    throw e;
  }
  const rendered = renderDecision(decision, loanCase);
  if (!decision.eligible) throw new FilingRefused(rendered.reasons);

  const policy = decision.policy;
  const agreement = agreements.find((a) => a.programmeId === policy.programme)!;
  const guarantor = guarantorOf(input);
  if (guarantor && !guarantors.has(guarantor))
    throw Problem.invalid([{ field: 'loan.parties', message: `${guarantor} is not a registered guarantor` }]);
  const terms: CompensationTerms = input.loan.parties
    ? {
        ...decision.terms,
        parties: [
          ...input.loan.parties.map((p) => ({ party: p.party, shareBp: p.share })),
          { party: 'bank', shareBp: input.loan.bankShare! },
        ],
      }
    : decision.terms;
  const liability = compensationOnly(terms, input.loan.principal);
  const cap = policy.limits.perEnterprisePerBank;
  const capKey = cap !== null ? enterpriseCapKey(policy.programme, bankId, enterprise.id) : null;
  const row = {
    id,
    fundId: agreement.fundId,
    programmeId: policy.programme,
    policyVersionId: catalog.versionIdOf(policy),
    bankId,
    enterpriseId: enterprise.id,
    bankRef: input.bankRef,
    kind: input.loan.kind,
    principal: input.loan.principal,
    outstanding: input.loan.principal,
    disbursedOn: input.loan.disbursedOn,
    maturesOn: input.loan.maturesOn ?? null,
    filedOn: today,
    mode: input.loan.mode,
    ratioBp: terms.ratioBp,
    rounding: terms.rounding,
    capPerLoan: terms.capPerLoan ?? null,
    parties: [
      ...(input.loan.parties ?? []).map((p) => ({
        party: p.party,
        institutionId: p.institutionId ?? null,
        shareBp: p.share,
      })),
      ...terms.parties
        .filter((p) => !input.loan.parties || p.party === 'bank')
        .filter((p) => p.party !== 'bank' || input.loan.mode === 'risk-sharing')
        .map((p) => ({ party: p.party, institutionId: p.party === 'bank' ? bankId : null, shareBp: p.shareBp })),
    ],
    guarantorId: guarantor,
    reserved: liability,
    agreementId: agreement.quota !== null ? agreement.id : null,
    enterpriseCapKey: capKey,
    status: 'active' as const,
    decision: { ...rendered, alternatives: undefined },
    createdBy: actor.username,
  };
  return {
    row,
    event: {
      filingId: id,
      kind: 'filed',
      on: today,
      data: { principal: formatYuan(row.principal), reserved: formatYuan(liability), ratio: formatRate(terms.ratioBp) },
      actor: actor.username,
    },
    accounts: [exposureAccount(row.fundId, id), ...(capKey ? enterpriseCapAccounts(row.fundId, capKey) : [])],
    transfers: reserveFiling({
      fundId: row.fundId,
      filingId: id,
      liability,
      agreementId: row.agreementId,
      enterpriseCap: capKey && cap !== null ? { key: capKey, cap, principal: row.principal } : null,
    }),
    rendered,
    enterpriseName: enterprise.name,
    enterpriseCap: capKey && cap !== null ? { key: capKey, cap } : null,
  };
}

/**
 * How much of each plan's G5 cap account is opened already (openings, raises and lowerings: code
 * `enterprise-cap`), by cap account — read once for many plans, through the transfers' entity index.
 */
export async function openedCaps(db: Db, plans: FilingPlan[]): Promise<Map<string, { opened: Fen; moves: number }>> {
  const keys = [...new Set(plans.flatMap((p) => (p.enterpriseCap ? [p.enterpriseCap.key] : [])))];
  return createFilingsRepository({ db }).capsOpened(keys);
}

/**
 * The plan with its G5 cap account brought from `opened` to its policy's cap: nothing to open when
 * it is open as the policy says (and its two accounts exist), a raise or lowering when a policy
 * version changed the cap (capOpening). A plan made before the cap was read assumes nothing is open.
 */
export function withOpenedCap(plan: FilingPlan, opened: Map<string, { opened: Fen; moves: number }>): FilingPlan {
  const cap = plan.enterpriseCap;
  if (!cap) return plan;
  const fundId = plan.row.fundId;
  const state = opened.get(enterpriseCapAccounts(fundId, cap.key)[0]!.id);
  if (!state || state.moves === 0) return plan;
  const capAccounts = new Set(enterpriseCapAccounts(fundId, cap.key).map((a) => a.id));
  return {
    ...plan,
    accounts: plan.accounts.filter((a) => !capAccounts.has(a.id)),
    transfers: reserveFiling({
      fundId,
      filingId: plan.row.id!,
      liability: plan.row.reserved,
      agreementId: plan.row.agreementId ?? null,
      enterpriseCap: {
        key: cap.key,
        cap: cap.cap,
        principal: plan.row.principal,
        opened: state.opened,
        moves: state.moves,
      },
    }),
  };
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
      (stored = { record, decisionSha256: createHash('sha256').update(record.decision).digest('hex') }),
    );
  }
  return stored;
}

/** Either every filing is written, or the ones the ledger refused (with the limit) and nothing is to be kept. */
export type WriteOutcome =
  { written: true; views: FilingView[] } | { written: false; refused: (RenderedReason | null)[] };

/** The row as the database holds it right after the insert: the plan's values and the columns' defaults. */
const insertedRow = (row: FilingInsert, at: Date): FilingRow =>
  ({
    ...row,
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
 * The first step of `writeFilings`: the planned filings' rows, first events and ledger accounts,
 * which lock nothing shared but the new rows (bulk filing runs it while the previous chunk's
 * reservations commit). Returns the rows' created_at (the transaction's now()).
 */
export async function insertFilings({
  db,
  plans,
  timings,
}: {
  db: Db;
  plans: FilingPlan[];
  timings?: Timings | undefined;
}): Promise<Date> {
  const ledger = createLedgerRepository({ db });
  // The two statements are sent together (pipelined on the transaction's connection; run in order).
  const [at] = await Promise.all([
    timed(timings, 'filings+events insert', () =>
      createFilingsRepository({ db }).insertFiled(plans.map((p) => storedFiling(p).record)),
    ),
    timed(timings, 'ledger accounts (sent with the insert)', () =>
      openAccounts({ ledger, accounts: distinctAccounts(plans.flatMap((p) => p.accounts)) }),
    ),
  ]);
  return at;
}

/** The second step of `writeFilings`, in the same transaction as the first: the reservations in one ledger batch, then the audit rows. */
export async function reserveFilings({
  db,
  plans,
  actor,
  at,
  timings,
}: {
  db: Db;
  plans: FilingPlan[];
  actor: Actor;
  at: Date;
  timings?: Timings | undefined;
}): Promise<WriteOutcome> {
  const ledger = createLedgerRepository({ db });
  const held = await shortfallRefusals({
    db,
    actor: actor.username,
    asks: plans.map((p) => ({ fundId: p.row.fundId, amount: p.row.reserved, fromQuota: p.row.agreementId != null })),
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
  // What the insert wrote is known: the view is built from it rather than read back.
  const views = plans.map((p) => filingView(insertedRow(p.row, at), p.enterpriseName));
  const audit = createAuditRepository({ db });
  await timed(timings, 'audit', () =>
    audit.recordMany(
      views.map((view, i) => ({
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

const scopeFilter = (actor: Actor): { bankId?: string; guarantorId?: string } => {
  const s = scopeFor(actor);
  return s.kind === 'bank' ? { bankId: s.bankId } : s.kind === 'guarantor' ? { guarantorId: s.guarantorId } : {};
};

export async function getFiling({ db, actor, id }: { db: Db; actor: Actor; id: string }) {
  const filings = createFilingsRepository({ db });
  const f = await filings.find(id, scopeFilter(actor));
  if (!f) throw Problem.notFound(`Filing ${id}`);
  const e = await createRegistryRepository({ db }).findEnterprise(f.enterpriseId);
  const events = await filings.events(id);
  return {
    ...filingView(f, e?.name),
    events: events.map((ev) => ({ kind: ev.kind, on: ev.on, data: ev.data, actor: ev.actor, at: ev.at.toISOString() })),
  };
}

export async function listFilings({
  db,
  actor,
  query,
}: {
  db: Db;
  actor: Actor;
  query: FilingFilter & { limit: number; cursor?: string | undefined; order: 'asc' | 'desc'; sort: FilingSort };
}) {
  const { limit, cursor: c, order, sort, ...filter } = query;
  const cursor = decodeCursor(
    c,
    sort === 'principal' || sort === 'outstanding' ? 'integer' : sort === 'bankRef' ? 'text' : 'date',
  );
  const rows = await createFilingsRepository({ db }).list(
    { ...filter, ...scopeFilter(actor) },
    { limit, order, sort, ...(cursor ? { cursor } : {}) },
  );
  const page = pageOf(rows, limit, (r) => ({ value: String(r.filing[sort] ?? ''), id: r.filing.id }));
  return { items: page.items.map((r) => filingView(r.filing, r.enterpriseName)), nextCursor: page.nextCursor };
}

/** The liability a loan holds for an outstanding principal: its fixed ratio, rounded once, capped (R7b, R10). */
export const liabilityFor = (f: FilingRow, outstanding: Fen) => compensationOnly(termsOf(f), outstanding);

/**
 * Moves a loan's reservation to `reserved` (more or less) and G5's principal by `principalDelta`.
 * Used by amendments, repayments, withdrawals; inside the caller's transaction.
 */
export async function adjustReservation({
  db,
  f,
  reserved,
  principalDelta,
  eventId,
  code,
  actor,
}: {
  db: Db;
  f: FilingRow;
  reserved: Fen;
  principalDelta: Fen;
  eventId: string;
  code: string;
  actor: string;
}) {
  const ledger = createLedgerRepository({ db });
  const cap = f.enterpriseCapKey;
  const release = f.reserved - reserved;
  const transfers =
    release >= 0n && principalDelta <= 0n
      ? releaseFiling({
          fundId: f.fundId,
          filingId: f.id,
          agreementId: f.agreementId,
          id: eventId,
          liability: release,
          enterpriseCap: cap ? { key: cap, principal: -principalDelta } : null,
          code,
        })
      : release <= 0n && principalDelta >= 0n
        ? reserveFiling({
            fundId: f.fundId,
            filingId: eventId,
            liability: -release,
            agreementId: f.agreementId,
            enterpriseCap: null,
          })
            .map((t) => ({ ...t, credit: exposureAccount(f.fundId, f.id).id, entityId: f.id }))
            .concat(
              cap && principalDelta > 0n
                ? [
                    {
                      id: `${eventId}:principal`,
                      debit: `${f.fundId}:enterprise-cap:${cap}`,
                      credit: `${f.fundId}:enterprise-used:${cap}`,
                      amount: principalDelta,
                      code,
                      entityKind: 'filing',
                      entityId: f.id,
                    },
                  ]
                : [],
            )
            .filter((t) => t.amount > 0n)
            .map((t, i, all) => ({ ...t, linked: i < all.length - 1 }))
        : null;
  if (!transfers) throw new Error('a reservation moves liability and principal the same way');
  if (release < 0n) {
    const [held] = await shortfallRefusals({
      db,
      actor,
      asks: [{ fundId: f.fundId, amount: -release, fromQuota: f.agreementId != null }],
    });
    if (held) throw new FilingRefused([held], 'The change would cross a limit.');
  }
  try {
    await applyOperation({ ledger, transfers, actor });
  } catch (e) {
    if (e instanceof LedgerRefusal) throw new FilingRefused([limitReason(e)], 'The change would cross a limit.');
    throw e;
  }
}

export async function amendFiling({
  db,
  catalog,
  actor,
  id,
  patch,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  patch: z.output<typeof filingPatch>;
}) {
  return db.transaction(async (tx) => {
    const filings = createFilingsRepository({ db: tx });
    const f = await filings.find(id, scopeFilter(actor), true);
    if (!f) throw Problem.notFound(`Filing ${id}`);
    if (f.status !== 'active')
      throw new Problem(409, 'Not amendable', `A ${f.status} filing cannot be amended.`, [
        { field: 'status', message: `is ${f.status}` },
      ]);
    if (patch.principal !== undefined && f.outstanding !== f.principal)
      throw new Problem(
        409,
        'Not amendable',
        'The principal of a loan with repayments cannot be amended; report its balance instead.',
        [{ field: 'principal', message: 'the loan has repayments' }],
      );
    const before = filingView(f);
    const next = {
      kind: patch.kind ?? f.kind,
      principal: patch.principal ?? f.principal,
      disbursedOn: patch.disbursedOn ?? f.disbursedOn,
      maturesOn: patch.maturesOn ?? f.maturesOn,
    };
    if (changesNothing(next, f)) return before; // the terms it has: nothing written (shared/patch.ts)
    if (next.principal <= 0n) throw Problem.invalid([{ field: 'principal', message: 'must be more than 0' }]);
    const late = disbursementProblem('disbursedOn', next.disbursedOn, f.filedOn);
    if (late) throw Problem.invalid([late]);
    if (next.maturesOn && next.maturesOn <= next.disbursedOn) {
      throw Problem.invalid([
        patch.maturesOn !== undefined
          ? { field: 'maturesOn', message: `must be after disbursedOn (${next.disbursedOn})` }
          : { field: 'disbursedOn', message: `must be before maturesOn (${next.maturesOn})` },
      ]);
    }
    const long = next.maturesOn && maturityProblem('maturesOn', next.maturesOn, 'disbursedOn', next.disbursedOn);
    if (long) throw Problem.invalid([long]);
    // Judged again under the version it was filed under, on its filing date (R3).
    const policy = catalog.byVersionId(f.policyVersionId)!;
    const registry = createRegistryRepository({ db: tx });
    const enterprise = (await registry.findEnterprise(f.enterpriseId))!;
    const loanCase = caseOf(
      enterprise,
      await registry.qualificationsOf([enterprise.id]),
      {
        ...next,
        mode: f.mode,
        bankShare: f.mode === 'risk-sharing' ? f.parties.find((p) => p.party === 'bank')?.shareBp : undefined,
      },
      f.filedOn,
    );
    let decision: Decision;
    try {
      decision = evaluate(loanCase, policy);
    } catch (e) {
      // A disbursement in a year the holiday calendar lacks (G6's deadline cannot be counted): a 400, as on filing.
      if (e instanceof CalendarRangeError) throw Problem.invalid([{ field: 'disbursedOn', message: e.message }]);
      throw e;
    }
    const rendered = renderDecision(decision, loanCase);
    if (!decision.eligible) throw new FilingRefused(rendered.reasons, 'The amended loan would not be eligible.');
    // Only a principal amendment moves the balance (and only a loan without repayments takes one):
    // amending the kind or the dates keeps what was repaid.
    const outstanding = patch.principal !== undefined ? next.principal : f.outstanding;
    const reserved = liabilityFor(f, outstanding);
    await adjustReservation({
      db: tx,
      f,
      reserved,
      principalDelta: next.principal - f.principal,
      eventId: `${id}:amend:${f.version}`,
      code: 'amend',
      actor: actor.username,
    });
    await filings.update(id, { ...next, outstanding, reserved, decision: { ...rendered } });
    await filings.addEvent({
      filingId: id,
      kind: 'amended',
      on: f.filedOn,
      data: { reason: patch.reason, before: pick(before), after: { ...next, principal: formatYuan(next.principal) } },
      actor: actor.username,
    });
    const after = filingView((await filings.find(id))!);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'filing.amend',
      entityKind: 'filing',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

const pick = (v: FilingView) => ({
  kind: v.kind,
  principal: v.principal,
  disbursedOn: v.disbursedOn,
  maturesOn: v.maturesOn,
});

export async function withdrawFiling({
  db,
  actor,
  id,
  reason,
  today,
}: {
  db: Db;
  actor: Actor;
  id: string;
  reason: string;
  today: string;
}) {
  return db.transaction(async (tx) => {
    const filings = createFilingsRepository({ db: tx });
    const f = await filings.find(id, scopeFilter(actor), true);
    if (!f) throw Problem.notFound(`Filing ${id}`);
    if (f.status !== 'active')
      throw new Problem(409, 'Not withdrawable', `A ${f.status} filing cannot be withdrawn.`, [
        { field: 'status', message: `is ${f.status}` },
      ]);
    const before = filingView(f);
    await adjustReservation({
      db: tx,
      f,
      reserved: 0n,
      principalDelta: -f.outstanding,
      eventId: `${id}:withdraw`,
      code: 'withdraw',
      actor: actor.username,
    });
    await filings.update(id, { status: 'withdrawn', reserved: 0n });
    await filings.addEvent({
      filingId: id,
      kind: 'withdrawn',
      on: today,
      data: { reason, released: formatYuan(f.reserved) },
      actor: actor.username,
    });
    const after = filingView((await filings.find(id))!);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'filing.withdraw',
      entityKind: 'filing',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

/**
 * The loan's guarantor confirms its part of a risk-sharing loan (F14–F16): recorded on the loan, in
 * its timeline and the audit log. Only the guarantor's own officers see the loan to confirm it (a
 * loan of another guarantor answers 404). Confirming again answers the loan as it is: safe to retry.
 */
export async function confirmGuarantee({ db, actor, id, today }: { db: Db; actor: Actor; id: string; today: string }) {
  return db.transaction(async (tx) => {
    const filings = createFilingsRepository({ db: tx });
    const f = await filings.find(id, scopeFilter(actor), true);
    if (!f) throw Problem.notFound(`Filing ${id}`);
    if (f.guarantorConfirmedOn) return filingView(f);
    if (f.status === 'withdrawn')
      throw new Problem(409, 'Not confirmable', 'A withdrawn filing cannot be confirmed.', [
        { field: 'status', message: `is ${f.status}` },
      ]);
    const before = filingView(f);
    await filings.update(id, { guarantorConfirmedOn: today, guarantorConfirmedBy: actor.username });
    await filings.addEvent({
      filingId: id,
      kind: 'guarantor-confirmed',
      on: today,
      data: { guarantorId: f.guarantorId },
      actor: actor.username,
    });
    const after = filingView((await filings.find(id))!);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'filing.guarantor-confirm',
      entityKind: 'filing',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

export type { FilingStatus };

import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { agreements, enterprises, funds, fundProgrammes } from '../registry/registry.table';
import { countUpTo, type Cursor } from '../shared/paging';
import { enterpriseIdsMatching, enterpriseMatches, startsWith } from '../shared/search';
import { rowsOf } from '../shared/rows';
import { anyOfTexts, jsonTexts } from '../shared/json-texts';
import { isBadLoan } from '../../core/loans/loan-life';
import { fillDecision, type DecisionTemplate, type RenderedDecision } from '../../core/policy';
import { decisionTemplates, filingEvents, filings, FILING_STATUSES, type FilingStatus } from './filings.table';
import type { StoredTemplate } from './filing.decision';
import type { LoanReservedRow } from '../../core/ledger/invariants';

const BAD_LOAN_STATUSES = FILING_STATUSES.filter(isBadLoan);

/** A filing's columns as the table holds them; its decision is a template's key and the loan's values. */
export type FilingColumns = typeof filings.$inferSelect;
/** A filing as the repository reads it: its columns and its decision rendered back (fillDecision), as at filing. */
export type FilingRow = FilingColumns & { decision: RenderedDecision };
export type FilingEventRow = typeof filingEvents.$inferSelect;
export type AgreementRow = typeof agreements.$inferSelect;
export type FilingInsert = typeof filings.$inferInsert;
export type FilingEventInsert = typeof filingEvents.$inferInsert;

/** One loan's new balances, as bulk servicing writes them (applyBalances). */
export interface BalanceUpdate {
  id: string;
  outstanding: bigint;
  reserved: bigint;
  status: FilingStatus;
  /** How many changes this is (the row's version goes up by one per change, as one at a time would). */
  steps: number;
}

export const FILING_SORTS = {
  filedOn: filings.filedOn,
  principal: filings.principal,
  outstanding: filings.outstanding,
  bankRef: filings.bankRef,
  disbursedOn: filings.disbursedOn,
} as const;
export type FilingSort = keyof typeof FILING_SORTS;

export interface FilingFilter {
  bankId?: string;
  guarantorId?: string;
  fundId?: string;
  programmeId?: string;
  enterpriseId?: string;
  status?: FilingStatus;
  kind?: string;
  mode?: 'direct' | 'risk-sharing';
  filedFrom?: string;
  filedTo?: string;
  bankRef?: string;
  /** Risk-sharing loans their guarantor has (true) or has not yet (false) confirmed. */
  guarantorConfirmed?: boolean;
  /** The search box (shared/search.ts): the contract number's beginning, or the borrower's name (any part) or credit code (its beginning). */
  q?: string | undefined;
  /** The enterprises `q` finds, when they are few (`withSearchResolved`); otherwise the search reads them as a subquery. */
  matchingEnterprises?: string[];
}

/**
 * Over a million loans a search that finds few rows must not walk a sort's index testing every loan
 * (docs/PERFORMANCE.md, "Search and totals"): when `q` names at most this many enterprises, their
 * ids go into the statement as values, and the planner reads their loans by `filings_enterprise_ix`.
 */
const FEW_ENTERPRISES = 200;

function where(f: FilingFilter): SQL[] {
  const w: SQL[] = [];
  if (f.bankId) w.push(eq(filings.bankId, f.bankId));
  if (f.guarantorId) w.push(eq(filings.guarantorId, f.guarantorId));
  if (f.fundId) w.push(eq(filings.fundId, f.fundId));
  if (f.programmeId) w.push(eq(filings.programmeId, f.programmeId));
  if (f.enterpriseId) w.push(eq(filings.enterpriseId, f.enterpriseId));
  if (f.status) w.push(eq(filings.status, f.status));
  if (f.kind) w.push(eq(filings.kind, f.kind));
  if (f.mode) w.push(eq(filings.mode, f.mode));
  if (f.filedFrom) w.push(gte(filings.filedOn, f.filedFrom));
  if (f.filedTo) w.push(lte(filings.filedOn, f.filedTo));
  if (f.guarantorConfirmed === true) w.push(isNotNull(filings.guarantorConfirmedOn));
  // Still to confirm: a withdrawn loan never will be.
  if (f.guarantorConfirmed === false)
    w.push(and(isNotNull(filings.guarantorId), isNull(filings.guarantorConfirmedOn), ne(filings.status, 'withdrawn'))!);
  if (f.bankRef) w.push(startsWith(filings.bankRef, f.bankRef));
  if (f.q)
    w.push(
      sql`(${startsWith(filings.bankRef, f.q)} or ${filings.enterpriseId} ${
        f.matchingEnterprises ? sql`= ${anyOfTexts(f.matchingEnterprises)}` : sql`in ${enterpriseIdsMatching(f.q)}`
      })`,
    );
  return w;
}

/**
 * The rows after a page's last one in the sort's order. A row comparison, not `col > v or (col = v
 * and id > c)`: the same rows (both columns are not null), but the planner starts the sort's index
 * scan at the cursor instead of walking the index from its start and filtering every row before it
 * (docs/PERFORMANCE.md, "import", "Each index a filing writes, measured").
 */
export function afterCursor(sort: FilingSort, order: 'asc' | 'desc', cursor: Cursor): SQL {
  const v = cursor.value as string;
  const typed = sort === 'principal' || sort === 'outstanding' ? sql`${v}::bigint` : v;
  return sql`(${FILING_SORTS[sort]}, ${filings.id}) ${order === 'asc' ? sql`>` : sql`<`} (${typed}, ${cursor.id})`;
}

/**
 * Templates read so far, by key: a key names one text for good (its SHA-256; rows are never
 * changed), so they are kept for the process's life — a few hundred at most in practice, bounded all the same.
 */
const templateCache = new Map<string, DecisionTemplate>();

export function createFilingsRepository({ db }: { db: Db }) {
  /** The rows with their decisions rendered back: each template read once (and kept), filled with the row's values. */
  async function decided<T extends FilingColumns>(rows: T[]): Promise<(T & { decision: RenderedDecision })[]> {
    const found = new Map<string, DecisionTemplate>();
    const missing = new Set<string>();
    for (const r of rows) {
      const t = templateCache.get(r.decisionKey);
      if (t) found.set(r.decisionKey, t);
      else missing.add(r.decisionKey);
    }
    if (missing.size) {
      const read = await db
        .select()
        .from(decisionTemplates)
        .where(sql`${decisionTemplates.key} = ${anyOfTexts([...missing])}`);
      if (templateCache.size + read.length > 10_000) templateCache.clear();
      for (const t of read) {
        found.set(t.key, t.template as DecisionTemplate);
        templateCache.set(t.key, t.template as DecisionTemplate);
      }
    }
    return rows.map((r) => {
      const template = found.get(r.decisionKey);
      if (!template) throw new Error(`filing ${r.id}: its decision template ${r.decisionKey} is missing`);
      return { ...r, decision: fillDecision(template, r.decisionValues) };
    });
  }

  /** The agreements in force on `on` of each of these banks (G1), by bank, in id order. */
  async function agreementsOfBanks(bankIds: string[], on: string): Promise<Map<string, AgreementRow[]>> {
    const out = new Map<string, AgreementRow[]>();
    if (bankIds.length === 0) return out;
    for (const a of await db
      .select()
      .from(agreements)
      .where(
        and(
          sql`${agreements.institutionId} = ${anyOfTexts(bankIds)}`,
          lte(agreements.signedOn, on),
          or(sql`${agreements.endsOn} is null`, gte(agreements.endsOn, on)),
        ),
      )
      .orderBy(asc(agreements.id)))
      out.set(a.institutionId, [...(out.get(a.institutionId) ?? []), a]);
    return out;
  }

  return {
    /** Templates as decision_templates holds them, each once; one already there is left as it is. */
    async saveTemplates(templates: StoredTemplate[]): Promise<void> {
      if (templates.length === 0) return;
      await db.execute(sql`insert into decision_templates (key, template)
        select k.key, d.value from json_array_elements_text(${JSON.stringify(templates.map((t) => t.key))}::json) with ordinality as k(key, n)
        join ${jsonTexts(
          templates.map((t) => t.text),
          'd',
        )} on d.n = k.n order by k.n
        on conflict (key) do nothing`);
    },
    async insert(row: typeof filings.$inferInsert) {
      await db.insert(filings).values(row);
    },
    /**
     * New filings with their first events and their decisions' templates in ONE statement: the rows
     * (filedRecord's JSON texts, made beforehand — bulk filing makes them while the previous chunk
     * commits) travel as one JSON array unpacked row by row; the events go in by a second
     * data-modifying CTE. The templates (each once, in key order: filing.decision.ts
     * distinctTemplates) travel apart as JSON texts (shared/json-texts.ts) and are stored as
     * written, a template some filing stored already (or another transaction is storing) left as it
     * is (on conflict do nothing: the same key is the same text). Returns the rows' created_at (= updated_at = the
     * transaction's now(), the columns' default), as the driver would read it back. `auditChunk`: the
     * bulk-filed chunk these filings are leaves of (filings.table auditChunk), or null.
     */
    async insertFiled(
      records: FiledRecord[],
      templates: StoredTemplate[],
      auditChunk: string | null = null,
    ): Promise<Date> {
      const res = rowsOf(
        await db.execute(sql`with t as (
          insert into decision_templates (key, template)
          select k.key, d.value from json_array_elements_text(${JSON.stringify(templates.map((t) => t.key))}::json) with ordinality as k(key, n)
          join ${jsonTexts(
            templates.map((t) => t.text),
            'd',
          )} on d.n = k.n order by k.n
          on conflict (key) do nothing
          returning 1
        ), r as materialized (
          select e.n, x.* from json_array_elements(${`[${records.map((r) => r.row).join(',')}]`}::json) with ordinality as e(row, n)
          cross join lateral json_to_record(e.row) as x(id text, fund_id text, programme_id text, policy_version_id int, bank_id text,
            enterprise_id text, bank_ref text, kind text, principal bigint, outstanding bigint, disbursed_on date,
            matures_on date, filed_on date, mode text, ratio_bp int, rounding text, cap_per_loan bigint, parties jsonb, guarantor_id text, reserved bigint,
            agreement_id text, enterprise_cap_key text, status text, decision_key text, decision_values json, created_by text, ev_filing_id text,
            ev_kind text, ev_on date, ev_data jsonb, ev_actor text)
        ), f as (
          insert into filings (id, fund_id, programme_id, policy_version_id, bank_id, enterprise_id, bank_ref, kind, principal,
            outstanding, disbursed_on, matures_on, filed_on, mode, ratio_bp, rounding, cap_per_loan, parties, guarantor_id, reserved, agreement_id,
            enterprise_cap_key, status, decision_key, decision_values, created_by, audit_chunk)
          select id, fund_id, programme_id, policy_version_id, bank_id, enterprise_id, bank_ref, kind, principal,
            outstanding, disbursed_on, matures_on, filed_on, mode, ratio_bp, rounding, cap_per_loan, parties, guarantor_id, reserved, agreement_id,
            enterprise_cap_key, status, decision_key, decision_values, created_by, ${auditChunk}::text from r order by n
          returning 1
        ), e as (
          insert into filing_events (filing_id, kind, "on", data, actor) select ev_filing_id, ev_kind, ev_on, ev_data, ev_actor from r order by n returning 1
        )
        select (select count(*) from t)::int as templates, (select count(*) from f)::int as filings, (select count(*) from e)::int as events,
          to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || 'Z' as at`),
      );
      if (Number(res[0]!.filings) !== records.length || Number(res[0]!.events) !== records.length)
        throw new Error('filings insert wrote a different number of rows');
      return new Date(String(res[0]!.at));
    },
    async addEvents(events: FilingEventInsert[]) {
      if (events.length) await db.insert(filingEvents).values(events);
    },
    async findMany(ids: string[]): Promise<FilingRow[]> {
      return ids.length ? decided(await db.select().from(filings).where(inArray(filings.id, ids))) : [];
    },
    /** Per G5 cap account of these cap keys: what its openings, raises and lowerings (code `enterprise-cap`) add up to, and how many there were. */
    async capsOpened(keys: string[]): Promise<Map<string, { opened: bigint; moves: number }>> {
      const out = new Map<string, { opened: bigint; moves: number }>();
      if (keys.length === 0) return out;
      const rows = rowsOf(
        await db.execute(sql`select account, sum(delta)::text as opened, count(*)::int as moves from (
          select credit_account_id as account, amount as delta from ledger_transfers
            where entity_kind = 'enterprise-cap' and entity_id = ${anyOfTexts(keys)} and code = 'enterprise-cap' and kind = 'single'
          union all
          select debit_account_id, -amount from ledger_transfers
            where entity_kind = 'enterprise-cap' and entity_id = ${anyOfTexts(keys)} and code = 'enterprise-cap' and kind = 'single'
        ) t where account like '%:enterprise-cap:%' group by account`),
      );
      for (const r of rows) out.set(String(r.account), { opened: BigInt(String(r.opened)), moves: Number(r.moves) });
      return out;
    },
    /** Which of these loan numbers their banks have filed already, as filedKey(bankId, bankRef). */
    async filedLoanNumbers(loans: { bankId: string; bankRef: string }[]): Promise<Set<string>> {
      if (loans.length === 0) return new Set();
      // The two lists give a superset (a bank's number filed by another bank) that the key sorts out.
      const rows = await db
        .select({ bankId: filings.bankId, bankRef: filings.bankRef })
        .from(filings)
        .where(
          and(
            sql`${filings.bankId} = ${anyOfTexts([...new Set(loans.map((l) => l.bankId))])}`,
            sql`${filings.bankRef} = ${anyOfTexts(loans.map((l) => l.bankRef))}`,
          ),
        );
      return new Set(rows.map((r) => filedKey(r.bankId, r.bankRef)));
    },
    /** Which of these loan numbers the bank has filed already. */
    async filedBankRefs(bankId: string, bankRefs: string[]): Promise<Set<string>> {
      if (bankRefs.length === 0) return new Set();
      const rows = await db
        .select({ bankRef: filings.bankRef })
        .from(filings)
        .where(and(eq(filings.bankId, bankId), sql`${filings.bankRef} = ${anyOfTexts(bankRefs)}`));
      return new Set(rows.map((r) => r.bankRef));
    },
    /** Every write of a filing bumps its version and `updatedAt`; returns the row as written. */
    async update(id: string, patch: Partial<typeof filings.$inferInsert>): Promise<FilingRow> {
      const [row] = await db
        .update(filings)
        .set({ ...patch, updatedAt: new Date(), version: sql`${filings.version} + 1` })
        .where(eq(filings.id, id))
        .returning();
      return (await decided([row!]))[0]!;
    },
    async addEvent(e: typeof filingEvents.$inferInsert) {
      await db.insert(filingEvents).values(e);
    },
    async events(filingId: string): Promise<FilingEventRow[]> {
      return db.select().from(filingEvents).where(eq(filingEvents.filingId, filingId)).orderBy(asc(filingEvents.id));
    },
    /** Locks the row for the rest of the transaction (servicing and claims change a loan one at a time). */
    async find(
      id: string,
      scope: { bankId?: string; guarantorId?: string } = {},
      forUpdate = false,
    ): Promise<FilingRow | undefined> {
      const q = db
        .select()
        .from(filings)
        .where(and(eq(filings.id, id), ...where(scope)));
      const [row] = forUpdate ? await q.for('update') : await q;
      return row && (await decided([row]))[0];
    },
    /** R17: per enterprise, the funds where it has a bad loan (core/loans isBadLoan: non-performing or compensated). */
    async fundsWithBadLoans(enterpriseIds: string[]): Promise<Map<string, Set<string>>> {
      const out = new Map<string, Set<string>>();
      if (enterpriseIds.length === 0) return out;
      const rows = await db
        .selectDistinct({ enterpriseId: filings.enterpriseId, fundId: filings.fundId })
        .from(filings)
        .where(
          and(sql`${filings.enterpriseId} = ${anyOfTexts(enterpriseIds)}`, inArray(filings.status, BAD_LOAN_STATUSES)),
        );
      for (const r of rows) out.set(r.enterpriseId, (out.get(r.enterpriseId) ?? new Set()).add(r.fundId));
      return out;
    },
    /** Active loans with an overdue date: the candidates of the daily non-performing sweep (R6). */
    async overdueActive(): Promise<FilingRow[]> {
      return decided(
        await db
          .select()
          .from(filings)
          .where(and(eq(filings.status, 'active'), isNotNull(filings.overdueSince))),
      );
    },
    /**
     * Bulk servicing: the loans among `ids` the scope may see, locked for the rest of the
     * transaction, in id order (two bulk requests lock shared loans in the same order and never
     * deadlock). The single-loan path locks with `find`; these are the same rows, touched once
     * per chunk instead of once per line.
     */
    async lockLoans(ids: string[], scope: { bankId?: string; guarantorId?: string }): Promise<FilingRow[]> {
      if (ids.length === 0) return [];
      return decided(
        await db
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
          .for('update'),
      );
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
    /** Bulk servicing: every loan's new outstanding, reserved and status in ONE statement; `at` is their updated_at. */
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
    /** The filter with the enterprises `q` finds, when they are few (FEW_ENTERPRISES). */
    async withSearchResolved(f: FilingFilter): Promise<FilingFilter> {
      if (!f.q) return f;
      const ids = await db
        .select({ id: enterprises.id })
        .from(enterprises)
        .where(enterpriseMatches(f.q))
        .limit(FEW_ENTERPRISES + 1);
      return ids.length <= FEW_ENTERPRISES ? { ...f, matchingEnterprises: ids.map((r) => r.id) } : f;
    },
    async list(f: FilingFilter, page: { limit: number; cursor?: Cursor; order: 'asc' | 'desc'; sort: FilingSort }) {
      const col = FILING_SORTS[page.sort];
      const w = where(f);
      if (page.cursor) w.push(afterCursor(page.sort, page.order, page.cursor));
      const dir = page.order === 'asc' ? asc : desc;
      const rows = await db
        .select({ filing: filings, enterpriseName: enterprises.name })
        .from(filings)
        .innerJoin(enterprises, eq(enterprises.id, filings.enterpriseId))
        .where(and(...w))
        .orderBy(dir(col), dir(filings.id))
        .limit(page.limit + 1);
      const withDecisions = await decided(rows.map((r) => r.filing));
      return rows.map((r, i) => ({ filing: withDecisions[i]!, enterpriseName: r.enterpriseName }));
    },
    /** How many filings the filter (scope included) finds, counted up to `cap` (shared/paging.ts countUpTo). */
    async count(f: FilingFilter) {
      return countUpTo(
        db,
        db
          .select({ one: sql`1` })
          .from(filings)
          .where(and(...where(f))),
      );
    },
    /** The enterprise's live principal with this bank under this programme (G5 is kept in the ledger; this is for display). */
    async agreementsFor(bankId: string, on: string): Promise<AgreementRow[]> {
      return (await agreementsOfBanks([bankId], on)).get(bankId) ?? [];
    },
    /** The agreements in force on `on` of each of these banks (G1), by bank, in id order. */
    agreementsOfBanks,
    async fundsOfProgramme(programmeId: string) {
      return db
        .select({ fund: funds })
        .from(fundProgrammes)
        .innerJoin(funds, eq(funds.id, fundProgrammes.fundId))
        .where(eq(fundProgrammes.programmeId, programmeId));
    },
  };
}

export type FilingsRepository = ReturnType<typeof createFilingsRepository>;

/** A loan number under its bank, as filedLoanNumbers answers it. */
export const filedKey = (bankId: string, bankRef: string) => `${bankId}\n${bankRef}`;

/** A new filing and its first event as insertFiled takes them: the row's JSON text (its decision's key and values in it). */
export interface FiledRecord {
  row: string;
}

export function filedRecord(r: FilingInsert, e: FilingEventInsert): FiledRecord {
  return {
    row: JSON.stringify({
      id: r.id,
      fund_id: r.fundId,
      programme_id: r.programmeId,
      policy_version_id: r.policyVersionId,
      bank_id: r.bankId,
      enterprise_id: r.enterpriseId,
      bank_ref: r.bankRef,
      kind: r.kind,
      principal: String(r.principal),
      outstanding: String(r.outstanding),
      disbursed_on: r.disbursedOn,
      matures_on: r.maturesOn ?? null,
      filed_on: r.filedOn,
      mode: r.mode,
      ratio_bp: r.ratioBp,
      rounding: r.rounding,
      cap_per_loan: r.capPerLoan === null || r.capPerLoan === undefined ? null : String(r.capPerLoan),
      parties: r.parties,
      guarantor_id: r.guarantorId ?? null,
      reserved: String(r.reserved),
      agreement_id: r.agreementId ?? null,
      enterprise_cap_key: r.enterpriseCapKey ?? null,
      status: r.status,
      decision_key: r.decisionKey,
      decision_values: r.decisionValues,
      created_by: r.createdBy,
      ev_filing_id: e.filingId,
      ev_kind: e.kind,
      ev_on: e.on,
      ev_data: e.data,
      ev_actor: e.actor,
    }),
  };
}

/** The funds the registry knows: the loan book ledger verify reconciles is theirs. */
export async function registeredFundIds({ db }: { db: Db }): Promise<Set<string>> {
  return new Set((await db.select({ id: funds.id }).from(funds)).map((f) => f.id));
}

/** These filings' funds, by filing id (ledger verify: an exposure account's loan). */
export async function fundsOfFilings({ db, ids }: { db: Db; ids: string[] }): Promise<Map<string, { fundId: string }>> {
  if (!ids.length) return new Map();
  const rows = rowsOf(await db.execute(sql`select id, fund_id from filings where id = ${anyOfTexts(ids)}`));
  return new Map(rows.map((r) => [String(r.id), { fundId: String(r.fund_id) }]));
}

/** The loan book a page at a time: each filing's reserved liability, by filing id (ledger verify). */
export async function* loanBookPages({
  db,
  pageSize,
}: {
  db: Db;
  pageSize: number;
}): AsyncGenerator<LoanReservedRow[]> {
  let after = '';
  for (;;) {
    const rows = rowsOf(
      await db.execute(
        sql`select id, fund_id, reserved::text reserved from filings where id > ${after} order by id limit ${pageSize}`,
      ),
    );
    const page = rows.map((r) => ({
      filingId: String(r.id),
      fundId: String(r.fund_id),
      reserved: BigInt(String(r.reserved)),
    }));
    if (page.length) yield page;
    if (rows.length < pageSize) return;
    after = page.at(-1)!.filingId;
  }
}

/**
 * The live book as a risk portfolio: the active filings (non-performing and compensated loans
 * are claims already, not risk), each with the terms fixed at filing (R3) and its enterprise's
 * facts for re-judging under another programme. Grade = the loan's five-category classification
 * (normal, special-mention), for which the manager sets a PD or has it estimated from the book's
 * history; sector = the enterprise's industry.
 *
 * The loader also answers two questions the simulation asks of the database (`history`,
 * `summary`); they hang off the loader so that whoever wires the loader wires them too.
 */
import { and, asc, count, eq, gt, inArray, lte, ne, sql, sum } from 'drizzle-orm';
import { addDays, daysBetween } from '../../core/calendar/dates';
import { formatYuan } from '../../core/money/money';
import type { QualificationKind } from '../../core/policy';
import type { LoanHistory, RiskLoan } from '../../core/risk';
import { filingEvents, filings } from '../filings/filings.table';
import { termsOf } from '../filings/filings.usecases';
import type { Db } from '../shared/db';
import { enterprises, qualifications } from '../registry/registry.table';

export interface BookFilter {
  fundId?: string;
  /** The day the run starts: loans' years to maturity and ages are counted from it (the fund's rules). */
  asOf?: string;
}

/** The book's grades and sectors: what a PD can be set for, with loans and exposure (yuan). */
export interface BookSummary {
  loans: number;
  exposure: string;
  grades: { grade: string; loans: number; exposure: string }[];
  sectors: { sector: string; loans: number; exposure: string }[];
}

export interface BookLoader {
  /** The active loans as risk loans. */
  (filter: BookFilter): Promise<RiskLoan[]>;
  /** Every filed loan's history for estimating PDs (absent where there is no database, e.g. in tests). */
  history?: (filter: BookFilter) => Promise<LoanHistory[]>;
  summary?: (filter: BookFilter) => Promise<BookSummary>;
  /** Loans filed in the year up to `asOf` ÷ the active loans: the book's own new filings per year. */
  filingRate?: (filter: BookFilter & { asOf: string }) => Promise<number>;
  /** The bank's loan number and the borrower of each filing named, for the report's largest loans. */
  names?: (ids: readonly string[]) => Promise<Map<string, LoanName>>;
}

export interface LoanName {
  loanNumber: string;
  enterpriseName: string;
}

const DAYS_PER_YEAR = 365.25;

/** The classifications a loan can hold while performing: the grades. Substandard or worse is the default itself (R6). */
export const PERFORMING_GRADES = ['normal', 'special-mention'] as const;

export function createBookLoader({ db }: { db: Db }): BookLoader {
  const load = async ({ fundId, asOf }: BookFilter): Promise<RiskLoan[]> => {
    const rows = await db
      .select({
        id: filings.id,
        bankId: filings.bankId,
        programmeId: filings.programmeId,
        classification: filings.classification,
        outstanding: filings.outstanding,
        principal: filings.principal,
        kind: filings.kind,
        mode: filings.mode,
        ratioBp: filings.ratioBp,
        rounding: filings.rounding,
        capPerLoan: filings.capPerLoan,
        parties: filings.parties,
        filedOn: filings.filedOn,
        disbursedOn: filings.disbursedOn,
        maturesOn: filings.maturesOn,
        enterpriseId: enterprises.id,
        size: enterprises.size,
        industry: enterprises.industry,
        sciTech: enterprises.sciTech,
        registeredInZone: enterprises.registeredInZone,
        restrictedProcesses: enterprises.restrictedProcesses,
      })
      .from(filings)
      .innerJoin(enterprises, eq(filings.enterpriseId, enterprises.id))
      .where(and(eq(filings.status, 'active'), ...(fundId ? [eq(filings.fundId, fundId)] : [])))
      .orderBy(filings.id);
    const ids = [...new Set(rows.map((r) => r.enterpriseId))];
    const quals = ids.length
      ? await db.select().from(qualifications).where(inArray(qualifications.enterpriseId, ids))
      : [];
    const qualsOf = new Map<string, typeof quals>();
    for (const q of quals) qualsOf.set(q.enterpriseId, [...(qualsOf.get(q.enterpriseId) ?? []), q]);
    return rows.map((r) => {
      const bankShareBp = r.mode === 'risk-sharing' ? r.parties.find((p) => p.party === 'bank')?.shareBp : undefined;
      const held = (qualsOf.get(r.enterpriseId) ?? [])
        .filter((q) => q.validFrom <= r.filedOn && r.filedOn <= q.validTo)
        .map((q) => q.kind as QualificationKind);
      return {
        id: r.id,
        bank: r.bankId,
        programme: r.programmeId,
        grade: r.classification,
        sector: r.industry,
        exposure: r.outstanding,
        filedTerms: termsOf(r),
        ...(asOf
          ? {
              // a loan without a maturity date never runs off; one past it is at risk for no time
              ...(r.maturesOn ? { remainingYears: Math.max(0, daysBetween(asOf, r.maturesOn) / DAYS_PER_YEAR) } : {}),
              ageYears: Math.max(0, daysBetween(r.disbursedOn, asOf) / DAYS_PER_YEAR),
            }
          : {}),
        profile: {
          enterprise: {
            registeredInZone: r.registeredInZone,
            size: r.size,
            sciTech: r.sciTech,
            industry: r.industry,
            restrictedProcesses: r.restrictedProcesses,
          },
          qualifications: [...new Set(held)],
          loan: {
            kind: r.kind,
            principal: r.principal,
            mode: r.mode,
            ...(bankShareBp !== undefined ? { bankShareBp } : {}),
          },
        },
      };
    });
  };

  /**
   * Every filing but the withdrawn (a withdrawal undoes the filing): at risk from disbursement, in
   * grade normal until a classification report says otherwise (only performing classes are grades),
   * defaulted on the day it became non-performing, ended on the day a repayment or balance report
   * brought it to zero (or, without one, the day the filing was last changed).
   */
  const history = async ({ fundId }: BookFilter): Promise<LoanHistory[]> => {
    const scope = and(ne(filings.status, 'withdrawn'), ...(fundId ? [eq(filings.fundId, fundId)] : []));
    const rows = await db
      .select({
        id: filings.id,
        disbursedOn: filings.disbursedOn,
        status: filings.status,
        nonPerformingOn: filings.nonPerformingOn,
        updatedAt: filings.updatedAt,
      })
      .from(filings)
      .where(scope)
      .orderBy(filings.id);
    const events = await db
      .select({
        filingId: filingEvents.filingId,
        kind: filingEvents.kind,
        on: filingEvents.on,
        data: filingEvents.data,
      })
      .from(filingEvents)
      .innerJoin(filings, eq(filingEvents.filingId, filings.id))
      .where(and(scope, inArray(filingEvents.kind, ['classification', 'repayment', 'balance'])))
      .orderBy(asc(filingEvents.filingId), asc(filingEvents.on), asc(filingEvents.id));
    const byFiling = new Map<string, typeof events>();
    for (const e of events) {
      const list = byFiling.get(e.filingId);
      if (list) list.push(e);
      else byFiling.set(e.filingId, [e]);
    }
    const performing = new Set<string>(PERFORMING_GRADES);
    return rows.map((r): LoanHistory => {
      const evs = byFiling.get(r.id) ?? [];
      const grades = [{ on: r.disbursedOn, grade: 'normal' }];
      let zeroOn: string | undefined;
      for (const e of evs) {
        const data = e.data as { classification?: string; outstanding?: string };
        if (
          e.kind === 'classification' &&
          data.classification &&
          performing.has(data.classification) &&
          data.classification !== grades.at(-1)!.grade
        )
          grades.push({ on: e.on, grade: data.classification });
        if (
          (e.kind === 'repayment' || e.kind === 'balance') &&
          data.outstanding !== undefined &&
          /^0+(\.0+)?$/.test(data.outstanding)
        )
          zeroOn ??= e.on;
      }
      const endedOn = r.status === 'repaid' ? (zeroOn ?? r.updatedAt.toISOString().slice(0, 10)) : undefined;
      return {
        from: r.disbursedOn,
        grades,
        ...(r.nonPerformingOn ? { defaultedOn: r.nonPerformingOn } : {}),
        ...(endedOn ? { endedOn } : {}),
      };
    });
  };

  const summary = async ({ fundId }: BookFilter): Promise<BookSummary> => {
    const scope = and(eq(filings.status, 'active'), ...(fundId ? [eq(filings.fundId, fundId)] : []));
    const total = sql<string>`coalesce(${sum(filings.outstanding)}, 0)::text`;
    const grades = await db
      .select({ key: filings.classification, loans: count(), exposure: total })
      .from(filings)
      .where(scope)
      .groupBy(filings.classification)
      .orderBy(filings.classification);
    const sectors = await db
      .select({ key: enterprises.industry, loans: count(), exposure: total })
      .from(filings)
      .innerJoin(enterprises, eq(filings.enterpriseId, enterprises.id))
      .where(scope)
      .groupBy(enterprises.industry)
      .orderBy(enterprises.industry);
    const yuan = (fen: string) => formatYuan(BigInt(fen));
    return {
      loans: grades.reduce((n, g) => n + Number(g.loans), 0),
      exposure: yuan(String(grades.reduce((n, g) => n + BigInt(g.exposure), 0n))),
      grades: grades.map((g) => ({ grade: g.key, loans: Number(g.loans), exposure: yuan(g.exposure) })),
      sectors: sectors.map((g) => ({ sector: g.key, loans: Number(g.loans), exposure: yuan(g.exposure) })),
    };
  };

  const filingRate = async ({ fundId, asOf }: BookFilter & { asOf: string }): Promise<number> => {
    const inFund = fundId ? [eq(filings.fundId, fundId)] : [];
    const [active] = await db
      .select({ n: count() })
      .from(filings)
      .where(and(eq(filings.status, 'active'), ...inFund));
    const [filed] = await db
      .select({ n: count() })
      .from(filings)
      .where(
        and(
          ne(filings.status, 'withdrawn'),
          gt(filings.filedOn, addDays(asOf, -365)),
          lte(filings.filedOn, asOf),
          ...inFund,
        ),
      );
    const n = Number(active?.n ?? 0);
    return n > 0 ? Number(filed?.n ?? 0) / n : 0;
  };

  const names = async (ids: readonly string[]): Promise<Map<string, LoanName>> => {
    if (ids.length === 0) return new Map();
    const rows = await db
      .select({ id: filings.id, loanNumber: filings.bankRef, enterpriseName: enterprises.name })
      .from(filings)
      .innerJoin(enterprises, eq(enterprises.id, filings.enterpriseId))
      .where(inArray(filings.id, [...ids]));
    return new Map(rows.map(({ id, ...name }) => [id, name]));
  };

  return Object.assign(load, { history, summary, filingRate, names });
}

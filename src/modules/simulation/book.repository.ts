/**
 * The live book as a risk portfolio: the active filings (non-performing and compensated loans
 * are claims already, not risk), each with the terms fixed at filing (R3) and its enterprise's
 * facts for re-judging under another programme. Grade = the loan's five-category classification
 * (normal, special-mention), for which the manager sets a PD; sector = the enterprise's industry.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { QualificationKind } from '../../core/policy';
import type { RiskLoan } from '../../core/risk';
import { filings } from '../filings/filings.table';
import { termsOf } from '../filings/filings.usecases';
import type { Db } from '../programmes/programmes.repository';
import { enterprises, qualifications } from '../registry/registry.table';

export type BookLoader = (filter: { fundId?: string }) => Promise<RiskLoan[]>;

export function createBookLoader({ db }: { db: Db }): BookLoader {
  return async ({ fundId }) => {
    const rows = await db.select({
      id: filings.id, classification: filings.classification, outstanding: filings.outstanding, principal: filings.principal, kind: filings.kind,
      mode: filings.mode, ratioBp: filings.ratioBp, rounding: filings.rounding, capPerLoan: filings.capPerLoan, parties: filings.parties, filedOn: filings.filedOn,
      enterpriseId: enterprises.id, size: enterprises.size, industry: enterprises.industry, sciTech: enterprises.sciTech,
      registeredInZone: enterprises.registeredInZone, restrictedProcesses: enterprises.restrictedProcesses,
    }).from(filings).innerJoin(enterprises, eq(filings.enterpriseId, enterprises.id))
      .where(and(eq(filings.status, 'active'), ...(fundId ? [eq(filings.fundId, fundId)] : [])))
      .orderBy(filings.id);
    const ids = [...new Set(rows.map((r) => r.enterpriseId))];
    const quals = ids.length ? await db.select().from(qualifications).where(inArray(qualifications.enterpriseId, ids)) : [];
    return rows.map((r) => {
      const bankShareBp = r.mode === 'risk-sharing' ? r.parties.find((p) => p.party === 'bank')?.shareBp : undefined;
      const held = quals.filter((q) => q.enterpriseId === r.enterpriseId && q.validFrom <= r.filedOn && r.filedOn <= q.validTo).map((q) => q.kind as QualificationKind);
      return {
        id: r.id, grade: r.classification, sector: r.industry, exposure: r.outstanding,
        filedTerms: termsOf(r),
        profile: {
          enterprise: { registeredInZone: r.registeredInZone, size: r.size, sciTech: r.sciTech, industry: r.industry, restrictedProcesses: r.restrictedProcesses },
          qualifications: [...new Set(held)],
          loan: { kind: r.kind, principal: r.principal, mode: r.mode, ...(bankShareBp !== undefined ? { bankShareBp } : {}) },
        },
      };
    });
  };
}

/**
 * Files the demo's book through the bulk path the imports use (planFiling + writeFilings): loans
 * in date order, a chunk per transaction, each bank's loans of the chunk in one multi-row insert
 * and ONE ledger batch. A loan the rules refuse is counted and left out; one the ledger refuses
 * (a limit) is taken out and its bank's part of the chunk written again without it, as the imports do.
 */
import { createHash } from 'node:crypto';
import { planFiling, type FilingDesk, type FilingInput, type FilingPlan } from '../filings/filing.plan';
import { writeFilings } from '../filings/filing.store';
import { createFilingsRepository, type AgreementRow } from '../filings/filings.repository';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { createRegistryRepository, type EnterpriseRow, type QualificationRow } from '../registry/registry.repository';
import { Problem } from '../shared/problem';
import { bankOfficer } from './demo.actors';
import { DEMO_BANKS } from './demo.data';
import { byFilingDay, PROGRAMME_B, type LoanPlan } from './demo.plan';

class RefusedInChunk extends Error {}

const GUARANTORS = ['guarantor-bjcg', 'guarantor-zgc'];
/** The guarantor of a risk-sharing loan, the same every time for the same plan. */
export const guarantorFor = (p: LoanPlan) => GUARANTORS[p.n % GUARANTORS.length]!;

export function filingInputOf(p: LoanPlan, guarantorId: string): FilingInput {
  const fundId = p.programme === PROGRAMME_B ? 'etown-sci-tech' : 'etown';
  return {
    bankRef: p.bankRef,
    fundId,
    programme: p.programme,
    enterpriseId: p.enterpriseId,
    loan: {
      kind: p.kind,
      principal: p.principal,
      disbursedOn: p.disbursedOn,
      maturesOn: p.maturesOn,
      ...(p.riskSharing
        ? // G7: the bank bears 20%; the guarantor 30%, the provincial re-guarantor 20%, the National Financing Guarantee Fund 30% (F14–F16).
          {
            mode: 'risk-sharing' as const,
            bankShare: 2000,
            parties: [
              { party: 'guarantor' as const, institutionId: guarantorId, share: 3000 },
              { party: 're-guarantor' as const, institutionId: 'reguarantor-bj', share: 2000 },
              { party: 'national-guarantee-fund' as const, institutionId: 'ngf', share: 3000 },
            ],
          }
        : { mode: 'direct' as const }),
    },
  } as FilingInput;
}

/** A filing id derived from the bank's reference, so the same demo has the same ids. */
const filingIdOf = (p: LoanPlan) => {
  const h = createHash('sha256').update(`demo-filing:${p.bankRef}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16]!, 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export interface FiledBook {
  /** The filing id of each planned loan that was filed, by the plan's number. */
  filingIds: Map<number, string>;
  /** Loans left out, by the field or rule that refused them. */
  refused: Record<string, number>;
}

const inForce = (a: AgreementRow, on: string) => a.signedOn <= on && (a.endsOn === null || a.endsOn >= on);

const NO_BAD_LOANS: ReadonlySet<string> = new Set();

export async function fileBook({
  db,
  catalog,
  plans,
  guarantorOf,
  chunk = 500,
  progress,
}: {
  db: Db;
  catalog: PolicyCatalog;
  plans: LoanPlan[];
  guarantorOf: (p: LoanPlan) => string;
  chunk?: number;
  progress: (message: string) => void;
}): Promise<FiledBook> {
  const ids = [...new Set(plans.map((p) => p.enterpriseId))];
  const enterprises = new Map<string, EnterpriseRow>();
  const quals = new Map<string, QualificationRow[]>();
  const registry = createRegistryRepository({ db });
  for (let i = 0; i < ids.length; i += 1000) {
    const some = ids.slice(i, i + 1000);
    for (const e of await registry.findEnterprises(some)) enterprises.set(e.id, e);
    for (const q of await registry.qualificationsOf(some))
      quals.set(q.enterpriseId, [...(quals.get(q.enterpriseId) ?? []), q]);
  }
  const guarantors = new Set<string>();
  for (const g of new Set(plans.map(guarantorOf)))
    if ((await registry.findInstitution(g))?.kind === 'guarantor') guarantors.add(g);
  // Every agreement of a bank, once; a filing sees the ones in force on its day (G1), as agreementsFor would answer.
  const agreements = new Map<string, AgreementRow[]>();
  const filings = createFilingsRepository({ db });
  for (const b of DEMO_BANKS) agreements.set(b.id, await filings.agreementsFor(b.id, '9999-12-31'));

  const refused: Record<string, number> = {};
  const refuse = (why: string) => {
    refused[why] = (refused[why] ?? 0) + 1;
  };
  const filingIds = new Map<number, string>();
  const ordered = [...plans].sort(byFilingDay);

  for (let from = 0; from < ordered.length; from += chunk) {
    const judged: { plan: LoanPlan; filing: FilingPlan }[] = [];
    for (const p of ordered.slice(from, from + chunk)) {
      const input = filingInputOf(p, guarantorOf(p));
      const desk: FilingDesk = {
        catalog,
        actor: bankOfficer(p.bankId),
        today: p.filedOn,
        bankId: p.bankId,
        agreements: agreements.get(p.bankId)!.filter((a) => inForce(a, p.filedOn)),
      };
      try {
        judged.push({
          plan: p,
          filing: planFiling({
            desk,
            input,
            enterprise: enterprises.get(p.enterpriseId)!,
            quals: quals.get(p.enterpriseId) ?? [],
            // R17: the book is filed before any of its loans goes bad, and the plan leaves out a loan
            // to an enterprise whose earlier loan had gone bad by then (withoutLoansToBadEnterprises).
            badLoanFunds: NO_BAD_LOANS,
            guarantors,
            id: filingIdOf(p),
          }),
        });
      } catch (e) {
        if (!(e instanceof Problem)) throw e;
        refuse(e.errors?.map((x) => x.field).join(',') ?? e.title);
      }
    }
    const byLedger = new Set<number>();
    await db.transaction(async (tx) => {
      for (const b of DEMO_BANKS) {
        // Each bank's part in a savepoint: a refusal rolls back that part only, which is written again without the refused loans.
        for (;;) {
          const mine = judged.filter((j) => j.plan.bankId === b.id && !byLedger.has(j.plan.n));
          try {
            await tx.transaction(async (part) => {
              const out = await writeFilings({ db: part, plans: mine.map((j) => j.filing), actor: bankOfficer(b.id) });
              if (out.written) return;
              out.refused.forEach((r, i) => {
                if (r) {
                  byLedger.add(mine[i]!.plan.n);
                  refuse(`rule:${r.rule}`);
                }
              });
              throw new RefusedInChunk();
            });
            break;
          } catch (e) {
            if (!(e instanceof RefusedInChunk)) throw e;
          }
        }
      }
    });
    for (const j of judged) if (!byLedger.has(j.plan.n)) filingIds.set(j.plan.n, j.filing.row.id);
    progress(
      `loans filed ${filingIds.size}/${plans.length} (to ${ordered[Math.min(from + chunk, ordered.length) - 1]!.filedOn})`,
    );
  }
  return { filingIds, refused };
}

/**
 * Online filing, step one: what concurrent requests' filings are judged on, read for all of them
 * together, then each one planned (filing.plan.ts). Requests that arrive while a group is being
 * read wait and go as the next group (shared/group-commit.ts), so a group's facts take a few
 * statements — one per kind: banks and guarantors, loan numbers filed already, enterprises, their
 * qualifications, agreements in force (G1), R17's bad loans, the G5 caps opened — instead of about
 * eight round trips per request. Each request still gets its own answer: its plan, or the Problem
 * its request deserves (400, 404, 409, 422).
 */
import type { Actor } from '../auth/access';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { createRegistryRepository, type EnterpriseRow, type QualificationRow } from '../registry/registry.repository';
import type { Db } from '../shared/db';
import { createGroupCommit } from '../shared/group-commit';
import { filingErrors } from './filings.errors';
import { createFilingsRepository, filedKey, type AgreementRow } from './filings.repository';
import { guarantorOf, planFiling, withOpenedCap, type FilingInput, type FilingPlan } from './filing.plan';
import { openedCaps } from './filing.store';

/** One request's filing: who files it, for which bank, on which day, under which policies. */
export interface FilingAsk {
  catalog: PolicyCatalog;
  actor: Actor;
  today: string;
  bankId: string;
  input: FilingInput;
}

type Planned = { plan: FilingPlan } | { error: unknown };

interface GroupFacts {
  institutions: Map<string, { kind: string; name: string; nameEn: string | null }>;
  filed: Set<string>;
  enterprises: EnterpriseRow[];
  quals: Map<string, QualificationRow[]>;
  agreements: Map<string, AgreementRow[]>;
  badLoanFunds: Map<string, Set<string>>;
}

/** The group's facts: two rounds of statements sent together (the second needs the enterprises' ids). */
async function readFacts(db: Db, asks: FilingAsk[]): Promise<GroupFacts> {
  const registry = createRegistryRepository({ db });
  const filings = createFilingsRepository({ db });
  const institutionIds = new Set(asks.flatMap((a) => [a.bankId, guarantorOf(a.input)].filter((id) => id !== null)));
  const [institutions, filed, enterprises, agreements] = await Promise.all([
    registry.findInstitutions([...institutionIds]),
    filings.filedLoanNumbers(asks.map((a) => ({ bankId: a.bankId, bankRef: a.input.bankRef }))),
    registry.findEnterprisesByIdOrCreditCode(
      asks.flatMap((a) => (a.input.enterpriseId ? [a.input.enterpriseId] : [])),
      asks.flatMap((a) => (a.input.enterpriseId ? [] : [a.input.creditCode!])),
    ),
    filings.agreementsOfBanks([...new Set(asks.map((a) => a.bankId))], asks[0]!.today),
  ]);
  const enterpriseIds = enterprises.map((e) => e.id);
  const [quals, badLoanFunds] = await Promise.all([
    registry.qualificationsOf(enterpriseIds),
    filings.fundsWithBadLoans(enterpriseIds),
  ]);
  const qualsOf = new Map<string, QualificationRow[]>();
  for (const q of quals) qualsOf.set(q.enterpriseId, [...(qualsOf.get(q.enterpriseId) ?? []), q]);
  return {
    institutions: new Map(institutions.map((i) => [i.id, i])),
    filed,
    enterprises,
    quals: qualsOf,
    agreements,
    badLoanFunds,
  };
}

/** One request's plan from the group's facts, or the Problem it deserves. */
function planOne(ask: FilingAsk, facts: GroupFacts): FilingPlan {
  const { input, bankId } = ask;
  const bank = facts.institutions.get(bankId);
  if (!bank || bank.kind !== 'bank') throw filingErrors.bankUnknown(bankId);
  if (facts.filed.has(filedKey(bankId, input.bankRef))) throw filingErrors.filedAlready(input.bankRef);
  const enterprise = facts.enterprises.find((e) =>
    input.enterpriseId ? e.id === input.enterpriseId : e.creditCode === input.creditCode,
  );
  if (!enterprise) throw filingErrors.enterpriseNotRegistered(input.enterpriseId ? 'enterpriseId' : 'creditCode');
  if (input.enterpriseId && input.creditCode && input.creditCode !== enterprise.creditCode)
    throw filingErrors.creditCodeMismatch();
  const guarantorId = guarantorOf(input);
  return planFiling({
    desk: {
      catalog: ask.catalog,
      actor: ask.actor,
      today: ask.today,
      bankId,
      bankName: { zh: bank.name, en: bank.nameEn ?? bank.name },
      agreements: facts.agreements.get(bankId) ?? [],
    },
    input,
    enterprise,
    quals: facts.quals.get(enterprise.id) ?? [],
    badLoanFunds: facts.badLoanFunds.get(enterprise.id) ?? new Set<string>(),
    guarantors: new Set(guarantorId && facts.institutions.get(guarantorId)?.kind === 'guarantor' ? [guarantorId] : []),
  });
}

async function planGroup(db: Db, asks: FilingAsk[]): Promise<Planned[]> {
  const facts = await readFacts(db, asks);
  const planned: Planned[] = asks.map((ask) => {
    try {
      return { plan: planOne(ask, facts) };
    } catch (error) {
      return { error };
    }
  });
  const opened = await openedCaps(
    db,
    planned.flatMap((p) => ('plan' in p ? [p.plan] : [])),
  );
  return planned.map((p) => ('plan' in p ? { plan: withOpenedCap(p.plan, opened) } : p));
}

/** The planner of one database (the process's pool): a filing's plan, or the Problem its request deserves, thrown. */
export function createFilingPlanner({ db }: { db: Db }): (ask: FilingAsk) => Promise<FilingPlan> {
  const submit = createGroupCommit<FilingAsk, Planned>({
    name: 'filing-plans',
    run: (asks) => planGroup(db, asks),
    maxSize: 256,
    // Agreements are read for one day; a group never straddles midnight.
    joins: (ask, group) => ask.today === group[0]!.today,
  });
  return async (ask) => {
    const planned = await submit(ask);
    if ('error' in planned) throw planned.error;
    return planned.plan;
  };
}

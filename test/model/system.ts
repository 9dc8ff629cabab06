/**
 * The system under test, driven through its use cases as the HTTP routes call them (the route's
 * permission check `can(actor, action)` first, then the use case; the top-up route pays the queue
 * next), and read back through its reports, its breaker figures and its tables and accounts.
 *
 * One database per test file; per sequence a fresh fund, two fresh banks with their agreements
 * (bank 1 with quotas when the sequence's world has them) and three fresh enterprises, so that
 * sequences never meet (G4's breaker is per bank across funds; G5 and R17 are per fund).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openTestDatabase } from '../../src/adapters/db/testing';
import { compilePolicy, type CompiledPolicy } from '../../src/core/policy';
import { parseYuan } from '../../src/core/money/money';
import { can, type Action, type Actor } from '../../src/modules/auth/access';
import { bankFigures } from '../../src/modules/claims/breaker.usecases';
import {
  approveClaim,
  payApprovedClaim,
  payQueue,
  prepareClaim,
  rejectClaim,
  submitClaim,
  withdrawClaim,
  returnClaim,
  resubmitClaim,
} from '../../src/modules/claims/claims.usecases';
import { recordFinding, withdrawFinding } from '../../src/modules/claims/findings.usecases';
import { loadWorkingCalendar } from '../../src/modules/calendar/calendar.usecases';
import { amendFiling, confirmGuarantee, fileLoan, withdrawFiling } from '../../src/modules/filings/filings.usecases';
import { createFund, signAgreement, topUpFund } from '../../src/modules/funds/funds.usecases';
import { loadPolicyFiles, POLICIES_DIR, type PolicyVersionFile } from '../../src/modules/programmes/policy-files';
import { createProgrammesRepository } from '../../src/modules/programmes/programmes.repository';
import type { Db } from '../../src/modules/shared/db';
import { syncPolicyFiles, type PolicyCatalog } from '../../src/modules/programmes/programmes.usecases';
import { reportRecovery } from '../../src/modules/recoveries/recoveries.usecases';
import { createRegistryRepository } from '../../src/modules/registry/registry.repository';
import { registerEnterprise, registerInstitution } from '../../src/modules/registry/registry.usecases';
import { fundPosition } from '../../src/modules/reports/reports.usecases';
import {
  reportBalance,
  reportClassification,
  reportRepayment,
  decideWriteOffRequest,
  requestWriteOff,
  reportRepayments,
  sweepNonPerforming,
} from '../../src/modules/servicing/servicing.usecases';
import { Problem } from '../../src/modules/shared/problem';
import { authErrors } from '../../src/modules/auth/auth.errors';
import { rowsOf } from '../../src/modules/shared/rows';
import { creditCode } from '../operations/fixture';
import {
  MULTIPLE_BP,
  NOBODY,
  username,
  type ActorId,
  type BankNo,
  type Cmd,
  type Figures,
  type Programme,
  type Variant,
  type WorldConfig,
} from './business-model';

export const PROGRAMME_ID: Record<Programme, string> = { A: 'etown-2023-small-micro', B: 'etown-2025-sci-tech' };
const VARIANTS: Variant[] = ['g5-20m', 'g5-40m', 'ratio-40', 'stages'];
/** The days a new version of programme B may take effect: the first of each month the sequences live in. */
export const VERSION_DAYS = Array.from({ length: 16 }, (_, i) => {
  const m = 8 + i; // 2025-09 … 2026-12
  return `${2025 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`;
});

/** What the system answered: 200 with what the model also says, or a refusal with its text (rules are matched in it). */
export type Observed =
  | { status: 200; count?: number; lines?: number[]; state?: string; loanId?: string; claimId?: string }
  | { status: number; text: string };

export interface SequenceWorld {
  n: number;
  config: WorldConfig;
  fundId: string;
  banks: [string, string];
  enterprises: string[];
  agreements: Record<string, string>;
  actors: Record<ActorId, Actor>;
  loanIds: string[];
  claimIds: string[];
  next: { variant: Variant; from: string } | null;
}

export interface System {
  db: Db;
  setup(config: WorldConfig): Promise<SequenceWorld>;
  run(w: SequenceWorld, cmd: Cmd, today: string): Promise<Observed>;
  observe(w: SequenceWorld): Promise<Figures>;
  close(): Promise<void>;
}

const mkActor = (
  id: ActorId,
  role: Actor['role'],
  bankId: string | null,
  guarantorId: string | null = null,
): Actor => ({
  userId: username[id],
  username: username[id],
  displayName: username[id],
  role,
  bankId,
  guarantorId,
  via: 'session',
});

/** A policy version file made in memory (a new version of programme B, or a revision of 2025-07 that ends). */
function versionFile(doc: Record<string, unknown>, calendar: Parameters<typeof compilePolicy>[1]['calendar']) {
  const text = JSON.stringify(doc, null, 2);
  return {
    path: join(POLICIES_DIR, 'etown-2025-sci-tech', `${String(doc.version)}.json`),
    text,
    contentHash: createHash('sha256').update(text).digest('hex'),
    policy: compilePolicy(doc, { calendar }),
  } satisfies PolicyVersionFile;
}

export async function openSystem(): Promise<System> {
  const database = await openTestDatabase();
  const db = database.db;
  const repo = createProgrammesRepository({ db });
  const calendar = await loadWorkingCalendar({ db });
  // The shipped versions, then programme B's 2025-07 ending on each day a change may take effect
  // (a new revision of it) and the three variants taking effect on that day.
  const shipped = loadPolicyFiles();
  const bText = readFileSync(join(POLICIES_DIR, 'etown-2025-sci-tech', '2025-07.json'), 'utf8');
  const extra: PolicyVersionFile[] = [];
  for (const day of VERSION_DAYS) {
    const ending = JSON.parse(bText) as Record<string, unknown>;
    ending.effectiveTo = day; // exclusive: the new version is in force from `day`
    extra.push(versionFile(ending, calendar));
    for (const v of VARIANTS) {
      const doc = JSON.parse(bText) as Record<string, unknown> & {
        limits: { perEnterprisePerBank: { value: string } };
        compensation: { base: { ratio: string } };
      };
      doc.version = `${day.slice(0, 7)}-${v}`;
      doc.effectiveFrom = day;
      doc.effectiveTo = null;
      if (v === 'g5-20m') doc.limits.perEnterprisePerBank.value = '20000000.00';
      if (v === 'g5-40m') doc.limits.perEnterprisePerBank.value = '40000000.00';
      if (v === 'ratio-40') doc.compensation.base.ratio = '0.4';
      // R23: the model's TERMS.stages — a review by a manager or the reviewer, then the bureau approves.
      if (v === 'stages')
        doc.claimWorkflow = {
          cites: ['R23'],
          stages: [
            { id: 'review', title: { zh: '复核', en: 'Review' }, by: ['manager', 'reviewer'], workingDays: 5 },
            {
              id: 'bureau-approval',
              title: { zh: '财政审计局审批', en: 'Bureau approval' },
              by: ['bureau'],
              workingDays: 5,
            },
          ],
        };
      extra.push(versionFile(doc, calendar));
    }
  }
  await syncPolicyFiles({ repo, files: [...shipped, ...extra] });
  const rows = await repo.listVersions();
  const compiled = new Map(rows.map((r) => [r.id, compilePolicy(r.document, { calendar, stored: true })] as const));
  const idOf = new Map<CompiledPolicy, number>([...compiled].map(([id, p]) => [p, id]));
  const find = (programme: string, version: string, effectiveTo: string | null) => {
    const r = rows.find((x) => x.programmeId === programme && x.version === version && x.effectiveTo === effectiveTo);
    if (!r) throw new Error(`no stored version ${programme} ${version} ending ${effectiveTo}`);
    return compiled.get(r.id)!;
  };
  const a = find(PROGRAMME_ID.A, '2023-12', null);
  const b = find(PROGRAMME_ID.B, '2025-07', null);
  const catalogs = new Map<string, PolicyCatalog>();
  /** The catalog a sequence's filings are judged by: A and B, or A, B ending and the new version of B. */
  const catalogFor = (next: SequenceWorld['next']): PolicyCatalog => {
    const key = next ? `${next.variant}@${next.from}` : '-';
    let c = catalogs.get(key);
    if (!c) {
      const current = next
        ? [
            a,
            find(PROGRAMME_ID.B, '2025-07', next.from),
            find(PROGRAMME_ID.B, `${next.from.slice(0, 7)}-${next.variant}`, null),
          ]
        : [a, b];
      c = {
        current,
        versionIdOf: (p) => idOf.get(p)!,
        byVersionId: (id) => compiled.get(id),
        calendar,
      };
      catalogs.set(key, c);
    }
    return c;
  };

  const registry = createRegistryRepository({ db });
  const system = mkActor('manager', 'manager', null);
  for (const g of ['model-guarantor-0', 'model-guarantor-1'])
    await registerInstitution({
      repo: registry,
      input: { id: g, kind: 'guarantor', name: g, registeredInZone: true } as never,
    });
  let sequences = 0;

  async function setup(config: WorldConfig): Promise<SequenceWorld> {
    const n = ++sequences;
    const tag = `m${n}`;
    const banks: [string, string] = [`${tag}-bank0`, `${tag}-bank1`];
    for (const id of banks)
      await registerInstitution({
        repo: registry,
        input: { id, kind: 'bank', name: id, registeredInZone: true } as never,
      });
    const fundId = `${tag}-fund`;
    await createFund({
      db,
      actor: system,
      input: {
        id: fundId,
        name: fundId,
        programmes: [PROGRAMME_ID.A, PROGRAMME_ID.B],
        liabilityMultipleBp: Number(MULTIPLE_BP),
        capital: config.capital,
        on: '2025-01-02',
      },
    });
    const agreements: Record<string, string> = {};
    for (const [bank, bankId] of banks.entries())
      for (const p of ['A', 'B'] as const) {
        const quota = bank === 1 ? config.quota[p] : null;
        const ag = await signAgreement({
          db,
          actor: system,
          input: {
            fundId,
            programmeId: PROGRAMME_ID[p],
            institutionId: bankId,
            signedOn: '2025-01-01',
            ...(quota !== null ? { quota } : {}),
          },
        });
        agreements[`${bank}:${p}`] = ag.id;
      }
    const enterprises: string[] = [];
    for (const e of config.enterprises) {
      const code = creditCode(100_000 + n * 10 + enterprises.length);
      const view = await registerEnterprise({
        repo: registry,
        actor: system,
        input: {
          creditCode: code,
          name: `模型企业${tag}${enterprises.length}`,
          size: e.size,
          industry: 'software',
          sciTech: e.sciTech,
          registeredInZone: true,
          restrictedProcesses: false,
          qualifications: e.qualification
            ? [{ kind: 'national-high-tech', validFrom: e.qualification.from, validTo: e.qualification.to }]
            : [],
        } as never,
      });
      enterprises.push(view.id);
    }
    return {
      n,
      config,
      fundId,
      banks,
      enterprises,
      agreements,
      actors: {
        bank0: mkActor('bank0', 'bank', banks[0]),
        bank1: mkActor('bank1', 'bank', banks[1]),
        manager: mkActor('manager', 'manager', null),
        manager2: mkActor('manager2', 'manager', null),
        reviewer: mkActor('reviewer', 'reviewer', null),
        bureau: mkActor('bureau', 'bureau', null),
        guarantor0: mkActor('guarantor0', 'guarantor', null, 'model-guarantor-0'),
        guarantor1: mkActor('guarantor1', 'guarantor', null, 'model-guarantor-1'),
      },
      loanIds: [],
      claimIds: [],
      next: null,
    };
  }

  const ACTION: Record<Exclude<Cmd['t'], 'sweep' | 'policy'>, Action> = {
    file: 'filing:write',
    amend: 'filing:write',
    withdraw: 'filing:write',
    repay: 'servicing:write',
    'repay-bulk': 'servicing:write',
    balance: 'servicing:write',
    classify: 'servicing:write',
    submit: 'claim:submit',
    prepare: 'claim:prepare',
    approve: 'claim:approve',
    reject: 'claim:approve',
    'withdraw-claim': 'claim:submit',
    'return-claim': 'claim:return',
    finding: 'claim:prepare',
    resubmit: 'claim:submit',
    pay: 'claim:pay',
    'pay-queue': 'claim:pay',
    'top-up': 'fund:write',
    recover: 'recovery:write',
    'write-off': 'servicing:write',
    'decide-write-off': 'writeoff:decide',
    confirm: 'filing:confirm',
  };
  const missing = randomUUID();
  const loanId = (w: SequenceWorld, i: number) => (i === NOBODY ? missing : w.loanIds[i]!);
  const claimId = (w: SequenceWorld, i: number) => (i === NOBODY ? missing : w.claimIds[i]!);

  async function call(w: SequenceWorld, cmd: Cmd, today: string): Promise<Observed> {
    const catalog = catalogFor(w.next);
    if (cmd.t === 'sweep') return { status: 200, count: await sweepNonPerforming({ db, catalog, today }) };
    if (cmd.t === 'policy') {
      if (!w.next && cmd.from > today) w.next = { variant: cmd.variant, from: cmd.from };
      return { status: 200 };
    }
    const actor = w.actors[cmd.actor];
    const action = ACTION[cmd.t];
    // The route's check (requireActor): a role that may not do this is answered 403 before the use case runs.
    if (!can(actor, action)) throw authErrors.forbidden(actor.role, action);
    switch (cmd.t) {
      case 'file': {
        const { filing } = await fileLoan({
          db,
          catalog,
          actor,
          today,
          input: {
            bankRef: cmd.bankRef,
            bankId: w.banks[cmd.bank],
            programme: PROGRAMME_ID[cmd.programme],
            enterpriseId: w.enterprises[cmd.enterprise]!,
            loan: {
              kind: cmd.kind,
              principal: cmd.principal,
              disbursedOn: cmd.disbursedOn,
              mode: cmd.mode,
              ...(cmd.mode === 'risk-sharing'
                ? {
                    bankShare: cmd.bankShareBp!,
                    ...(cmd.guarantor !== undefined
                      ? {
                          parties: [
                            {
                              party: 'guarantor' as const,
                              institutionId: `model-guarantor-${cmd.guarantor}`,
                              share: 10_000 - cmd.bankShareBp!,
                            },
                          ],
                        }
                      : {}),
                  }
                : {}),
            },
          },
        });
        return { status: 200, loanId: filing.id };
      }
      case 'amend':
        await amendFiling({
          db,
          catalog,
          actor,
          id: loanId(w, cmd.loan),
          patch: {
            ...(cmd.principal !== undefined ? { principal: cmd.principal } : {}),
            ...(cmd.kind !== undefined ? { kind: cmd.kind } : {}),
            reason: '合同更正 model test',
          },
        });
        return { status: 200 };
      case 'withdraw':
        await withdrawFiling({ db, actor, id: loanId(w, cmd.loan), reason: 'model test', today });
        return { status: 200 };
      case 'repay':
        await reportRepayment({ db, actor, id: loanId(w, cmd.loan), amount: cmd.amount, on: cmd.on, today });
        return { status: 200 };
      case 'repay-bulk': {
        const out = await reportRepayments({
          db,
          actor,
          today,
          lines: cmd.lines.map((l) => ({ filingId: loanId(w, l.loan), amount: l.amount, on: l.on })),
        });
        return { status: 200, lines: out.items.map((i) => (i.ok ? 200 : i.status)) };
      }
      case 'balance':
        await reportBalance({ db, actor, id: loanId(w, cmd.loan), outstanding: cmd.outstanding, on: cmd.on, today });
        return { status: 200 };
      case 'classify':
        await reportClassification({
          db,
          catalog,
          actor,
          id: loanId(w, cmd.loan),
          classification: cmd.classification,
          overdueSince: cmd.overdueSince,
          on: cmd.on,
          today,
        });
        return { status: 200 };
      case 'submit': {
        const { claim } = await submitClaim({ db, catalog, actor, input: { filingId: loanId(w, cmd.loan) }, today });
        return { status: 200, state: claim.state, claimId: claim.id };
      }
      case 'prepare':
        return {
          status: 200,
          state: (await prepareClaim({ db, catalog, actor, id: claimId(w, cmd.claim), today })).state,
        };
      case 'approve':
        return {
          status: 200,
          state: (await approveClaim({ dossier: 'waived', db, catalog, actor, id: claimId(w, cmd.claim), today }))
            .state,
        };
      case 'reject':
        return {
          status: 200,
          state: (await rejectClaim({ db, catalog, actor, id: claimId(w, cmd.claim), reason: 'model test' })).state,
        };
      case 'withdraw-claim':
        return { status: 200, state: (await withdrawClaim({ db, catalog, actor, id: claimId(w, cmd.claim) })).state };
      case 'return-claim': {
        const input = { items: [], note: 'model test' };
        const id = claimId(w, cmd.claim);
        return { status: 200, state: (await returnClaim({ db, catalog, actor, id, input, today })).state };
      }
      case 'finding': {
        const id = claimId(w, cmd.claim);
        const claim = cmd.withdraw
          ? await withdrawFinding({ db, catalog, actor, id, findingId: cmd.finding })
          : await recordFinding({ db, catalog, actor, id, input: { findingId: cmd.finding, note: 'model test' } });
        return { status: 200, state: claim.state };
      }
      case 'resubmit':
        return {
          status: 200,
          state: (await resubmitClaim({ db, catalog, actor, id: claimId(w, cmd.claim), today })).state,
        };
      case 'pay':
        return { status: 200, state: (await payApprovedClaim({ db, actor, id: claimId(w, cmd.claim), today })).state };
      case 'pay-queue':
        return { status: 200, count: await payQueue({ db, actor, fundId: w.fundId, today }) };
      case 'top-up':
        await topUpFund({ db, actor, fundId: w.fundId, amount: cmd.amount, on: today });
        return { status: 200, count: await payQueue({ db, actor, fundId: w.fundId, today }) };
      case 'recover':
        await reportRecovery({
          db,
          catalog,
          actor,
          claimId: claimId(w, cmd.claim),
          amount: cmd.amount,
          ...(cmd.costs !== undefined ? { costs: cmd.costs } : {}),
          on: cmd.on,
          today,
        });
        return { status: 200 };
      case 'write-off':
        await requestWriteOff({ db, actor, id: loanId(w, cmd.loan), on: cmd.on, reason: 'model test', today });
        return { status: 200 };
      case 'decide-write-off':
        await decideWriteOffRequest({
          db,
          actor,
          id: loanId(w, cmd.loan),
          decision: cmd.approve ? 'approve' : 'reject',
          today,
        });
        return { status: 200 };
      case 'confirm':
        await confirmGuarantee({ db, actor, id: loanId(w, cmd.loan), today });
        return { status: 200 };
    }
  }

  async function run(w: SequenceWorld, cmd: Cmd, today: string): Promise<Observed> {
    try {
      return await call(w, cmd, today);
    } catch (e) {
      if (e instanceof Problem)
        return { status: e.status, text: `${e.title}: ${e.detail.en} ${JSON.stringify(e.errors)}` };
      return { status: 500, text: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
  }

  async function observe(w: SequenceWorld): Promise<Figures> {
    const [p] = await fundPosition({ db, fundId: w.fundId });
    const fen = (yuan: string) => parseYuan(yuan, { allowNegative: true }).toString();
    const [r] = rowsOf(
      await db.execute(sql`select
        (select coalesce(json_agg(json_build_object('id', id, 'status', status, 'principal', principal::text,
           'outstanding', outstanding::text, 'reserved', reserved::text, 'npOn', non_performing_on::text,
           'class', classification, 'overdueSince', overdue_since::text, 'confirmedOn', guarantor_confirmed_on::text)), '[]')
           from filings where fund_id = ${w.fundId}) as loans,
        (select coalesce(json_agg(json_build_object('id', c.id, 'filing', c.filing_id, 'state', c.state,
           'outstanding', c.outstanding::text, 'compensation', c.compensation::text, 'preparedBy', c.prepared_by,
           'signOffs', jsonb_array_length(c.sign_offs),
           'recovered', (select coalesce(sum(recovered - costs), 0)::text from recoveries r where r.claim_id = c.id),
           'refunded', (select coalesce(sum(refund), 0)::text from recoveries r where r.claim_id = c.id))), '[]')
           from claims c where c.fund_id = ${w.fundId}) as claims,
        (select coalesce(json_agg(json_build_object('id', id, 'code', code,
           'net', (credits_posted - debits_posted)::text)), '[]')
           from ledger_accounts where fund_id = ${w.fundId} and code in ('payable', 'quota', 'enterprise-used')) as accounts`),
    );
    const loans = (typeof r!.loans === 'string' ? JSON.parse(r!.loans) : r!.loans) as Record<string, string | null>[];
    const claims = (typeof r!.claims === 'string' ? JSON.parse(r!.claims) : r!.claims) as Record<
      string,
      string | null
    >[];
    const accounts = (typeof r!.accounts === 'string' ? JSON.parse(r!.accounts) : r!.accounts) as Record<
      string,
      string
    >[];
    const loanById = new Map(loans.map((l) => [l.id!, l]));
    const claimById = new Map(claims.map((c) => [c.id!, c]));
    const net = (id: string) => accounts.find((a) => a.id === id)?.net ?? '0';
    const quotas: Record<string, string> = {};
    for (const prog of ['A', 'B'] as const)
      if (w.config.quota[prog] !== null) quotas[prog] = net(`${w.fundId}:quota:${w.agreements[`1:${prog}`]}`);
    const g5: Record<string, string> = {};
    for (const a of accounts) {
      if (a.code !== 'enterprise-used' || a.net === '0') continue;
      const [programme, bankId, enterpriseId] = a.id!.slice(`${w.fundId}:enterprise-used:`.length).split(':');
      const prog = programme === PROGRAMME_ID.A ? 'A' : 'B';
      g5[`${prog}:${w.banks.indexOf(bankId!)}:${w.enterprises.indexOf(enterpriseId!)}`] = a.net!;
    }
    // Rows the model does not know of (a filing or claim it refused) show up as extra entries.
    const extraLoans = loans.filter((l) => !w.loanIds.includes(l.id!));
    const extraClaims = claims.filter((c) => !w.claimIds.includes(c.id!));
    const banks = await Promise.all(
      ([0, 1] as BankNo[]).map(async (b) => {
        const f = await bankFigures(db, w.banks[b]);
        return {
          payable: net(`${w.fundId}:payable:${w.banks[b]}`),
          filedPrincipal: f.filedPrincipal.toString(),
          claimedNplPrincipal: f.claimedNplPrincipal.toString(),
          paid: f.compensationPaid.toString(),
          refunded: f.refunded.toString(),
        };
      }),
    );
    const loanFigures = (l: Record<string, string | null> | undefined) => ({
      status: (l?.status ?? 'missing') as never,
      principal: l?.principal ?? '',
      outstanding: l?.outstanding ?? '',
      reserved: l?.reserved ?? '',
      nonPerformingOn: l?.npOn ?? null,
      classification: (l?.class ?? 'normal') as never,
      overdueSince: l?.overdueSince ?? null,
      confirmedOn: l?.confirmedOn ?? null,
    });
    const claimFigures = (c: Record<string, string | null> | undefined) => ({
      loan: c ? w.loanIds.indexOf(c.filing!) : -1,
      state: (c?.state ?? 'missing') as never,
      outstanding: c?.outstanding ?? '',
      compensation: c?.compensation ?? '',
      preparedBy: c?.preparedBy ?? null,
      signOffs: Number(c?.signOffs ?? -1),
      recovered: c?.recovered ?? '',
      refunded: c?.refunded ?? '',
    });
    return {
      fund: {
        capital: fen(p!.capital),
        cash: fen(p!.cash),
        limit: fen(p!.limit),
        committed: fen(p!.committedLiability),
        capacityLeft: fen(p!.capacityLeft),
        quotaUnused: fen(p!.quotaUnused),
        payouts: fen(p!.payouts),
        refunds: fen(p!.refunds),
        payableToBanks: fen(p!.payableToBanks),
      },
      banks,
      quotas,
      g5,
      loans: [...w.loanIds.map((id) => loanFigures(loanById.get(id))), ...extraLoans.map(loanFigures)],
      claims: [...w.claimIds.map((id) => claimFigures(claimById.get(id))), ...extraClaims.map(claimFigures)],
    };
  }

  return { db, setup, run, observe, close: () => database.close() };
}

export { rowsOf };

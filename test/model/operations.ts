/**
 * Random operations for the model-based test: what fast-check generates (abstract: "the k-th loan
 * that can take this", "the right actor" or "a wrong one") and how it becomes a concrete command
 * against the model's state when it is run — so that a sequence reaches deep states (paid claims,
 * recoveries, the breaker, a falling limit) in 5–25 steps, and a replayed sequence does the same.
 */
import fc from 'fast-check';
import {
  addDays,
  MILLION,
  NOBODY,
  OPEN_CLAIM_STATES,
  FINDINGS,
  staffRole,
  TERMS,
  YUAN,
  type ActorId,
  type BankNo,
  type BusinessModel,
  type Claim,
  type Cmd,
  type Day,
  type Fen,
  type LoanClass,
  type Mode,
  type Programme,
  type Variant,
  type WorldConfig,
} from './business-model';

/** The last day a sequence may reach: filing deadlines are counted on the holiday calendar, which ends with 2026. */
export const LAST_DAY = '2026-11-30';

type Which = number | 'last';
type Part = number | 'all' | 'all-but-1' | 'one-fen' | 'too-much';
/** A recovery's costs (R19): none, a percentage of the amount, all of it, or one fen more (refused). */
type Costs = 'none' | number | 'all' | 'too-much';

export type Op =
  | {
      t: 'file';
      bank: BankNo;
      enterprise: number;
      programme: Programme;
      mode: Mode;
      bankShareBp: number;
      guarantor: 0 | 1 | null;
      principal: Fen;
      disburse: number;
      kind: string;
      dup: boolean;
      who: number;
    }
  | { t: 'amend'; which: Which; who: number; principal: Fen | null; kind: string | null }
  | { t: 'withdraw'; which: Which; who: number }
  | { t: 'repay'; which: Which; who: number; part: Part; back: number }
  | { t: 'repay-bulk'; who: number; lines: { which: Which; part: Part; back: number }[] }
  | { t: 'balance'; which: Which; who: number; part: Part; back: number }
  | { t: 'classify'; which: Which; who: number; classification: LoanClass; overdue: number | null; back: number }
  | { t: 'sweep' }
  | { t: 'submit'; which: Which; who: number }
  | {
      t: 'prepare' | 'approve' | 'reject' | 'withdraw-claim' | 'pay' | 'return-claim' | 'resubmit';
      which: Which;
      who: number;
    }
  | { t: 'finding'; which: Which; who: number; finding: number; withdraw: boolean }
  | { t: 'pay-queue'; who: number }
  | { t: 'top-up'; who: number; amount: Fen }
  | { t: 'recover'; which: Which; who: number; part: Part; costs?: Costs; back: number }
  | { t: 'write-off'; which: Which; who: number; back: number }
  | { t: 'decide-write-off'; which: Which; who: number; approve: boolean }
  | { t: 'confirm'; which: Which; who: number }
  | { t: 'policy'; variant: Variant; months: number }
  | {
      t: 'life';
      bank: BankNo;
      enterprise: number;
      programme: Programme;
      mode: Mode;
      principal: Fen;
      steps: number;
      repayWhileClaimed: Part | null;
      /** How the claim is decided: approved (by a second person) or rejected, or by the one who prepared it (R18). */
      decision: 'approve' | 'reject' | 'approve-by-preparer' | 'reject-by-preparer';
      recover: Part;
      /** The bank writes the loan off after payment, before the recovery (核销 then 核销后收回). */
      writeOff: boolean;
      /** The claim goes back to the bank once after its first review (退回补正, R21), the repayment (if any) while it is back. */
      returnOnce: boolean;
      /** A due-diligence finding the preparer records before the decision (R22), by its index in FINDINGS. */
      finding: number | null;
    }
  | { t: 'pair'; a: Op; b: Op };

export interface Step {
  /** Days today moves forward before the operation. */
  days: number;
  op: Op;
}

// ---------------------------------------------------------------- generators

const who = fc.nat(99);
const which = fc.nat(1_000);
const days = fc.oneof(
  { weight: 12, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 10 }) },
  { weight: 2, arbitrary: fc.integer({ min: 11, max: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 91, max: 100 }) },
);
/** How many days before today a report is dated; -1: tomorrow (refused). */
const back = fc.oneof(
  { weight: 10, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constantFrom(1, 5, 30) },
  { weight: 1, arbitrary: fc.constant(-1) },
);
const part: fc.Arbitrary<Part> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 99 }) },
  { weight: 2, arbitrary: fc.constant('all' as const) },
  { weight: 1, arbitrary: fc.constantFrom('all-but-1' as const, 'one-fen' as const, 'too-much' as const) },
);
const costs: fc.Arbitrary<Costs> = fc.oneof(
  { weight: 5, arbitrary: fc.constant('none' as const) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 60 }) },
  { weight: 1, arbitrary: fc.constantFrom('all' as const, 'too-much' as const) },
);
/** Sizes around the limits: A's 10M, B's 30M, G5's 30M per bank and enterprise (and a variant's 20M / 40M). */
const principal = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(10n * MILLION, 10n * MILLION + 1n, 30n * MILLION, 30n * MILLION + 1n) },
  { weight: 3, arbitrary: fc.constantFrom(29n * MILLION, 20n * MILLION, 15n * MILLION, 2n * MILLION) },
  { weight: 4, arbitrary: fc.bigInt({ min: 100n * YUAN, max: 30n * MILLION }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 100n * YUAN, max: 1n * MILLION }) },
);
const programme = fc.constantFrom<Programme>('A', 'B', 'B');
const mode = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Mode>('direct') },
  { weight: 1, arbitrary: fc.constant<Mode>('risk-sharing') },
);
const bank = fc.constantFrom<BankNo>(0, 1);

const fileOp = fc.record({
  t: fc.constant('file' as const),
  bank,
  enterprise: fc.constantFrom(0, 0, 0, 1, 2),
  programme,
  mode,
  bankShareBp: fc.constantFrom(2000, 2000, 3000, 1000),
  guarantor: fc.constantFrom<0 | 1 | null>(0, 1, null),
  principal,
  disburse: fc.constantFrom(-10, 0, 0, 3, 7, 45),
  kind: fc.oneof({ weight: 19, arbitrary: fc.constant('credit') }, { weight: 1, arbitrary: fc.constant('mortgage') }),
  dup: fc.nat(19).map((x) => x === 0),
  who,
});
const repayOp = fc.record({ t: fc.constant('repay' as const), which, who, part, back });
const classifyOp = fc.record({
  t: fc.constant('classify' as const),
  which,
  who,
  classification: fc.constantFrom<LoanClass>('normal', 'special-mention', 'substandard', 'doubtful', 'loss'),
  overdue: fc.oneof(fc.constant(null), fc.constantFrom(30, 85, 91, 92, 120, 200)),
  back,
});

/** A loan's whole life (lifeOps): filed, claimed, decided, paid, written off, recovered. */
const lifeOp = fc.record({
  t: fc.constant('life' as const),
  bank: fc.constantFrom<BankNo>(0, 0, 1),
  enterprise: fc.nat(2),
  programme: fc.constantFrom<Programme>('A', 'B', 'B', 'B'),
  mode,
  principal,
  steps: fc.integer({ min: 1, max: 9 }),
  repayWhileClaimed: fc.oneof(fc.constant(null), part),
  decision: fc.constantFrom(
    'approve',
    'approve',
    'approve',
    'approve',
    'reject',
    'approve-by-preparer',
    'reject-by-preparer',
  ),
  recover: part,
  writeOff: fc.boolean(),
  returnOnce: fc.boolean(),
  finding: fc.oneof(fc.constant(null), fc.nat(4)),
});

export function opArbitrary({ sweep = true }: { sweep?: boolean } = {}): fc.Arbitrary<Op> {
  const claimOp = (t: 'prepare' | 'approve' | 'reject' | 'withdraw-claim' | 'pay' | 'return-claim' | 'resubmit') =>
    fc.record({ t: fc.constant(t), which, who });
  return fc.oneof(
    { weight: 8, arbitrary: fileOp },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('amend' as const),
        which,
        who,
        principal: fc.oneof(principal, fc.constant(null)),
        kind: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant('mortgage') }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('withdraw' as const), which, who }) },
    { weight: 4, arbitrary: repayOp },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('repay-bulk' as const),
        who,
        lines: fc.array(fc.record({ which, part, back }), { minLength: 1, maxLength: 3 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('balance' as const), which, who, part, back }) },
    { weight: 4, arbitrary: classifyOp },
    ...(sweep ? [{ weight: 1, arbitrary: fc.constant({ t: 'sweep' as const }) }] : []),
    { weight: 4, arbitrary: fc.record({ t: fc.constant('submit' as const), which, who }) },
    { weight: 3, arbitrary: claimOp('prepare') },
    { weight: 3, arbitrary: claimOp('approve') },
    { weight: 1, arbitrary: claimOp('reject') },
    { weight: 1, arbitrary: claimOp('withdraw-claim') },
    { weight: 3, arbitrary: claimOp('return-claim') },
    { weight: 3, arbitrary: claimOp('resubmit') },
    { weight: 3, arbitrary: claimOp('pay') },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('pay-queue' as const), who }) },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('finding' as const),
        which,
        who,
        finding: fc.nat(4),
        withdraw: fc.nat(3).map((x) => x === 0),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('top-up' as const),
        who,
        amount: fc.oneof(
          fc.constantFrom(1n * MILLION, 5n * MILLION, 20n * MILLION),
          fc.bigInt({ min: 1n, max: 10n * MILLION }),
        ),
      }),
    },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('recover' as const), which, who, part, costs, back }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('write-off' as const), which, who, back }) },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('decide-write-off' as const),
        which,
        who,
        approve: fc.constantFrom(true, true, true, false),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('confirm' as const), which, who }) },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('policy' as const),
        variant: fc.constantFrom<Variant>('g5-20m', 'g5-40m', 'ratio-40', 'stages'),
        months: fc.integer({ min: 1, max: 3 }),
      }),
    },
    {
      weight: 5,
      arbitrary: lifeOp,
    },
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant('pair' as const),
        a: fc.oneof(fileOp, repayOp, classifyOp),
        b: fc.oneof(fileOp, repayOp, classifyOp),
      }),
    },
  );
}

export const stepArbitrary = (o: { sweep?: boolean } = {}): fc.Arbitrary<Step> =>
  fc.record({ days, op: opArbitrary(o) });

/** A sequence's world: the fund's capital, bank 1's quotas, three enterprises, the first day. */
export const worldArbitrary: fc.Arbitrary<WorldConfig> = fc
  .record({
    capital: fc.constantFrom(1n * MILLION, 5n * MILLION, 20n * MILLION, 100n * MILLION),
    /** Tenths of the fund's first limit (10 × capital) carved for bank 1: A 0 or 1, B 0, 2 or 8. */
    quota: fc.record({ A: fc.constantFrom(0n, 0n, 1n), B: fc.constantFrom(0n, 2n, 8n) }),
    enterprises: fc.integer({ min: 0, max: 300 }).map(
      (d) =>
        [
          { size: 'small', sciTech: true, qualification: null },
          { size: 'medium', sciTech: true, qualification: null },
          { size: 'small', sciTech: false, qualification: { from: '2025-01-01', to: addDays('2025-09-01', d) } },
        ] as WorldConfig['enterprises'],
    ),
    start: fc.integer({ min: 0, max: 120 }).map((d) => addDays('2025-08-01', d)),
  })
  .map(({ quota, ...w }) => ({
    ...w,
    quota: {
      A: quota.A ? w.capital * quota.A : null,
      B: quota.B ? w.capital * quota.B : null,
    },
  }));

export const sequenceArbitrary = (o: { sweep?: boolean; minLength?: number; maxLength?: number } = {}) =>
  fc.record({
    world: worldArbitrary,
    steps: fc.array(stepArbitrary(o), { minLength: o.minLength ?? 5, maxLength: o.maxLength ?? 25 }),
  });

/**
 * Sequences that first put programme B's version with two claim stages in force (R23: a review, then
 * the bureau's approval) and, 35 days on, go on at random: loans of B filed from then on are claimed
 * under it. The random sequences reach it too, but rarely (a policy step, then a whole claim after it).
 */
export const stagedSequenceArbitrary = () =>
  fc
    .record({
      seq: sequenceArbitrary({ minLength: 3, maxLength: 20 }),
      // First a loan of B taken to approval, so that each sequence tries both stages.
      first: lifeOp.map((l) => ({ ...l, programme: 'B' as const, decision: 'approve' as const, steps: 9 })),
    })
    .map(({ seq: { world, steps }, first }) => ({
      world,
      steps: [
        { days: 0, op: { t: 'policy' as const, variant: 'stages' as const, months: 1 } },
        { days: 35, op: first },
        ...steps,
      ],
    }));

// ---------------------------------------------------------------- resolution against the model

const bankOfficer = (b: BankNo): ActorId => (b === 0 ? 'bank0' : 'bank1');
const otherBank = (b: BankNo): BankNo => (b === 0 ? 1 : 0);

/** The k-th of the candidates that can take the operation (four times in five), else of all; NOBODY when there are none. */
function pick<T>(all: T[], fits: (x: T) => boolean, w: Which): number {
  if (all.length === 0) return NOBODY;
  if (w === 'last') return all.length - 1;
  const good = all.map((x, i) => [x, i] as const).filter(([x]) => fits(x));
  const pool = w % 5 !== 0 && good.length ? good.map(([, i]) => i) : all.map((_, i) => i);
  return pool[w % pool.length]!;
}

function costsOf(c: Costs, principal: Fen): Fen {
  if (c === 'none' || c === 'too-much') return 0n;
  if (c === 'all') return principal;
  return (principal * BigInt(c)) / 100n;
}

function amountOf(p: Part, outstanding: Fen): Fen {
  if (p === 'all') return outstanding;
  if (p === 'all-but-1') return outstanding > 1n ? outstanding - 1n : 1n;
  if (p === 'one-fen') return 1n;
  if (p === 'too-much') return outstanding + 1n;
  const x = (outstanding * BigInt(p)) / 100n;
  return x > 0n ? x : 1n;
}

const reportDay = (m: BusinessModel, b: number): Day => addDays(m.s.today, -b);

/** For a loan operation: the bank's officer or a manager (right), else the other bank, a reviewer or a guarantor. */
function loanActor(m: BusinessModel, loan: number, w: number): ActorId {
  const b: BankNo = m.s.loans[loan]?.bank ?? 0;
  if (w < 80) return w % 3 === 0 ? 'manager' : w % 3 === 1 ? 'manager2' : bankOfficer(b);
  if (w < 90) return bankOfficer(otherBank(b));
  return w < 95 ? 'reviewer' : 'guarantor0';
}

/** Mostly a second person of the fund's staff; else the one who asked (R18) or a bank officer (no permission). */
function writeOffDecider(m: BusinessModel, loan: number, w: number): ActorId {
  const f = m.s.loans[loan];
  const by = f?.writeOff?.by;
  const deciders: ActorId[] = (['manager', 'manager2', 'reviewer'] as const).filter((a) => a !== by);
  if (w < 75) return deciders[w % deciders.length]!;
  return w < 88 && by ? by : bankOfficer(f?.bank ?? 0);
}

function claimActor(m: BusinessModel, t: Op['t'], claim: number, w: number): ActorId {
  const c = m.s.claims[claim];
  const b: BankNo = c?.bank ?? 0;
  const right = w < 80;
  switch (t) {
    case 'submit':
    case 'withdraw-claim':
    case 'resubmit':
      return right ? bankOfficer(b) : w < 90 ? bankOfficer(otherBank(b)) : 'manager';
    case 'return-claim':
      return right ? (['manager', 'manager2', 'reviewer'] as const)[w % 3]! : bankOfficer(b);
    case 'prepare':
      return right ? (w % 2 ? 'manager' : 'manager2') : w < 90 ? 'reviewer' : bankOfficer(b);
    case 'approve':
    case 'reject': {
      // Right: a role the claim's stage names (R23), neither its preparer nor an earlier signer (R18).
      const roles = c ? stageRoles(m, c) : ['manager', 'reviewer'];
      const all: ActorId[] = ['manager', 'manager2', 'reviewer', 'bureau'];
      const deciders = all.filter(
        (a) => a !== c?.preparedBy && !c?.signOffs.includes(a) && roles.includes(staffRole(a) ?? 'none'),
      );
      if (right && deciders.length) return deciders[w % deciders.length]!;
      if (w < 86 && c?.preparedBy) return c.preparedBy;
      // Wrong: a role the stage does not name (neither its preparer nor a signer), someone who signed an
      // earlier stage, else a bank officer.
      const wrongRole = all.filter(
        (a) => !roles.includes(staffRole(a) ?? 'none') && a !== c?.preparedBy && !c?.signOffs.includes(a),
      );
      const signers = c?.signOffs ?? [];
      if (w < 90 && wrongRole.length) return wrongRole[w % wrongRole.length]!;
      if (w < 94 && signers.length) return signers[w % signers.length]!;
      return bankOfficer(b);
    }
    case 'pay':
      return right ? (w % 2 ? 'manager' : 'manager2') : w < 90 ? 'reviewer' : bankOfficer(b);
    default:
      return right ? (w % 2 ? bankOfficer(b) : 'manager') : w < 90 ? bankOfficer(otherBank(b)) : 'reviewer';
  }
}

/** The roles that may sign the claim's current stage (R23). */
const stageRoles = (m: BusinessModel, c: Claim): readonly string[] => {
  const stages = TERMS[m.s.loans[c.loan]!.version].stages;
  return stages[Math.min(c.stage, stages.length - 1)]!;
};

const staff = (w: number): ActorId => (w < 80 ? (w % 2 ? 'manager' : 'manager2') : w < 90 ? 'reviewer' : 'bank0');

/**
 * A concrete command for an abstract operation on the model's current state (life and pair are
 * expanded by the runner); null — nothing to do — for three in four operations on a loan or claim
 * when there is none yet (the fourth asks for one that does not exist: 404).
 */
export function resolve(m: BusinessModel, op: Exclude<Op, { t: 'life' | 'pair' }>, serial: () => string): Cmd | null {
  const cmd = concrete(m, op, serial);
  if (cmd && 'which' in op && typeof op.which === 'number' && op.which % 4 !== 0) {
    if (('loan' in cmd && cmd.loan === NOBODY) || ('claim' in cmd && cmd.claim === NOBODY)) return null;
  }
  return cmd;
}

function concrete(m: BusinessModel, op: Exclude<Op, { t: 'life' | 'pair' }>, serial: () => string): Cmd {
  const loans = m.s.loans;
  const claims = m.s.claims;
  const live = (f: (typeof loans)[number]) => f.status === 'active' || f.status === 'non-performing';
  switch (op.t) {
    case 'file': {
      const right = op.who < 80;
      const actor: ActorId = right
        ? op.who % 2
          ? bankOfficer(op.bank)
          : 'manager'
        : op.who < 90
          ? bankOfficer(otherBank(op.bank))
          : 'reviewer';
      const prior = loans.filter((f) => f.bank === op.bank).at(-1);
      return {
        t: 'file',
        actor,
        bank: op.bank,
        enterprise: op.enterprise,
        programme: op.programme,
        mode: op.mode,
        ...(op.mode === 'risk-sharing'
          ? { bankShareBp: op.bankShareBp, ...(op.guarantor !== null ? { guarantor: op.guarantor } : {}) }
          : {}),
        principal: op.principal,
        disbursedOn: addDays(m.s.today, -op.disburse),
        bankRef: op.dup && prior ? prior.bankRef : serial(),
        kind: op.kind,
      };
    }
    case 'amend': {
      const loan = pick(loans, (f) => f.status === 'active', op.which);
      return {
        t: 'amend',
        actor: loanActor(m, loan, op.who),
        loan,
        ...(op.principal !== null ? { principal: op.principal } : {}),
        ...(op.kind !== null ? { kind: op.kind } : {}),
        ...(op.principal === null && op.kind === null ? { kind: 'ip-pledge' } : {}),
      };
    }
    case 'withdraw': {
      const loan = pick(loans, (f) => f.status === 'active', op.which);
      return { t: 'withdraw', actor: loanActor(m, loan, op.who), loan };
    }
    case 'repay': {
      const loan = pick(loans, live, op.which);
      return {
        t: 'repay',
        actor: loanActor(m, loan, op.who),
        loan,
        amount: amountOf(op.part, loans[loan]?.outstanding ?? 1n),
        on: reportDay(m, op.back),
      };
    }
    case 'repay-bulk': {
      // One bank's officer (or a manager) reporting several lines; the first line's loan names the bank.
      const first = pick(loans, live, op.lines[0]!.which);
      const actor = loanActor(m, first, op.who);
      const left = new Map<number, Fen>();
      return {
        t: 'repay-bulk',
        actor,
        lines: op.lines.map((l, i) => {
          const loan = i === 0 ? first : pick(loans, live, l.which);
          const out = left.get(loan) ?? loans[loan]?.outstanding ?? 1n;
          const amount = amountOf(l.part, out);
          left.set(loan, out - amount > 0n ? out - amount : 0n);
          return { loan, amount, on: reportDay(m, l.back) };
        }),
      };
    }
    case 'balance': {
      const loan = pick(loans, live, op.which);
      const out = loans[loan]?.outstanding ?? 0n;
      const down = amountOf(op.part, out);
      return {
        t: 'balance',
        actor: loanActor(m, loan, op.who),
        loan,
        outstanding: out - down,
        on: reportDay(m, op.back),
      };
    }
    case 'classify': {
      const loan = pick(loans, live, op.which);
      const on = reportDay(m, op.back);
      return {
        t: 'classify',
        actor: loanActor(m, loan, op.who),
        loan,
        classification: op.classification,
        overdueSince: op.overdue === null ? null : addDays(on, -op.overdue),
        on,
      };
    }
    case 'sweep':
      return { t: 'sweep' };
    case 'submit': {
      const loan = pick(
        loans,
        (f) => f.status === 'non-performing' || (f.status === 'active' && !!f.overdueSince),
        op.which,
      );
      const b: BankNo = loans[loan]?.bank ?? 0;
      const actor: ActorId = op.who < 80 ? bankOfficer(b) : op.who < 90 ? bankOfficer(otherBank(b)) : 'manager';
      return { t: 'submit', actor, loan };
    }
    case 'prepare':
    case 'approve':
    case 'reject':
    case 'withdraw-claim':
    case 'return-claim':
    case 'resubmit':
    case 'pay': {
      const wanted: Record<string, readonly string[]> = {
        prepare: ['submitted'],
        approve: ['under-review'],
        reject: ['submitted', 'under-review', 'returned'],
        'return-claim': ['submitted', 'under-review'],
        resubmit: ['returned'],
        'withdraw-claim': OPEN_CLAIM_STATES,
        pay: ['approved', 'queued'],
      };
      const claim = pick(claims, (c) => wanted[op.t]!.includes(c.state), op.which);
      return { t: op.t, actor: claimActor(m, op.t, claim, op.who), claim };
    }
    case 'finding': {
      const claim = pick(claims, (c) => c.state === 'under-review', op.which);
      const c = claims[claim];
      // mostly the preparer; else another manager (R18), the checker or a bank (no permission)
      const actor: ActorId =
        op.who < 80 && c?.preparedBy ? c.preparedBy : op.who < 90 ? 'manager2' : op.who < 95 ? 'reviewer' : 'bank0';
      return { t: 'finding', actor, claim, finding: Object.keys(FINDINGS)[op.finding]!, withdraw: op.withdraw };
    }
    case 'pay-queue':
      return { t: 'pay-queue', actor: staff(op.who) };
    case 'top-up':
      return { t: 'top-up', actor: staff(op.who), amount: op.amount };
    case 'recover': {
      const claim = pick(claims, (c) => c.state === 'paid' && c.recovered < c.outstanding, op.which);
      const c = claims[claim];
      const principal = amountOf(op.part, c ? c.outstanding - c.recovered : 1n);
      // the bank recovered the principal and its costs on top (R19): the amount it reports includes them
      const spent = costsOf(op.costs ?? 'none', principal);
      return {
        t: 'recover',
        actor: claimActor(m, 'recover' as never, claim, op.who),
        claim,
        amount: principal + spent,
        ...(spent > 0n || op.costs === 'too-much' ? { costs: op.costs === 'too-much' ? principal + 1n : spent } : {}),
        on: reportDay(m, op.back),
      };
    }
    case 'write-off': {
      const loan = pick(loans, (f) => f.status === 'compensated' && !f.writeOff, op.which);
      return { t: 'write-off', actor: loanActor(m, loan, op.who), loan, on: reportDay(m, op.back) };
    }
    case 'decide-write-off': {
      const loan = pick(loans, (f) => f.writeOff !== null, op.which);
      return { t: 'decide-write-off', actor: writeOffDecider(m, loan, op.who), loan, approve: op.approve };
    }
    case 'confirm': {
      const loan = pick(loans, (f) => f.guarantor !== null, op.which);
      const g = loans[loan]?.guarantor ?? 0;
      const actor: ActorId =
        op.who < 80
          ? g === 0
            ? 'guarantor0'
            : 'guarantor1'
          : op.who < 90
            ? g === 0
              ? 'guarantor1'
              : 'guarantor0'
            : 'bank0';
      return { t: 'confirm', actor, loan };
    }
    case 'policy': {
      const d = addDays(m.s.today, 31 * (op.months - 1) + 1);
      // the first of the month after `d`
      const [y, mo] = [Number(d.slice(0, 4)), Number(d.slice(5, 7))];
      const from = mo === 12 ? `${y + 1}-01-01` : `${y}-${String(mo + 1).padStart(2, '0')}-01`;
      return { t: 'policy', variant: op.variant, from: from > '2026-12-01' ? '2026-12-01' : from };
    }
  }
}

/** The steps of a loan's life at once, each its own checked step: file, classify, claim, (repay), prepare, (return, repay, resubmit, prepare), (finding), approve, pay, (write off), recover. */
export function lifeOps(op: Extract<Op, { t: 'life' }>): Exclude<Op, { t: 'life' | 'pair' }>[] {
  const officer = op.bank === 0 ? 1 : 3; // who < 80 and odd → the bank's officer
  const repay =
    op.repayWhileClaimed !== null
      ? [{ t: 'repay' as const, which: 'last' as const, who: 2, part: op.repayWhileClaimed, back: 0 }]
      : [];
  const all: Exclude<Op, { t: 'life' | 'pair' }>[] = [
    {
      t: 'file',
      bank: op.bank,
      enterprise: op.enterprise,
      programme: op.programme,
      mode: op.mode,
      bankShareBp: 2000,
      guarantor: op.mode === 'risk-sharing' ? 0 : null,
      principal: op.principal,
      disburse: 0,
      kind: 'credit',
      dup: false,
      who: officer,
    },
    { t: 'classify', which: 'last', who: 2 + 3 * 0, classification: 'loss', overdue: null, back: 0 },
    { t: 'submit', which: 'last', who: 0 },
    ...(op.returnOnce ? [] : repay),
    { t: 'prepare', which: 'last', who: 1 },
    ...(op.returnOnce
      ? [
          { t: 'return-claim' as const, which: 'last' as const, who: 2 },
          ...repay,
          { t: 'resubmit' as const, which: 'last' as const, who: 1 },
          { t: 'prepare' as const, which: 'last' as const, who: 1 },
        ]
      : []),
    ...(op.finding !== null
      ? [{ t: 'finding' as const, which: 'last' as const, who: 1, finding: op.finding, withdraw: false }]
      : []),
    // who 2: a second person; who 85: the one who prepared it (a wrong actor for a decision)
    {
      t: op.decision.startsWith('reject') ? 'reject' : 'approve',
      which: 'last',
      who: op.decision.endsWith('by-preparer') ? 85 : 2,
    },
    // R23: a loan filed under a version with two stages needs a second sign-off (409 once approved).
    // First wrong ones: a role the stage does not name, then the one who signed the first stage (403).
    ...(op.decision === 'approve'
      ? [
          { t: 'approve' as const, which: 'last' as const, who: 87 },
          { t: 'approve' as const, which: 'last' as const, who: 91 },
          { t: 'approve' as const, which: 'last' as const, who: 3 },
        ]
      : []),
    { t: 'pay', which: 'last', who: 1 },
    ...(op.writeOff
      ? [
          { t: 'write-off' as const, which: 'last' as const, who: 1, back: 0 },
          { t: 'decide-write-off' as const, which: 'last' as const, who: 1, approve: true },
        ]
      : []),
    { t: 'recover', which: 'last', who: 1, part: op.recover, back: 0 },
  ];
  const extra =
    repay.length +
    (op.returnOnce ? 3 : 0) +
    (op.finding !== null ? 1 : 0) +
    (op.writeOff ? 2 : 0) +
    (op.decision === 'approve' ? 3 : 0);
  return all.slice(0, op.steps + extra);
}

export const lastDay = LAST_DAY;
export { MILLION };

/**
 * The reference model of Backstop's business layer (issue 14): one fund with two banks, three
 * enterprises, two programmes and an optional new policy version, as POLICY.md and the lead's
 * semantics (test/model/README.md) say it must behave. Pure TypeScript: no database, no clock, no
 * import of the code under test — its own half-up rounding (R10), its own dates, its own rules.
 *
 * `apply(cmd)` says what the reply must be (accepted, or refused 400 / 403 / 404 / 409 / 422 and,
 * for a refused filing, which rules may be cited) and changes the state as the accepted operation
 * must; `figures()` says what every figure must be afterwards. A refused operation changes nothing.
 *
 * `legacy` makes the model answer as the code did before the five defects were fixed (R14, R18,
 * R16/R17, R15, R6) — to look past a known defect while it is being fixed (MODEL_LEGACY=R14,R18…)
 * and to show that the checker tells the two apart. The default is the policy.
 */

export type Fen = bigint;
export type Day = string;
export type Programme = 'A' | 'B';
export type BankNo = 0 | 1;
export type ActorId = 'bank0' | 'bank1' | 'manager' | 'manager2' | 'reviewer' | 'bureau' | 'guarantor0' | 'guarantor1';
export type LoanStatus =
  'active' | 'repaid' | 'withdrawn' | 'non-performing' | 'compensated' | 'written-off' | 'recovered';
export type ClaimState =
  'submitted' | 'under-review' | 'returned' | 'held' | 'approved' | 'queued' | 'paid' | 'rejected' | 'withdrawn';
export type LoanClass = 'normal' | 'special-mention' | 'substandard' | 'doubtful' | 'loss';
export type Mode = 'direct' | 'risk-sharing';
/** A new version of programme B (effective from a day the sequence chooses): G5 cap 20M or 40M, or ratio 40%. */
export type Variant = 'g5-20m' | 'g5-40m' | 'ratio-40' | 'stages';
export type DefectId =
  /** R17 on its own: the defaulted enterprise's new filings. */
  | 'R17'
  | 'R14'
  | 'R18'
  | 'R16'
  | 'R15'
  | 'R6'
  /** Found by this test: amending a loan's kind resets its outstanding to the principal, repayments undone. */
  | 'amend-resets-outstanding'
  /** Found by this test: a claim whose compensation rounds to 0.00 is queued for ever (the ledger refuses a 0 transfer), and the fund's queue with it. */
  | 'zero-compensation';
/** The rules a refused filing or amendment may cite (the reply must cite at least one the model found failing). */
export type Rule =
  | 'size-limit'
  | 'enterprise-size'
  | 'sci-tech'
  | 'mode'
  | 'bank-share'
  | 'loan-kind'
  | 'filing-deadline'
  | 'G5'
  | 'R7b'
  | 'R7c'
  | 'R17';

export const YUAN = 100n;
export const MILLION = 1_000_000n * YUAN;
const BP = 10_000n;
/** G4 (R9): both programmes' breaker. */
export const BREAKER_RATIO_BP = 300n;
export const BREAKER_NET = 5n * MILLION;
/** The fund's liability multiple: 10× its own money (R7b, R15). */
export const MULTIPLE_BP = 100_000n;
export const NP_CLASSES: readonly LoanClass[] = ['substandard', 'doubtful', 'loss'];
export const OVERDUE_DAYS_ABOVE = 90;

// ---------------------------------------------------------------- money and dates (R10)

/** x × bp ÷ 10,000, rounded half-up once (x ≥ 0). */
/** The due-diligence findings of both programmes' files and their cuts (R22). */
export const FINDINGS: Record<string, bigint> = {
  'pre-loan-investigation': 10_000n,
  'staff-misconduct': 10_000n,
  'loan-purpose-monitoring': 5_000n,
  'collection-effort': 3_000n,
  'late-npl-report': 1_000n,
};

export const rate = (x: Fen, bp: bigint): Fen => (x * bp * 2n + BP) / (2n * BP);
/** a × b ÷ c, rounded half-up once (all ≥ 0, c > 0). */
export const mulDiv = (a: Fen, b: Fen, c: Fen): Fen => (2n * a * b + c) / (2n * c);
const min = (a: Fen, b: Fen) => (a < b ? a : b);

const dayMs = 86_400_000;
export const addDays = (d: Day, n: number): Day =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * dayMs).toISOString().slice(0, 10);
export const daysFrom = (a: Day, b: Day): number =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / dayMs);

// ---------------------------------------------------------------- the programmes (POLICY.md)

export interface Terms {
  programme: Programme;
  /** 'A', 'B' or the variant of B in force from `from`. */
  version: 'A' | 'B' | Variant;
  directBp: bigint;
  /** R5: in risk-sharing mode the fund covers the bank's share up to this (B only). */
  riskSharingCapBp: bigint | null;
  sizeLimit: Fen;
  g5Cap: Fen | null;
  /** R23: the sign-offs a prepared claim needs, in order, each the roles that may give it; the last approves. */
  stages: readonly (readonly StaffRole[])[];
}

export type StaffRole = 'manager' | 'reviewer' | 'bureau';
/** The shipped programmes name no stages: one approval by a manager or the reviewer. */
const ONE_STAGE: Terms['stages'] = [['manager', 'reviewer']];

export const TERMS: Record<'A' | 'B' | Variant, Terms> = {
  // F7, F8: 30% (+10 points for a qualification valid on the filing day, R4), 10M, direct only, no G5.
  A: {
    programme: 'A',
    version: 'A',
    directBp: 3000n,
    riskSharingCapBp: null,
    sizeLimit: 10n * MILLION,
    g5Cap: null,
    stages: ONE_STAGE,
  },
  // F11, F13, F16, R5, G5: 50%, 30M, risk-sharing at min(bank share, 20%), 30M per bank and enterprise.
  B: {
    programme: 'B',
    version: 'B',
    directBp: 5000n,
    riskSharingCapBp: 2000n,
    sizeLimit: 30n * MILLION,
    g5Cap: 30n * MILLION,
    stages: ONE_STAGE,
  },
  'g5-20m': {
    programme: 'B',
    version: 'g5-20m',
    directBp: 5000n,
    riskSharingCapBp: 2000n,
    sizeLimit: 30n * MILLION,
    g5Cap: 20n * MILLION,
    stages: ONE_STAGE,
  },
  'g5-40m': {
    programme: 'B',
    version: 'g5-40m',
    directBp: 5000n,
    riskSharingCapBp: 2000n,
    sizeLimit: 30n * MILLION,
    g5Cap: 40n * MILLION,
    stages: ONE_STAGE,
  },
  'ratio-40': {
    programme: 'B',
    version: 'ratio-40',
    directBp: 4000n,
    riskSharingCapBp: 2000n,
    sizeLimit: 30n * MILLION,
    g5Cap: 30n * MILLION,
    stages: ONE_STAGE,
  },
  // R23: a preliminary review by a manager or the reviewer, then the Finance and Audit Bureau approves.
  stages: {
    programme: 'B',
    version: 'stages',
    directBp: 5000n,
    riskSharingCapBp: 2000n,
    sizeLimit: 30n * MILLION,
    g5Cap: 30n * MILLION,
    stages: [['manager', 'reviewer'], ['bureau']],
  },
};

/** The three enterprises of a sequence (fresh per sequence). */
export interface EnterpriseFacts {
  size: 'small' | 'medium';
  sciTech: boolean;
  /** A national high-tech qualification valid over [from, to] (F7, R4), if any. */
  qualification: { from: Day; to: Day } | null;
}

export interface WorldConfig {
  /** The fund's capital (its first top-up). */
  capital: Fen;
  /** Bank 1's quota on its agreement for each programme (R7c), carved out of the fund's capacity. */
  quota: { A: Fen | null; B: Fen | null };
  enterprises: [EnterpriseFacts, EnterpriseFacts, EnterpriseFacts];
  start: Day;
}

// ---------------------------------------------------------------- commands

export type Cmd =
  | {
      t: 'file';
      actor: ActorId;
      bank: BankNo;
      enterprise: number;
      programme: Programme;
      mode: Mode;
      bankShareBp?: number;
      guarantor?: 0 | 1;
      principal: Fen;
      disbursedOn: Day;
      bankRef: string;
      kind: string;
    }
  | { t: 'amend'; actor: ActorId; loan: number; principal?: Fen; kind?: string }
  | { t: 'withdraw'; actor: ActorId; loan: number }
  | { t: 'repay'; actor: ActorId; loan: number; amount: Fen; on: Day }
  | { t: 'repay-bulk'; actor: ActorId; lines: { loan: number; amount: Fen; on: Day }[] }
  | { t: 'balance'; actor: ActorId; loan: number; outstanding: Fen; on: Day }
  | { t: 'classify'; actor: ActorId; loan: number; classification: LoanClass; overdueSince: Day | null; on: Day }
  | { t: 'sweep' }
  | { t: 'submit'; actor: ActorId; loan: number }
  | ClaimCmd
  | { t: 'finding'; actor: ActorId; claim: number; finding: string; withdraw: boolean }
  | { t: 'pay-queue'; actor: ActorId }
  | { t: 'top-up'; actor: ActorId; amount: Fen }
  | { t: 'recover'; actor: ActorId; claim: number; amount: Fen; costs?: Fen; on: Day }
  | { t: 'write-off'; actor: ActorId; loan: number; on: Day }
  | { t: 'decide-write-off'; actor: ActorId; loan: number; approve: boolean }
  | { t: 'confirm'; actor: ActorId; loan: number }
  | { t: 'policy'; variant: Variant; from: Day };

export interface ClaimCmd {
  t: 'prepare' | 'approve' | 'reject' | 'withdraw-claim' | 'pay' | 'return-claim' | 'resubmit';
  actor: ActorId;
  claim: number;
}

/** `loan: -1` / `claim: -1` name a loan or claim that does not exist. */
export const NOBODY = -1;

export type Reply =
  | { status: 200; count?: number; lines?: number[]; state?: ClaimState }
  | { status: 400 | 403 | 404 | 409 | 422 | 500; rules?: Rule[] };

// ---------------------------------------------------------------- state

export interface Loan {
  bank: BankNo;
  enterprise: number;
  programme: Programme;
  version: 'A' | 'B' | Variant;
  mode: Mode;
  ratioBp: bigint;
  kind: string;
  principal: Fen;
  outstanding: Fen;
  reserved: Fen;
  status: LoanStatus;
  classification: LoanClass;
  overdueSince: Day | null;
  nonPerformingOn: Day | null;
  disbursedOn: Day;
  filedOn: Day;
  /** Drawn from bank 1's quota for its programme (R7c) rather than the fund's capacity. */
  fromQuota: boolean;
  g5Key: string | null;
  guarantor: 0 | 1 | null;
  confirmedOn: Day | null;
  bankRef: string;
  /** A write-off asked for and waiting for a second person's decision (R18). */
  writeOff: { by: ActorId; on: Day } | null;
}

export interface Claim {
  loan: number;
  bank: BankNo;
  state: ClaimState;
  outstanding: Fen;
  compensation: Fen;
  preparedBy: ActorId | null;
  submittedOn: Day;
  approvedSeq: number | null;
  recovered: Fen;
  refunded: Fen;
  /** R22: the due-diligence findings recorded under review, by id, with their cuts. */
  findings: Record<string, bigint>;
  /** R23: the stage a prepared claim waits at, and who signed the stages before it (and the last, once approved). */
  stage: number;
  signOffs: ActorId[];
}

export interface State {
  config: WorldConfig;
  today: Day;
  /** The new version of programme B and the day it takes effect (the old one ends the day before). */
  next: { variant: Variant; from: Day } | null;
  capital: Fen;
  cash: Fen;
  limit: Fen;
  paid: Fen;
  refunds: Fen;
  /** Quota carved per agreement of bank 1 ('A' | 'B'). */
  quota: Record<string, Fen>;
  loans: Loan[];
  claims: Claim[];
  /** G5 per `${programme}:${bank}:${enterprise}`: the cap the account is opened to, and the principal counted. */
  g5: Record<string, { cap: Fen; used: Fen }>;
  approvals: number;
  /** Money paid to / refunded by each bank's recoveries (G4's net compensation). */
  bankPaid: [Fen, Fen];
  bankRefunded: [Fen, Fen];
}

export interface Figures {
  fund: {
    capital: string;
    cash: string;
    limit: string;
    committed: string;
    capacityLeft: string;
    quotaUnused: string;
    payouts: string;
    refunds: string;
    payableToBanks: string;
  };
  banks: { payable: string; filedPrincipal: string; claimedNplPrincipal: string; paid: string; refunded: string }[];
  quotas: Record<string, string>;
  g5: Record<string, string>;
  loans: {
    status: LoanStatus;
    principal: string;
    outstanding: string;
    reserved: string;
    nonPerformingOn: Day | null;
    classification: LoanClass;
    overdueSince: Day | null;
    confirmedOn: Day | null;
  }[];
  claims: {
    loan: number;
    state: ClaimState;
    outstanding: string;
    compensation: string;
    preparedBy: string | null;
    signOffs: number;
    recovered: string;
    refunded: string;
  }[];
}

const OPEN: readonly ClaimState[] = ['submitted', 'under-review', 'returned', 'held'];
const LIVE_NOT: readonly ClaimState[] = ['rejected', 'withdrawn'];
const bankActor = (b: BankNo): ActorId => (b === 0 ? 'bank0' : 'bank1');
const bankOfActor = (a: ActorId): BankNo | null => (a === 'bank0' ? 0 : a === 'bank1' ? 1 : null);
const isManager = (a: ActorId) => a === 'manager' || a === 'manager2';
const isStaffDecider = (a: ActorId) => isManager(a) || a === 'reviewer';
/** Who may approve or reject (`claim:approve`); the stage then says which of them (R23). */
const isClaimDecider = (a: ActorId) => isStaffDecider(a) || a === 'bureau';
export const staffRole = (a: ActorId): StaffRole | null =>
  isManager(a) ? 'manager' : a === 'reviewer' ? 'reviewer' : a === 'bureau' ? 'bureau' : null;
const isBankOrManager = (a: ActorId) => bankOfActor(a) !== null || isManager(a);

export const username: Record<ActorId, string> = {
  bank0: 'bank0-officer',
  bank1: 'bank1-officer',
  manager: 'manager',
  manager2: 'manager2',
  reviewer: 'reviewer',
  bureau: 'bureau',
  guarantor0: 'guarantor0-officer',
  guarantor1: 'guarantor1-officer',
};

class Refusal {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 422 | 500,
    readonly rules?: Rule[],
  ) {}
}
const refuse = (status: 400 | 403 | 404 | 409 | 422, rules?: Rule[]): never => {
  throw new Refusal(status, rules);
};
/** The whole request fails (legacy only: the ledger refuses a G5 release the code did not count, a 500). */
class Fault extends Refusal {}

export function initialState(config: WorldConfig): State {
  const quota: Record<string, Fen> = {};
  if (config.quota.A !== null) quota.A = config.quota.A;
  if (config.quota.B !== null) quota.B = config.quota.B;
  return {
    config,
    today: config.start,
    next: null,
    capital: config.capital,
    cash: config.capital,
    limit: rate(config.capital, MULTIPLE_BP),
    paid: 0n,
    refunds: 0n,
    quota,
    loans: [],
    claims: [],
    g5: {},
    approvals: 0,
    bankPaid: [0n, 0n],
    bankRefunded: [0n, 0n],
  };
}

export class BusinessModel {
  constructor(
    public s: State,
    readonly legacy: ReadonlySet<DefectId> = new Set(),
  ) {}

  static start(config: WorldConfig, legacy: ReadonlySet<DefectId> = new Set()) {
    return new BusinessModel(initialState(config), legacy);
  }

  clone(): BusinessModel {
    return new BusinessModel(structuredClone(this.s), this.legacy);
  }

  /** Moves today forward (never back). */
  advance(to: Day) {
    if (to > this.s.today) this.s.today = to;
  }

  /** The version of a programme in force on a day. */
  versionOn(programme: Programme, day: Day): 'A' | 'B' | Variant {
    if (programme === 'A') return 'A';
    return this.s.next && day >= this.s.next.from ? this.s.next.variant : 'B';
  }

  /** Applies a command: its reply; the state changes only when it is accepted. */
  apply(cmd: Cmd): Reply {
    const before = structuredClone(this.s);
    try {
      return this.run(cmd);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      this.s = before;
      return e.rules ? { status: e.status, rules: e.rules } : { status: e.status };
    }
  }

  private run(cmd: Cmd): Reply {
    switch (cmd.t) {
      case 'file':
        return this.file(cmd);
      case 'amend':
        return this.amend(cmd);
      case 'withdraw':
        return this.withdraw(cmd);
      case 'repay': {
        this.permit(isBankOrManager(cmd.actor));
        this.repayLine(cmd.actor, cmd.loan, cmd.amount, cmd.on);
        return { status: 200 };
      }
      case 'repay-bulk': {
        this.permit(isBankOrManager(cmd.actor));
        // Each line on its own, in order, as the single path answers it (a refused line changes nothing).
        const lines = cmd.lines.map((l) => {
          const before = structuredClone(this.s);
          try {
            this.repayLine(cmd.actor, l.loan, l.amount, l.on);
            return 200;
          } catch (e) {
            if (!(e instanceof Refusal) || e instanceof Fault) throw e;
            this.s = before;
            return e.status;
          }
        });
        return { status: 200, lines };
      }
      case 'balance': {
        this.permit(isBankOrManager(cmd.actor));
        const f = this.visibleLoan(cmd.actor, cmd.loan);
        this.serviceable(f);
        if (cmd.outstanding < 0n || cmd.outstanding > f.outstanding) refuse(400);
        this.reportDate(f, cmd.on);
        this.setOutstanding(cmd.loan, cmd.outstanding);
        return { status: 200 };
      }
      case 'classify':
        return this.classify(cmd);
      case 'sweep':
        return this.sweep();
      case 'submit':
        return this.submit(cmd);
      case 'prepare':
        return this.prepare(cmd);
      case 'approve':
        return this.approve(cmd);
      case 'reject':
        return this.reject(cmd);
      case 'withdraw-claim':
        return this.withdrawClaim(cmd);
      case 'return-claim':
        return this.returnClaim(cmd);
      case 'finding':
        return this.finding(cmd);
      case 'resubmit':
        return this.resubmit(cmd);
      case 'pay':
        return this.pay(cmd);
      case 'pay-queue':
        this.permit(isManager(cmd.actor));
        return { status: 200, count: this.payQueue() };
      case 'top-up': {
        this.permit(isManager(cmd.actor));
        if (cmd.amount <= 0n) refuse(400);
        this.s.capital += cmd.amount;
        this.s.cash += cmd.amount;
        this.s.limit += rate(cmd.amount, MULTIPLE_BP);
        // The top-up route pays queued claims next (R7a).
        return { status: 200, count: this.payQueue() };
      }
      case 'recover':
        return this.recover(cmd);
      case 'write-off':
        return this.writeOff(cmd);
      case 'decide-write-off':
        return this.decideWriteOff(cmd);
      case 'confirm':
        return this.confirm(cmd);
      case 'policy':
        if (!this.s.next && cmd.from > this.s.today) this.s.next = { variant: cmd.variant, from: cmd.from };
        return { status: 200 };
    }
  }

  // -------------------------------------------------------------- helpers

  private permit(allowed: boolean) {
    if (!allowed) refuse(403);
  }

  /** A bank's officer sees its own bank's loans only (another bank's answer 404); staff see all. */
  private visibleLoan(actor: ActorId, i: number): Loan {
    const f = this.s.loans[i];
    if (!f) return refuse(404);
    const b = bankOfActor(actor);
    if (b !== null && f.bank !== b) refuse(404);
    return f;
  }

  private visibleClaim(actor: ActorId, i: number): Claim {
    const c = this.s.claims[i];
    if (!c) return refuse(404);
    const b = bankOfActor(actor);
    if (b !== null && c.bank !== b) refuse(404);
    return c;
  }

  private serviceable(f: Loan) {
    if (f.status !== 'active' && f.status !== 'non-performing') refuse(409);
  }

  /** A report's date: not before disbursement, not after today. */
  private reportDate(f: Loan, on: Day) {
    if (on < f.disbursedOn || on > this.s.today) refuse(400);
  }

  private liability(f: Pick<Loan, 'ratioBp'>, outstanding: Fen): Fen {
    return rate(outstanding, f.ratioBp);
  }

  /** A claim's amount: ratio × outstanding × (1 − the findings' cut, at most 100%), rounded half-up once (R10, R22). */
  private claimAmount(f: Pick<Loan, 'ratioBp'>, outstanding: Fen, c: Pick<Claim, 'findings'>): Fen {
    const cut = Object.values(c.findings).reduce((a, b) => a + b, 0n);
    const keep = cut >= BP ? 0n : BP - cut;
    return (outstanding * f.ratioBp * keep * 2n + BP * BP) / (2n * BP * BP);
  }

  private openClaimOf(loan: number): Claim | undefined {
    return this.s.claims.find((c) => c.loan === loan && OPEN.includes(c.state));
  }

  /** The capacity account: the limit less the quotas carved and the exposures drawn from capacity (may be below 0 under R15). */
  capacityAccount(): Fen {
    const carved = Object.values(this.s.quota).reduce((a, b) => a + b, 0n);
    const drawn = this.s.loans.filter((f) => !f.fromQuota).reduce((a, f) => a + f.reserved, 0n);
    return this.s.limit - carved - drawn;
  }

  quotaLeft(programme: Programme): Fen {
    const carved = this.s.quota[programme] ?? 0n;
    const drawn = this.s.loans
      .filter((f) => f.fromQuota && f.programme === programme)
      .reduce((a, f) => a + f.reserved, 0n);
    return carved - drawn;
  }

  committed(): Fen {
    return this.s.loans.reduce((a, f) => a + f.reserved, 0n);
  }

  /**
   * Reserves `amount` more liability for a loan drawing from `fromQuota`/programme: the rules it would
   * break (the reply cites at least one). From a quota it may break both the quota (R7c) and, after
   * payouts lowered the limit, R15 (as R7b): the app asks about R15 first and names that one.
   */
  private reserveProblems(fromQuota: boolean, programme: Programme, amount: Fen): Rule[] {
    if (amount === 0n) return [];
    if (!fromQuota) return amount > this.capacityAccount() ? ['R7b'] : [];
    const out: Rule[] = [];
    if (amount > this.quotaLeft(programme)) out.push('R7c');
    // R15: the limit falls with payouts; a filing from a quota may not take committed liability past it either.
    if (!this.legacy.has('R15') && this.committed() + amount > this.s.limit) out.push('R7b');
    return out;
  }

  /** G4 per bank, from its current figures (nothing stored: it lifts by itself). */
  breaker(b: BankNo) {
    const filed = this.s.loans
      .filter((f) => f.bank === b && f.status !== 'withdrawn')
      .reduce((a, f) => a + f.principal, 0n);
    const claimed = this.s.claims
      .filter((c) => c.bank === b && !LIVE_NOT.includes(c.state))
      .reduce((a, c) => a + c.outstanding, 0n);
    const net = this.s.bankPaid[b] - this.s.bankRefunded[b];
    const ratioExceeded = filed === 0n ? claimed > 0n : claimed * BP > filed * BREAKER_RATIO_BP;
    return { filed, claimed, tripped: ratioExceeded && net > BREAKER_NET };
  }

  /** R17: the enterprise has, in this fund, a non-performing loan or a compensated one not fully recovered (written off or not). */
  private badEnterprise(e: number): boolean {
    return this.s.loans.some((f, i) => {
      if (f.enterprise !== e) return false;
      if (f.status === 'non-performing' || f.status === 'written-off') return true;
      if (f.status !== 'compensated') return false;
      const c = this.s.claims.find((k) => k.loan === i && ['approved', 'queued', 'paid'].includes(k.state));
      return !c || c.recovered < c.outstanding;
    });
  }

  // -------------------------------------------------------------- filing

  private file(cmd: Extract<Cmd, { t: 'file' }>): Reply {
    this.permit(isBankOrManager(cmd.actor));
    const own = bankOfActor(cmd.actor);
    if (own !== null && own !== cmd.bank) refuse(400); // a bank files for itself only
    if (this.s.loans.some((f) => f.bank === cmd.bank && f.bankRef === cmd.bankRef)) refuse(409);
    const today = this.s.today;
    const terms = TERMS[this.versionOn(cmd.programme, today)];
    const e = this.s.config.enterprises[cmd.enterprise]!;
    const failing: Rule[] = [];
    // Eligibility under the version in force today (R3), every reason.
    if (cmd.programme === 'A') {
      if (e.size !== 'small') failing.push('enterprise-size');
      if (cmd.mode !== 'direct') failing.push('mode');
    } else {
      if (!e.sciTech) failing.push('sci-tech');
      if (cmd.mode === 'risk-sharing' && (cmd.bankShareBp ?? 0) < 2000) failing.push('bank-share');
    }
    if (!['credit', 'ip-pledge', 'receivables-pledge'].includes(cmd.kind)) failing.push('loan-kind');
    if (cmd.principal > terms.sizeLimit) failing.push('size-limit');
    // G6 / R13: before disbursement or within 10 working days after it. The generator only uses
    // offsets that are surely in time (≤ 7 calendar days) or surely late (≥ 40 calendar days).
    if (daysFrom(cmd.disbursedOn, today) >= 40) failing.push('filing-deadline');
    // R17: no new filing for an enterprise with a bad loan in this fund.
    if (!this.legacy.has('R16') && !this.legacy.has('R17') && this.badEnterprise(cmd.enterprise)) failing.push('R17');
    const qualified =
      cmd.programme === 'A' && e.qualification !== null && e.qualification.from <= today && today <= e.qualification.to;
    const ratioBp =
      cmd.mode === 'risk-sharing'
        ? min(BigInt(cmd.bankShareBp!), terms.riskSharingCapBp ?? BigInt(cmd.bankShareBp!))
        : terms.directBp + (qualified ? 1000n : 0n);
    const reserved = rate(cmd.principal, ratioBp);
    const fromQuota = cmd.bank === 1 && this.s.quota[cmd.programme] !== undefined;
    let g5Key: string | null = null;
    if (terms.g5Cap !== null) {
      g5Key = `${cmd.programme}:${cmd.bank}:${cmd.enterprise}`;
      const used = this.s.g5[g5Key]?.used ?? 0n;
      // The cap account follows the version's cap (raised or lowered); never below what is in use.
      if (used + cmd.principal > terms.g5Cap) failing.push('G5');
    }
    failing.push(...this.reserveProblems(fromQuota, cmd.programme, reserved));
    // Refused with every failing reason; the reply must cite at least one of them (an ineligible
    // loan is refused before the ledger is asked, so it may cite no limit at all).
    if (failing.length) refuse(422, failing);
    if (g5Key) {
      const g = this.s.g5[g5Key] ?? { cap: terms.g5Cap!, used: 0n };
      this.s.g5[g5Key] = { cap: terms.g5Cap!, used: g.used + cmd.principal };
    }
    this.s.loans.push({
      bank: cmd.bank,
      enterprise: cmd.enterprise,
      programme: cmd.programme,
      version: terms.version,
      mode: cmd.mode,
      ratioBp,
      kind: cmd.kind,
      principal: cmd.principal,
      outstanding: cmd.principal,
      reserved,
      status: 'active',
      classification: 'normal',
      overdueSince: null,
      nonPerformingOn: null,
      disbursedOn: cmd.disbursedOn,
      filedOn: today,
      fromQuota,
      g5Key,
      guarantor: cmd.mode === 'risk-sharing' ? (cmd.guarantor ?? null) : null,
      confirmedOn: null,
      writeOff: null,
      bankRef: cmd.bankRef,
    });
    return { status: 200 };
  }

  /** Amend (principal or kind): active loans only; the principal only without repayments; judged again under its own version on its filing day. */
  private amend(cmd: Extract<Cmd, { t: 'amend' }>): Reply {
    this.permit(isBankOrManager(cmd.actor));
    const f = this.visibleLoan(cmd.actor, cmd.loan);
    if (f.status !== 'active') refuse(409);
    if (cmd.principal !== undefined && f.outstanding !== f.principal) refuse(409);
    const principal = cmd.principal ?? f.principal;
    if (principal <= 0n) refuse(400);
    const kind = cmd.kind ?? f.kind;
    const terms = TERMS[f.version];
    const failing: Rule[] = [];
    if (!['credit', 'ip-pledge', 'receivables-pledge'].includes(kind)) failing.push('loan-kind');
    if (principal > terms.sizeLimit) failing.push('size-limit');
    if (failing.length) refuse(422, failing);
    // The principal changes only while nothing is repaid; amending anything else keeps the outstanding.
    const outstanding =
      cmd.principal !== undefined || this.legacy.has('amend-resets-outstanding') ? principal : f.outstanding;
    const reserved = this.liability(f, outstanding);
    const delta = principal - f.principal;
    if (reserved > f.reserved || delta > 0n) {
      const problems = this.reserveProblems(f.fromQuota, f.programme, reserved - f.reserved);
      if (f.g5Key) {
        const g = this.s.g5[f.g5Key]!;
        if (g.used + delta > g.cap) problems.push('G5');
      }
      if (problems.length) refuse(422, problems);
    }
    if (f.g5Key) this.s.g5[f.g5Key]!.used += delta;
    f.principal = principal;
    f.outstanding = outstanding;
    f.reserved = reserved;
    f.kind = kind;
    return { status: 200 };
  }

  private withdraw(cmd: Extract<Cmd, { t: 'withdraw' }>): Reply {
    this.permit(isBankOrManager(cmd.actor));
    const f = this.visibleLoan(cmd.actor, cmd.loan);
    if (f.status !== 'active') refuse(409);
    this.releaseG5(f, f.outstanding);
    f.reserved = 0n;
    f.status = 'withdrawn';
    return { status: 200 };
  }

  // -------------------------------------------------------------- servicing

  private repayLine(actor: ActorId, loan: number, amount: Fen, on: Day) {
    if (amount <= 0n) refuse(400);
    const f = this.visibleLoan(actor, loan);
    this.serviceable(f);
    if (amount > f.outstanding) refuse(400);
    this.reportDate(f, on);
    this.setOutstanding(loan, f.outstanding - amount);
  }

  /** A lower outstanding: the liability follows (ratio × outstanding, rounded once), G5 releases the difference, R14 lowers an open claim. */
  private setOutstanding(i: number, outstanding: Fen) {
    const f = this.s.loans[i]!;
    this.releaseG5(f, f.outstanding - outstanding);
    f.outstanding = outstanding;
    f.reserved = this.liability(f, outstanding);
    if (outstanding === 0n) f.status = 'repaid';
    const c = this.openClaimOf(i);
    if (c && !this.legacy.has('R14')) {
      c.outstanding = outstanding;
      c.compensation = this.claimAmount(f, outstanding, c);
      // Repaid in full while the claim waits: nothing is owed; the system withdraws the claim.
      if (outstanding === 0n) c.state = 'withdrawn';
    }
  }

  /** G5 counts `principal` less for the loan's bank and enterprise. */
  private releaseG5(f: Loan, principal: Fen) {
    if (!f.g5Key) return;
    const g = this.s.g5[f.g5Key]!;
    // Only after the legacy amendment that undid repayments can more be released than is counted: the ledger refuses it.
    if (g.used < principal && this.legacy.has('amend-resets-outstanding')) throw new Fault(500);
    g.used -= principal;
  }

  /** R6: the day a loan became non-performing — the earliest of the report day (by classification) and overdueSince + 91. */
  private nonPerformingDay(f: Loan, byClass: boolean, overdueSince: Day | null, on: Day): Day {
    if (this.legacy.has('R6')) return on;
    const overdueDay = overdueSince ? addDays(overdueSince, OVERDUE_DAYS_ABOVE + 1) : null;
    if (overdueDay && overdueDay <= on) return overdueDay;
    if (byClass) return on;
    throw new Error(`model: loan ${f.bankRef} is not non-performing on ${on}`);
  }

  private isOverdue(overdueSince: Day | null, on: Day) {
    return overdueSince !== null && daysFrom(overdueSince, on) > OVERDUE_DAYS_ABOVE;
  }

  private classify(cmd: Extract<Cmd, { t: 'classify' }>): Reply {
    this.permit(isBankOrManager(cmd.actor));
    const f = this.visibleLoan(cmd.actor, cmd.loan);
    this.serviceable(f);
    this.reportDate(f, cmd.on);
    if (cmd.overdueSince && (cmd.overdueSince > cmd.on || cmd.overdueSince < f.disbursedOn)) refuse(400);
    const byClass = NP_CLASSES.includes(cmd.classification);
    const np = byClass || this.isOverdue(cmd.overdueSince, cmd.on);
    f.classification = cmd.classification;
    f.overdueSince = cmd.overdueSince;
    if (np && f.status === 'active') {
      f.status = 'non-performing';
      f.nonPerformingOn = this.nonPerformingDay(f, byClass, cmd.overdueSince, cmd.on);
    }
    return { status: 200 };
  }

  /** The daily sweep: active loans overdue more than 90 days become non-performing (from overdueSince + 91). */
  private sweep(): Reply {
    let n = 0;
    for (const f of this.s.loans) {
      if (f.status !== 'active' || !f.overdueSince) continue;
      if (!NP_CLASSES.includes(f.classification) && !this.isOverdue(f.overdueSince, this.s.today)) continue;
      f.status = 'non-performing';
      f.nonPerformingOn = this.legacy.has('R6')
        ? this.s.today
        : this.nonPerformingDay(f, false, f.overdueSince, this.s.today);
      n++;
    }
    return { status: 200, count: n };
  }

  // -------------------------------------------------------------- claims

  private submit(cmd: Extract<Cmd, { t: 'submit' }>): Reply {
    this.permit(bankOfActor(cmd.actor) !== null);
    const f = this.visibleLoan(cmd.actor, cmd.loan);
    const overdue = NP_CLASSES.includes(f.classification) || this.isOverdue(f.overdueSince, this.s.today);
    if (f.status !== 'non-performing' && !(f.status === 'active' && overdue)) refuse(422);
    if (this.s.claims.some((c) => c.loan === cmd.loan && !LIVE_NOT.includes(c.state))) refuse(409);
    if (f.status === 'active') {
      f.status = 'non-performing';
      f.nonPerformingOn = this.legacy.has('R6')
        ? this.s.today
        : this.nonPerformingDay(f, false, f.overdueSince, this.s.today);
    }
    const c: Claim = {
      loan: cmd.loan,
      bank: f.bank,
      state: 'submitted',
      outstanding: f.outstanding,
      compensation: this.liability(f, f.outstanding),
      preparedBy: null,
      submittedOn: this.s.today,
      approvedSeq: null,
      recovered: 0n,
      refunded: 0n,
      findings: {},
      stage: 0,
      signOffs: [],
    };
    this.s.claims.push(c);
    if (this.breaker(f.bank).tripped) c.state = 'held';
    return { status: 200, state: c.state };
  }

  private prepare(cmd: ClaimCmd): Reply {
    this.permit(isManager(cmd.actor));
    const c = this.visibleClaim(cmd.actor, cmd.claim);
    if (this.breaker(c.bank).tripped) {
      if (c.state !== 'submitted' && c.state !== 'under-review') refuse(409);
      c.state = 'held';
      return { status: 200, state: c.state };
    }
    if (c.state !== 'submitted') refuse(409);
    c.state = 'under-review';
    c.preparedBy = cmd.actor;
    c.stage = 0;
    c.signOffs = [];
    return { status: 200, state: c.state };
  }

  private approve(cmd: ClaimCmd): Reply {
    this.permit(isClaimDecider(cmd.actor));
    const c = this.visibleClaim(cmd.actor, cmd.claim);
    // R18: a second person; a claim nobody prepared (held at submission, then released) has no maker yet.
    if (c.state === 'under-review' && (c.preparedBy === null || c.preparedBy === cmd.actor)) refuse(403);
    if (c.state === 'under-review' && this.breaker(c.bank).tripped) {
      c.state = 'held';
      return { status: 200, state: c.state };
    }
    if (c.state !== 'under-review') refuse(409);
    const f = this.s.loans[c.loan]!;
    const stages = TERMS[f.version].stages;
    this.mustSign(c, stages, cmd.actor);
    c.signOffs.push(cmd.actor);
    if (c.stage < stages.length - 1) {
      // A stage signed: the claim waits for the next one's sign-off; no money moves (R23).
      c.stage++;
      return { status: 200, state: c.state };
    }
    // R14: compensation on the outstanding of the approval day (kept in step by every repayment).
    if (!this.legacy.has('R14')) {
      c.outstanding = f.outstanding;
      c.compensation = this.claimAmount(f, f.outstanding, c);
    }
    // The loan's whole remaining exposure goes back; R16: its principal keeps counting against G5.
    if (this.legacy.has('R16') && f.g5Key) this.s.g5[f.g5Key]!.used -= f.outstanding;
    f.reserved = 0n;
    f.status = 'compensated';
    c.state = 'approved';
    c.approvedSeq = ++this.s.approvals;
    return { status: 200, state: c.state };
  }

  private reject(cmd: ClaimCmd): Reply {
    this.permit(isClaimDecider(cmd.actor));
    const c = this.visibleClaim(cmd.actor, cmd.claim);
    // R18: the maker may not decide its own claim, not even to reject it.
    if (!this.legacy.has('R18') && c.state === 'under-review' && c.preparedBy === cmd.actor) refuse(403);
    if (c.state === 'under-review') this.mustSign(c, TERMS[this.s.loans[c.loan]!.version].stages, cmd.actor);
    if (c.state !== 'submitted' && c.state !== 'under-review' && c.state !== 'returned') refuse(409);
    c.state = 'rejected';
    this.releaseHeld(c.bank);
    return { status: 200, state: c.state };
  }

  /** R23 and R18: only a role the claim's stage names decides it, and nobody who signed an earlier stage. */
  private mustSign(c: Claim, stages: Terms['stages'], actor: ActorId): void {
    const role = staffRole(actor);
    if (!role || !stages[Math.min(c.stage, stages.length - 1)]!.includes(role)) refuse(403);
    if (c.signOffs.includes(actor)) refuse(403);
  }

  /** R22: the preparer records (or takes back) a finding under review; the amount follows at once. */
  private finding(cmd: Extract<Cmd, { t: 'finding' }>): Reply {
    this.permit(isManager(cmd.actor));
    const c = this.visibleClaim(cmd.actor, cmd.claim);
    if (c.state === 'under-review' && c.preparedBy !== cmd.actor) refuse(403);
    if (cmd.withdraw && c.findings[cmd.finding] === undefined) refuse(409);
    if (c.state !== 'under-review') refuse(409);
    if (cmd.withdraw) delete c.findings[cmd.finding];
    else c.findings[cmd.finding] = FINDINGS[cmd.finding]!;
    const f = this.s.loans[c.loan]!;
    c.outstanding = f.outstanding;
    c.compensation = this.claimAmount(f, f.outstanding, c);
    return { status: 200 };
  }

  /** R21: back to the bank for more; nothing decided, the claim still open (R14), its review to begin again. */
  private returnClaim(cmd: ClaimCmd): Reply {
    this.permit(isStaffDecider(cmd.actor));
    const c = this.visibleClaim(cmd.actor, cmd.claim);
    if (c.state !== 'submitted' && c.state !== 'under-review') refuse(409);
    c.state = 'returned';
    c.preparedBy = null;
    c.stage = 0;
    c.signOffs = [];
    return { status: 200, state: c.state };
  }

  /** R21: the bank sends it again (the model returns naming no item, so no file is asked for). */
  private resubmit(cmd: ClaimCmd): Reply {
    this.permit(bankOfActor(cmd.actor) !== null);
    const c = this.visibleClaim(cmd.actor, cmd.claim);
    if (c.state !== 'returned') refuse(409);
    c.state = this.breaker(c.bank).tripped ? 'held' : 'submitted';
    return { status: 200, state: c.state };
  }

  private withdrawClaim(cmd: ClaimCmd): Reply {
    this.permit(bankOfActor(cmd.actor) !== null);
    const c = this.visibleClaim(cmd.actor, cmd.claim);
    if (!OPEN.includes(c.state)) refuse(409);
    c.state = 'withdrawn';
    this.releaseHeld(c.bank);
    return { status: 200, state: c.state };
  }

  /**
   * Held claims go back where they were once the bank's breaker has lifted (after a rejection, a
   * withdrawal or a recovery): to review if prepared, else to the submitted claims a manager takes up.
   */
  private releaseHeld(b: BankNo) {
    if (this.breaker(b).tripped) return;
    for (const c of this.s.claims)
      if (c.bank === b && c.state === 'held') c.state = c.preparedBy === null ? 'submitted' : 'under-review';
  }

  /** Cash to the bank (R7a); R15: the limit falls by the multiple of what was paid. */
  private payOut(c: Claim): boolean {
    if (this.s.cash < c.compensation) return false;
    if (c.compensation === 0n && this.legacy.has('zero-compensation')) return false;
    this.s.cash -= c.compensation;
    this.s.paid += c.compensation;
    this.s.bankPaid[c.bank] += c.compensation;
    if (!this.legacy.has('R15')) this.s.limit -= rate(c.compensation, MULTIPLE_BP);
    c.state = 'paid';
    return true;
  }

  private queue(): Claim[] {
    return this.s.claims.filter((c) => c.state === 'queued').sort((a, b) => a.approvedSeq! - b.approvedSeq!);
  }

  private pay(cmd: ClaimCmd): Reply {
    this.permit(isManager(cmd.actor));
    const c = this.visibleClaim(cmd.actor, cmd.claim);
    if (c.state !== 'approved' && c.state !== 'queued') refuse(409);
    // First approved, first paid: an earlier claim in the queue goes first.
    if (this.queue().some((q) => q.approvedSeq! < c.approvedSeq!)) {
      c.state = 'queued';
      return { status: 200, state: c.state };
    }
    if (!this.payOut(c)) c.state = 'queued';
    return { status: 200, state: c.state };
  }

  private payQueue(): number {
    let n = 0;
    for (const c of this.queue()) {
      if (!this.payOut(c)) break;
      n++;
    }
    return n;
  }

  private recover(cmd: Extract<Cmd, { t: 'recover' }>): Reply {
    this.permit(isBankOrManager(cmd.actor));
    if (cmd.amount <= 0n) refuse(400);
    const c = this.visibleClaim(cmd.actor, cmd.claim);
    if (c.state !== 'paid') refuse(409);
    if (cmd.on < c.submittedOn || cmd.on > this.s.today) refuse(400);
    // R19: the bank's costs come off what it recovered first (both E-Town programmes deduct them);
    // what is left is the principal recovered.
    const costs = cmd.costs ?? 0n;
    if (costs > cmd.amount) refuse(400);
    const principal = cmd.amount - costs;
    if (c.recovered + principal > c.outstanding) refuse(400);
    // R8: the fund's share of what is recovered, rounded once, never more in all than it paid.
    const share = c.outstanding > 0n ? mulDiv(principal, c.compensation, c.outstanding) : 0n;
    const refund = min(share, c.compensation - c.refunded);
    c.recovered += principal;
    c.refunded += refund;
    this.s.cash += refund;
    this.s.refunds += refund;
    this.s.bankRefunded[c.bank] += refund;
    if (!this.legacy.has('R15')) this.s.limit += rate(refund, MULTIPLE_BP);
    const f = this.s.loans[c.loan]!;
    // R16: the recovered principal no longer counts against G5 (legacy: released at approval already;
    // a written-off loan released all it had left when it was written off).
    if (!this.legacy.has('R16') && f.g5Key && f.status === 'compensated') this.s.g5[f.g5Key]!.used -= principal;
    // R8: what the bank recovers is principal the borrower no longer owes; all of it recovered, the loan is closed.
    f.outstanding -= principal;
    if (f.outstanding === 0n) f.status = 'recovered';
    this.payQueue();
    this.releaseHeld(c.bank);
    return { status: 200 };
  }

  /** The bank (or a manager) asks that what is left of a compensated loan be written off; nothing changes yet (R18). */
  private writeOff(cmd: Extract<Cmd, { t: 'write-off' }>): Reply {
    this.permit(isBankOrManager(cmd.actor));
    const f = this.visibleLoan(cmd.actor, cmd.loan);
    if (f.writeOff) refuse(409);
    if (f.status !== 'compensated') refuse(409);
    this.reportDate(f, cmd.on);
    f.writeOff = { by: cmd.actor, on: cmd.on };
    return { status: 200 };
  }

  /** A second person of the fund's staff decides it (R18); approved, G5 no longer counts the loan (R16); no fund money moves. */
  private decideWriteOff(cmd: Extract<Cmd, { t: 'decide-write-off' }>): Reply {
    this.permit(isStaffDecider(cmd.actor));
    const f = this.visibleLoan(cmd.actor, cmd.loan);
    if (!f.writeOff) refuse(409);
    if (f.writeOff!.by === cmd.actor) refuse(403);
    if (cmd.approve) {
      // Recovered in full while it waited: nothing is left to write off, and it keeps waiting.
      if (f.status !== 'compensated') refuse(409);
      if (!this.legacy.has('R16') && f.g5Key) this.s.g5[f.g5Key]!.used -= f.outstanding;
      f.status = 'written-off';
    }
    f.writeOff = null;
    return { status: 200 };
  }

  private confirm(cmd: Extract<Cmd, { t: 'confirm' }>): Reply {
    this.permit(cmd.actor === 'guarantor0' || cmd.actor === 'guarantor1');
    const f = this.s.loans[cmd.loan];
    const g = cmd.actor === 'guarantor0' ? 0 : 1;
    if (!f || f.guarantor !== g) return refuse(404);
    if (f.confirmedOn) return { status: 200 };
    if (f.status === 'withdrawn') refuse(409);
    f.confirmedOn = this.s.today;
    return { status: 200 };
  }

  // -------------------------------------------------------------- figures

  figures(): Figures {
    const s = this.s;
    const y = (x: Fen) => x.toString();
    const payable = (b: BankNo) =>
      s.claims
        .filter((c) => c.bank === b && (c.state === 'approved' || c.state === 'queued'))
        .reduce((a, c) => a + c.compensation, 0n);
    const committed = this.committed();
    const quotas: Record<string, string> = {};
    for (const p of Object.keys(s.quota) as Programme[]) quotas[p] = y(this.quotaLeft(p));
    const g5: Record<string, string> = {};
    for (const [k, g] of Object.entries(s.g5)) if (g.used !== 0n) g5[k] = y(g.used);
    return {
      fund: {
        capital: y(s.capital),
        cash: y(s.cash),
        limit: y(s.limit),
        committed: y(committed),
        capacityLeft: y(s.limit - committed),
        quotaUnused: y(Object.keys(s.quota).reduce((a, p) => a + this.quotaLeft(p as Programme), 0n)),
        payouts: y(s.paid),
        refunds: y(s.refunds),
        payableToBanks: y(payable(0) + payable(1)),
      },
      banks: ([0, 1] as const).map((b) => {
        const br = this.breaker(b);
        return {
          payable: y(payable(b)),
          filedPrincipal: y(br.filed),
          claimedNplPrincipal: y(br.claimed),
          paid: y(s.bankPaid[b]),
          refunded: y(s.bankRefunded[b]),
        };
      }),
      quotas,
      g5,
      loans: s.loans.map((f) => ({
        status: f.status,
        principal: y(f.principal),
        outstanding: y(f.outstanding),
        reserved: y(f.reserved),
        nonPerformingOn: f.nonPerformingOn,
        classification: f.classification,
        overdueSince: f.overdueSince,
        confirmedOn: f.confirmedOn,
      })),
      claims: s.claims.map((c) => ({
        loan: c.loan,
        state: c.state,
        outstanding: y(c.outstanding),
        compensation: y(c.compensation),
        preparedBy: c.preparedBy ? username[c.preparedBy] : null,
        signOffs: c.signOffs.length,
        recovered: y(c.recovered),
        refunded: y(c.refunded),
      })),
    };
  }
}

export { bankActor, OPEN as OPEN_CLAIM_STATES };

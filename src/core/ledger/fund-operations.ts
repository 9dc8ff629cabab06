/**
 * The fund's accounts and its named operations as ledger transfers (DESIGN.md "Money and the
 * ledger", docs/LEDGER.md). Pure: each operation returns the batch the ledger applies in one call.
 *
 * liability ledger, per fund F:
 *   F:limit ──set/raise──▶ F:capacity ──quota──▶ F:quota:<agreement>
 *   F:capacity | F:quota:<a> ──filing──▶ F:exposure:<filing> ──repayment/approved claim──▶ back
 *   G5: F:enterprise-cap-source ──▶ F:enterprise-cap:<p>:<bank>:<ent> ──filing──▶ F:enterprise-used:<…>
 * cash ledger (CNY), per fund F (cash is debit-normal and may never go negative, R7a):
 *   top-up: debit F:cash, credit F:capital · approval: debit F:expense, credit F:payable:<bank>
 *   payment: debit F:payable:<bank>, credit F:cash · refund of a recovery: debit F:cash, credit F:recovery-income
 */
import { applyRate, type BasisPoints, type Fen } from '../money/money';

import { CREDITS_MUST_NOT_EXCEED_DEBITS, DEBITS_MUST_NOT_EXCEED_CREDITS, HISTORY } from './model';

export { CREDITS_MUST_NOT_EXCEED_DEBITS, DEBITS_MUST_NOT_EXCEED_CREDITS, HISTORY };

export type LedgerName = 'liability' | 'cny';

export interface AccountSpec {
  id: string;
  ledger: LedgerName;
  code: string;
  flags: number;
  fundId: string;
  entityKind?: string;
  entityId?: string;
}

export interface TransferSpec {
  id: string;
  debit: string;
  credit: string;
  amount: Fen;
  code: string;
  linked?: boolean;
  entityKind?: string;
  entityId?: string;
}

export const accountId = {
  limit: (f: string) => `${f}:limit`,
  limitShortfall: (f: string) => `${f}:limit-shortfall`,
  capacity: (f: string) => `${f}:capacity`,
  quota: (f: string, agreementId: string) => `${f}:quota:${agreementId}`,
  exposure: (f: string, filingId: string) => `${f}:exposure:${filingId}`,
  enterpriseCapSource: (f: string) => `${f}:enterprise-cap-source`,
  enterpriseCap: (f: string, key: string) => `${f}:enterprise-cap:${key}`,
  enterpriseUsed: (f: string, key: string) => `${f}:enterprise-used:${key}`,
  capital: (f: string) => `${f}:capital`,
  cash: (f: string) => `${f}:cash`,
  expense: (f: string) => `${f}:expense`,
  payable: (f: string, bankId: string) => `${f}:payable:${bankId}`,
  recoveryIncome: (f: string) => `${f}:recovery-income`,
};

/**
 * Every transfer id that an operation which moves the limit (R15) may post, whatever its amounts
 * (a transfer of 0 is left out of the batch, never renamed): the ids its batch serialises on, taken
 * with the fund's limits before the batch (the ledger repository's lockFundLimits).
 */
const limitIds = (id: string) => [`${id}:limit-cover`, `${id}:limit`, `${id}:limit-shortfall`];
export const payClaimIds = (claimId: string) => [`${claimId}:pay`, ...limitIds(claimId)];
export const topUpIds = (id: string) => [`${id}:cash`, ...limitIds(id)];
export const refundRecoveryIds = (recoveryId: string) => [`${recoveryId}:refund`, ...limitIds(recoveryId)];

const liability = (
  fundId: string,
  id: string,
  code: string,
  flags = 0,
  entity?: { kind: string; id: string },
): AccountSpec => ({
  id,
  ledger: 'liability',
  code,
  flags,
  fundId,
  ...(entity ? { entityKind: entity.kind, entityId: entity.id } : {}),
});
const cny = (
  fundId: string,
  id: string,
  code: string,
  flags = 0,
  entity?: { kind: string; id: string },
): AccountSpec => ({
  id,
  ledger: 'cny',
  code,
  flags,
  fundId,
  ...(entity ? { entityKind: entity.kind, entityId: entity.id } : {}),
});

/**
 * The accounts every fund has. The fund's own accounts keep their balance history (HISTORY); the
 * per-loan exposure and per-enterprise cap accounts keep running totals only — their story is the
 * loan's transfers, and a million loans need not write two million history rows more.
 */
export function fundAccounts(fundId: string): AccountSpec[] {
  const fund = { kind: 'fund', id: fundId };
  return [
    liability(fundId, accountId.limit(fundId), 'limit', HISTORY, fund),
    liability(fundId, accountId.capacity(fundId), 'capacity', DEBITS_MUST_NOT_EXCEED_CREDITS | HISTORY, fund),
    liability(fundId, accountId.enterpriseCapSource(fundId), 'enterprise-cap-source', HISTORY, fund),
    limitShortfallAccount(fundId),
    cny(fundId, accountId.capital(fundId), 'capital', HISTORY, fund),
    cny(fundId, accountId.cash(fundId), 'cash', CREDITS_MUST_NOT_EXCEED_DEBITS | HISTORY, fund),
    cny(fundId, accountId.expense(fundId), 'expense', HISTORY, fund),
    cny(fundId, accountId.recoveryIncome(fundId), 'recovery-income', HISTORY, fund),
  ];
}

/**
 * R15: how far the limit was lowered past the capacity there was — the liability committed above
 * the limit, which new filings must wait out. Debit-normal; covered, never past zero.
 */
export const limitShortfallAccount = (fundId: string) =>
  liability(fundId, accountId.limitShortfall(fundId), 'limit-shortfall', CREDITS_MUST_NOT_EXCEED_DEBITS | HISTORY, {
    kind: 'fund',
    id: fundId,
  });
export const payableAccount = (fundId: string, bankId: string) =>
  cny(fundId, accountId.payable(fundId, bankId), 'payable', DEBITS_MUST_NOT_EXCEED_CREDITS | HISTORY, {
    kind: 'institution',
    id: bankId,
  });
export const quotaAccount = (fundId: string, agreementId: string) =>
  liability(fundId, accountId.quota(fundId, agreementId), 'quota', DEBITS_MUST_NOT_EXCEED_CREDITS | HISTORY, {
    kind: 'agreement',
    id: agreementId,
  });
export const exposureAccount = (fundId: string, filingId: string) =>
  liability(fundId, accountId.exposure(fundId, filingId), 'exposure', DEBITS_MUST_NOT_EXCEED_CREDITS, {
    kind: 'filing',
    id: filingId,
  });
export const enterpriseCapAccounts = (fundId: string, key: string) => [
  liability(fundId, accountId.enterpriseCap(fundId, key), 'enterprise-cap', DEBITS_MUST_NOT_EXCEED_CREDITS, {
    kind: 'enterprise-cap',
    id: key,
  }),
  liability(fundId, accountId.enterpriseUsed(fundId, key), 'enterprise-used', DEBITS_MUST_NOT_EXCEED_CREDITS, {
    kind: 'enterprise-cap',
    id: key,
  }),
];

/** G5's cap is kept per programme, bank and enterprise. */
export const enterpriseCapKey = (programmeId: string, bankId: string, enterpriseId: string) =>
  `${programmeId}:${bankId}:${enterpriseId}`;

/** The enterprise a G5 cap key is for (its last part: the app's enterprise ids hold no ':'). */
export const enterpriseOfCapKey = (key: string) => key.slice(key.lastIndexOf(':') + 1);

/**
 * R15: the limit is the fund's liability multiple × its own money, so it rises with a top-up or a
 * refund. A raise first covers what the limit was lowered past capacity (the shortfall), then
 * frees capacity.
 */
export function raiseLimit({
  fundId,
  id,
  amount,
  liabilityMultipleBp,
  shortfall = 0n,
}: {
  fundId: string;
  id: string;
  amount: Fen;
  liabilityMultipleBp: BasisPoints;
  shortfall?: Fen;
}): TransferSpec[] {
  const limit = applyRate(amount, liabilityMultipleBp);
  const cover = limit < shortfall ? limit : shortfall;
  const common = { code: 'limit-raise', entityKind: 'fund', entityId: fundId };
  return [
    {
      id: `${id}:limit-cover`,
      debit: accountId.limit(fundId),
      credit: accountId.limitShortfall(fundId),
      amount: cover,
      ...common,
    },
    {
      id: `${id}:limit`,
      debit: accountId.limit(fundId),
      credit: accountId.capacity(fundId),
      amount: limit - cover,
      ...common,
    },
  ].filter((t) => t.amount > 0n);
}

/**
 * R15: a payout lowers the limit by the multiple × what was paid. It is never blocked by the limit
 * (liability already committed is honoured): what capacity cannot give is booked as the shortfall,
 * and new filings wait until capacity covers it.
 */
export function lowerLimit({
  fundId,
  id,
  paid,
  liabilityMultipleBp,
  capacity,
}: {
  fundId: string;
  id: string;
  paid: Fen;
  liabilityMultipleBp: BasisPoints;
  capacity: Fen;
}): TransferSpec[] {
  const limit = applyRate(paid, liabilityMultipleBp);
  const fromCapacity = limit < capacity ? limit : capacity > 0n ? capacity : 0n;
  const common = { code: 'limit-lower', entityKind: 'fund', entityId: fundId };
  return [
    {
      id: `${id}:limit`,
      debit: accountId.capacity(fundId),
      credit: accountId.limit(fundId),
      amount: fromCapacity,
      ...common,
    },
    {
      id: `${id}:limit-shortfall`,
      debit: accountId.limitShortfall(fundId),
      credit: accountId.limit(fundId),
      amount: limit - fromCapacity,
      ...common,
    },
  ].filter((t) => t.amount > 0n);
}

/** Capacity given back since the limit was lowered past it covers the shortfall first (R15). */
export function coverShortfall({
  fundId,
  id,
  shortfall,
  capacity,
}: {
  fundId: string;
  id: string;
  shortfall: Fen;
  capacity: Fen;
}): TransferSpec[] {
  const amount = shortfall < capacity ? shortfall : capacity;
  return amount > 0n
    ? [
        {
          id,
          debit: accountId.capacity(fundId),
          credit: accountId.limitShortfall(fundId),
          amount,
          code: 'limit-cover',
          entityKind: 'fund',
          entityId: fundId,
        },
      ]
    : [];
}

/**
 * R15: which of the reservations asked for, in order, may be made while the limit stands below the
 * committed liability (a shortfall). The fund's room is the limit less the committed liability:
 * capacity − shortfall + what the quotas hold unused. One drawn from capacity needs the capacity
 * net of the shortfall; one drawn from a quota needs the room (its quota itself is the ledger's check).
 * With no shortfall every ask passes here: the ledger's own limits are then the whole rule.
 */
export function admitUnderShortfall({
  capacity,
  shortfall,
  quotaFree,
  asks,
}: {
  capacity: Fen;
  shortfall: Fen;
  quotaFree: Fen;
  asks: { amount: Fen; fromQuota: boolean }[];
}): boolean[] {
  if (shortfall === 0n) return asks.map(() => true);
  let net = capacity - shortfall;
  let room = net + quotaFree;
  return asks.map(({ amount, fromQuota }) => {
    if (amount > room || (!fromQuota && amount > net)) return false;
    room -= amount;
    if (!fromQuota) net -= amount;
    return true;
  });
}

/**
 * A top-up puts money in the fund and raises the liability limit by the programme's multiple of
 * it (R7b, R15), linked: both or neither.
 */
export function topUp({
  fundId,
  id,
  amount,
  liabilityMultipleBp,
  shortfall = 0n,
}: {
  fundId: string;
  id: string;
  amount: Fen;
  liabilityMultipleBp: BasisPoints;
  shortfall?: Fen;
}): TransferSpec[] {
  const cash: TransferSpec = {
    id: `${id}:cash`,
    debit: accountId.cash(fundId),
    credit: accountId.capital(fundId),
    amount,
    code: 'top-up',
    entityKind: 'top-up',
    entityId: id,
  };
  const limit = raiseLimit({ fundId, id, amount, liabilityMultipleBp, shortfall }).map((t) => ({
    ...t,
    entityKind: 'top-up',
    entityId: id,
  }));
  return linkAll([cash, ...limit]);
}

/** Every transfer but the last linked to the next: the batch succeeds or fails whole. */
export const linkAll = (transfers: TransferSpec[]): TransferSpec[] =>
  transfers.filter((t) => t.amount > 0n).map((t, i, all) => ({ ...t, linked: i < all.length - 1 }));

/** Carve a bank's quota out of the fund's capacity (R7c); raising it again carves more. */
export function carveQuota({
  fundId,
  agreementId,
  id,
  amount,
}: {
  fundId: string;
  agreementId: string;
  id: string;
  amount: Fen;
}): TransferSpec[] {
  return [
    {
      id,
      debit: accountId.capacity(fundId),
      credit: accountId.quota(fundId, agreementId),
      amount,
      code: 'quota',
      entityKind: 'agreement',
      entityId: agreementId,
    },
  ];
}

export interface Reservation {
  fundId: string;
  filingId: string;
  /** The liability: ratio × principal, capped (R7b). */
  liability: Fen;
  /** The bank's quota sub-account, when its agreement has a quota. */
  agreementId: string | null;
  /**
   * G5: the principal counted against the bank's cap for this enterprise; `opened` is how much of
   * the cap account is opened so far and `moves` how many openings, raises and lowerings did it
   * (both 0 for a first loan).
   */
  enterpriseCap: { key: string; cap: Fen; principal: Fen; opened?: Fen; moves?: number } | null;
}

/**
 * The transfer that brings an enterprise's G5 cap account to `cap` when `opened` is open after
 * `moves` earlier openings, raises and lowerings: the first opening, a raise or a lowering to
 * another policy version's cap, or nothing when it is as the policy says. The id is the move's
 * number, so loans planned on the same state move it once (the others are answered `exists`) and
 * a cap that goes back and forth moves every time. A lowering below what is in use is refused by
 * the cap account's own limit, so no loan is filed past a lowered cap.
 */
export function capOpening({
  fundId,
  key,
  cap,
  opened = 0n,
  moves = 0,
}: {
  fundId: string;
  key: string;
  cap: Fen;
  opened?: Fen;
  moves?: number;
}): TransferSpec | null {
  if (cap === opened) return null;
  const capAccount = accountId.enterpriseCap(fundId, key);
  const common = { code: 'enterprise-cap', entityKind: 'enterprise-cap', entityId: key };
  if (moves === 0)
    return {
      id: `${fundId}:enterprise-cap:${key}:open`,
      debit: accountId.enterpriseCapSource(fundId),
      credit: capAccount,
      amount: cap,
      ...common,
    };
  const id = `${fundId}:enterprise-cap:${key}:move:${moves}`;
  return cap > opened
    ? { id, debit: accountId.enterpriseCapSource(fundId), credit: capAccount, amount: cap - opened, ...common }
    : { id, debit: capAccount, credit: accountId.enterpriseCapSource(fundId), amount: opened - cap, ...common };
}

const source = (r: { fundId: string; agreementId: string | null }) =>
  r.agreementId ? accountId.quota(r.fundId, r.agreementId) : accountId.capacity(r.fundId);

/**
 * A filing reserves its liability within the fund's capacity (or the bank's quota) and, where the
 * programme has one, its principal within G5's cap — linked, so a filing is reserved whole or not at all.
 * The cap account is first brought to the policy's cap (capOpening), idempotent by id.
 */
export function reserveFiling(r: Reservation): TransferSpec[] {
  const entity = { entityKind: 'filing', entityId: r.filingId };
  const out: TransferSpec[] = [];
  if (r.enterpriseCap) {
    const { key, principal } = r.enterpriseCap;
    const opening = capOpening({ fundId: r.fundId, ...r.enterpriseCap });
    if (opening) out.push(opening);
    out.push({
      id: `${r.filingId}:principal`,
      debit: accountId.enterpriseCap(r.fundId, key),
      credit: accountId.enterpriseUsed(r.fundId, key),
      amount: principal,
      code: 'enterprise-cap-use',
      linked: true,
      ...entity,
    });
  }
  out.push({
    id: `${r.filingId}:reserve`,
    debit: source(r),
    credit: accountId.exposure(r.fundId, r.filingId),
    amount: r.liability,
    code: 'reserve',
    ...entity,
  });
  return out.filter((t) => t.amount > 0n).map((t, i, all) => ({ ...t, linked: i < all.length - 1 }));
}

/**
 * Give back liability (repayment, amendment, withdrawal, approved claim) and, where G5 applies,
 * principal to the enterprise cap. `id` names the event; amounts of 0 are left out.
 */
export function releaseFiling({
  fundId,
  filingId,
  agreementId,
  id,
  liability,
  enterpriseCap,
  code,
}: {
  fundId: string;
  filingId: string;
  agreementId: string | null;
  id: string;
  liability: Fen;
  enterpriseCap: { key: string; principal: Fen } | null;
  code: string;
}): TransferSpec[] {
  const entity = { entityKind: 'filing', entityId: filingId };
  const out: TransferSpec[] = [
    {
      id: `${id}:release`,
      debit: accountId.exposure(fundId, filingId),
      credit: source({ fundId, agreementId }),
      amount: liability,
      code,
      ...entity,
    },
  ];
  if (enterpriseCap) {
    out.push({
      id: `${id}:principal`,
      debit: accountId.enterpriseUsed(fundId, enterpriseCap.key),
      credit: accountId.enterpriseCap(fundId, enterpriseCap.key),
      amount: enterpriseCap.principal,
      code,
      ...entity,
    });
  }
  return out.filter((t) => t.amount > 0n).map((t, i, all) => ({ ...t, linked: i < all.length - 1 }));
}

/** An approved claim releases the loan's remaining exposure and books the payable to the bank, linked. */
export function settleClaim({
  fundId,
  filingId,
  agreementId,
  claimId,
  bankId,
  exposure,
  compensation,
  enterpriseCap,
}: {
  fundId: string;
  filingId: string;
  agreementId: string | null;
  claimId: string;
  bankId: string;
  exposure: Fen;
  compensation: Fen;
  enterpriseCap: { key: string; principal: Fen } | null;
}): TransferSpec[] {
  const release = releaseFiling({
    fundId,
    filingId,
    agreementId,
    id: claimId,
    liability: exposure,
    enterpriseCap,
    code: 'claim-release',
  });
  const payable: TransferSpec = {
    id: `${claimId}:payable`,
    debit: accountId.expense(fundId),
    credit: accountId.payable(fundId, bankId),
    amount: compensation,
    code: 'claim-approved',
    entityKind: 'claim',
    entityId: claimId,
  };
  return [...release, payable].filter((t) => t.amount > 0n).map((t, i, all) => ({ ...t, linked: i < all.length - 1 }));
}

/** Payment moves cash to the bank; the ledger refuses it when cash is short (R7a). */
export function payClaim({
  fundId,
  claimId,
  bankId,
  amount,
  limit,
}: {
  fundId: string;
  claimId: string;
  bankId: string;
  amount: Fen;
  /** R15: the limit falls with the fund's own money; `capacity` is what the fund has free now. */
  limit?: { liabilityMultipleBp: BasisPoints; capacity: Fen };
}): TransferSpec[] {
  const pay: TransferSpec = {
    id: `${claimId}:pay`,
    debit: accountId.payable(fundId, bankId),
    credit: accountId.cash(fundId),
    amount,
    code: 'claim-paid',
    entityKind: 'claim',
    entityId: claimId,
  };
  const lower = limit ? lowerLimit({ fundId, id: claimId, paid: amount, ...limit }) : [];
  return linkAll([pay, ...lower.map((t) => ({ ...t, entityKind: 'claim', entityId: claimId }))]);
}

/** The fund's share of a recovery flows back to cash (R8) and raises the limit with it (R15). */
export function refundRecovery({
  fundId,
  recoveryId,
  amount,
  limit,
}: {
  fundId: string;
  recoveryId: string;
  amount: Fen;
  limit?: { liabilityMultipleBp: BasisPoints; shortfall: Fen };
}): TransferSpec[] {
  const refund: TransferSpec = {
    id: `${recoveryId}:refund`,
    debit: accountId.cash(fundId),
    credit: accountId.recoveryIncome(fundId),
    amount,
    code: 'recovery-refund',
    entityKind: 'recovery',
    entityId: recoveryId,
  };
  const raise = limit ? raiseLimit({ fundId, id: recoveryId, amount, ...limit }) : [];
  return linkAll([refund, ...raise.map((t) => ({ ...t, entityKind: 'recovery', entityId: recoveryId }))]);
}

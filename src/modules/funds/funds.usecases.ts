/**
 * Funds (F3) with their top-ups, and cooperation agreements (G1) with optional quotas (R7c).
 * Every movement of money or liability is a ledger batch in the same transaction as its row.
 */
import { randomUUID } from 'node:crypto';
import {
  carveQuota,
  fundAccounts,
  payableAccount,
  quotaAccount,
  topUp as topUpTransfers,
  topUpIds,
} from '../../core/ledger/fund-operations';
import { formatRate, formatYuan, type Fen } from '../../core/money/money';
import type { Actor } from '../auth/access';
import { createAuditRepository } from '../audit/audit.repository';
import { entityNames, nameKey } from '../audit/audit.names';
import { createLedgerRepository } from '../ledger/ledger.repository';
import { applyOperation, LedgerRefusal, openAccounts } from '../ledger/ledger.usecases';
import type { Db } from '../shared/db';
import { agreementErrors, fundErrors } from './funds.errors';
import { createRegistryRepository } from '../registry/registry.repository';
import { createFundsRepository, type AgreementRow } from './funds.repository';

export interface FundInput {
  id: string;
  name: string;
  programmes: string[];
  liabilityMultipleBp: number;
  capital: Fen;
  on: string;
}

export async function createFund({ db, actor, input }: { db: Db; actor: Actor; input: FundInput }) {
  return db.transaction(async (tx) => {
    const repo = createFundsRepository({ db: tx });
    const taken = await repo.findFund(input.id);
    if (taken) throw fundErrors.idTaken(input.id, taken.name);
    for (const [i, p] of input.programmes.entries()) {
      if (input.programmes.indexOf(p) !== i) throw fundErrors.programmeListedTwice(i, p);
      if (!(await repo.programmeExists(p))) throw fundErrors.programmeUnknown(`programmes[${i}]`, p);
    }
    await repo.insertFund({ id: input.id, name: input.name, liabilityMultipleBp: input.liabilityMultipleBp });
    if (input.programmes.length) await repo.linkProgrammes(input.id, input.programmes);
    await openAccounts({ ledger: createLedgerRepository({ db: tx }), accounts: fundAccounts(input.id) });
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'fund.create',
      entityKind: 'fund',
      entityId: input.id,
      after: { ...input, capital: formatYuan(input.capital), liabilityMultiple: formatRate(input.liabilityMultipleBp) },
    });
    if (input.capital > 0n)
      await topUpInTransaction({
        db: tx,
        actor,
        fundId: input.id,
        amount: input.capital,
        on: input.on,
        note: 'initial capital',
      });
    return fundView(tx, input.id);
  });
}

async function topUpInTransaction({
  db,
  actor,
  fundId,
  amount,
  on,
  note,
}: {
  db: Db;
  actor: Actor;
  fundId: string;
  amount: Fen;
  on: string;
  note?: string | undefined;
}) {
  const repo = createFundsRepository({ db });
  const fund = await repo.findFund(fundId);
  if (!fund) throw fundErrors.notFound(fundId);
  // The fund starts with its first top-up (the initial capital): money cannot arrive before it.
  const start = await repo.firstTopUpOn(fundId);
  if (start !== undefined && on < start) throw fundErrors.topUpBeforeStart(start);
  const id = randomUUID();
  await repo.insertTopUp({
    id,
    fundId,
    amount,
    on,
    note: note ?? null,
    createdBy: actor.username,
  });
  const ledger = createLedgerRepository({ db });
  const { shortfall } = await ledger.lockFundLimits(fundId, topUpIds(id));
  await applyOperation({
    ledger,
    actor: actor.username,
    transfers: topUpTransfers({ fundId, id, amount, liabilityMultipleBp: fund.liabilityMultipleBp, shortfall }),
  });
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: 'fund.top-up',
    entityKind: 'fund',
    entityId: fundId,
    after: { id, amount: formatYuan(amount), on, note },
  });
  return { id, fundId, amount: formatYuan(amount), on, note: note ?? null };
}

/** A top-up raises cash and the liability limit; queued claims are then paid by the caller (R7a). */
export async function topUpFund({
  db,
  actor,
  fundId,
  amount,
  on,
  note,
}: {
  db: Db;
  actor: Actor;
  fundId: string;
  amount: Fen;
  on: string;
  note?: string | undefined;
}) {
  if (amount <= 0n) throw fundErrors.amountNotPositive();
  // `replayed` is false here; the idempotency middleware sets it true when it answers a copy.
  return {
    ...(await db.transaction((tx) => topUpInTransaction({ db: tx, actor, fundId, amount, on, note }))),
    replayed: false,
  };
}

export async function fundView(db: Db, id: string) {
  const repo = createFundsRepository({ db });
  const fund = await repo.findFund(id);
  if (!fund) throw fundErrors.notFound(id);
  const progs = await repo.programmesOf(id);
  const topUps = await repo.topUpsOf(id);
  return {
    id: fund.id,
    name: fund.name,
    programmes: progs.map((p) => p.programmeId),
    liabilityMultiple: formatRate(fund.liabilityMultipleBp),
    topUps: topUps.map((t) => ({ id: t.id, amount: formatYuan(t.amount), on: t.on, note: t.note })),
    capital: formatYuan(topUps.reduce((s, t) => s + t.amount, 0n)),
  };
}

export async function listFunds({ db }: { db: Db }) {
  const rows = await createFundsRepository({ db }).listFunds();
  return Promise.all(rows.map((f) => fundView(db, f.id)));
}

export interface AgreementInput {
  fundId: string;
  programmeId: string;
  institutionId: string;
  signedOn: string;
  endsOn?: string | undefined;
  quota?: Fen | undefined;
}

export function agreementView(a: AgreementRow) {
  return {
    id: a.id,
    fundId: a.fundId,
    programmeId: a.programmeId,
    institutionId: a.institutionId,
    signedOn: a.signedOn,
    endsOn: a.endsOn,
    quota: a.quota === null ? null : formatYuan(a.quota),
  };
}

/** A cooperation agreement (G1); a bank's quota is carved out of the fund's capacity (R7c). */
export async function signAgreement({ db, actor, input }: { db: Db; actor: Actor; input: AgreementInput }) {
  return db.transaction(async (tx) => {
    const repo = createFundsRepository({ db: tx });
    const inst = await createRegistryRepository({ db: tx }).findInstitution(input.institutionId);
    if (!inst) throw agreementErrors.institutionUnknown(input.institutionId);
    if (input.quota !== undefined && inst.kind !== 'bank') throw agreementErrors.quotaOnlyForBank();
    const link = await repo.fundProgramme(input.fundId, input.programmeId);
    if (!link) {
      const names = await entityNames(tx, [
        { entityKind: 'fund', entityId: input.fundId },
        { entityKind: 'programme', entityId: input.programmeId },
      ]);
      const named = (kind: string, id: string) => {
        const n = names.get(nameKey(kind, id));
        return { id, zh: n?.zh ?? id, en: n?.en ?? id };
      };
      throw agreementErrors.programmeNotRun(named('fund', input.fundId), named('programme', input.programmeId));
    }
    const dup = await repo.agreementsOf(input.fundId, input.programmeId, input.institutionId);
    if (dup.length) throw agreementErrors.exists();
    const id = randomUUID();
    await repo.insertAgreement({
      id,
      fundId: input.fundId,
      programmeId: input.programmeId,
      institutionId: input.institutionId,
      signedOn: input.signedOn,
      endsOn: input.endsOn ?? null,
      quota: input.quota ?? null,
    });
    const ledger = createLedgerRepository({ db: tx });
    if (inst.kind === 'bank') await openAccounts({ ledger, accounts: [payableAccount(input.fundId, inst.id)] });
    if (input.quota !== undefined) {
      await openAccounts({ ledger, accounts: [quotaAccount(input.fundId, id)] });
      await carveOrRefuse(tx, actor, input.fundId, id, `${id}:quota:1`, input.quota);
    }
    const row = await repo.findAgreement(id);
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'agreement.sign',
      entityKind: 'agreement',
      entityId: id,
      after: agreementView(row!),
    });
    return agreementView(row!);
  });
}

async function carveOrRefuse(db: Db, actor: Actor, fundId: string, agreementId: string, id: string, amount: Fen) {
  try {
    await applyOperation({
      ledger: createLedgerRepository({ db }),
      actor: actor.username,
      transfers: carveQuota({ fundId, agreementId, id, amount }),
    });
  } catch (e) {
    if (e instanceof LedgerRefusal) throw agreementErrors.quotaExceedsCapacity();
    throw e;
  }
}

/** Raises a bank's quota (lowering it would strand filed loans; agreements end instead). */
export async function raiseQuota({ db, actor, id, quota }: { db: Db; actor: Actor; id: string; quota: Fen }) {
  return db.transaction(async (tx) => {
    const repo = createFundsRepository({ db: tx });
    const a = await repo.lockAgreement(id);
    if (!a) throw agreementErrors.notFound(id);
    if (a.quota === null) throw agreementErrors.noQuota();
    if (quota === a.quota) return agreementView(a); // the quota it has: nothing written (a retried raise)
    if (quota <= a.quota) throw agreementErrors.quotaNotRaised(a.quota);
    const n = await repo.quotaTransferCount(id);
    await carveOrRefuse(tx, actor, a.fundId, id, `${id}:quota:${n + 1}`, quota - a.quota);
    await repo.setQuota(id, quota);
    const after = { ...agreementView(a), quota: formatYuan(quota) };
    await createAuditRepository({ db: tx }).record({
      actor: actor.username,
      action: 'agreement.quota',
      entityKind: 'agreement',
      entityId: id,
      before: agreementView(a),
      after,
    });
    return after;
  });
}

export async function listAgreements({ db, actor, fundId }: { db: Db; actor: Actor; fundId?: string | undefined }) {
  const rows = await createFundsRepository({ db }).listAgreements(
    fundId,
    actor.role === 'bank' ? (actor.bankId ?? '') : actor.role === 'guarantor' ? (actor.guarantorId ?? '') : undefined,
  );
  return rows.map(agreementView);
}

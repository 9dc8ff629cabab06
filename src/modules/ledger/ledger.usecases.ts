/**
 * Applying the fund's named operations (src/core/ledger/fund-operations.ts) through the one write
 * path, the ledger port `post`/`postChains`. A transfer the ledger refuses becomes a LedgerRefusal
 * naming the account, its kind and the reason, which the use case turns into the rule it enforces.
 */
import type { AccountSpec, TransferSpec } from '../../core/ledger/fund-operations';
import type { LedgerRepository, TransferResult } from './ledger.repository';

/**
 * A transfer the ledger refused: the account whose limit it would cross and that account's kind
 * (its code: `cash`, `capacity`, `quota`, `enterprise-cap`…), by which a use case names the rule.
 */
export class LedgerRefusal extends Error {
  constructor(
    readonly transfer: TransferSpec,
    readonly result: TransferResult,
    readonly accountKind: string,
  ) {
    super(`ledger refused ${transfer.code} ${transfer.id}: ${result}`);
    this.name = 'LedgerRefusal';
  }

  /** The account whose limit was hit: the debit side for exceeds_credits, the credit side for exceeds_debits. */
  get account(): string {
    return this.result === 'exceeds_credits' ? this.transfer.debit : this.transfer.credit;
  }
}

const accountOf = (t: TransferSpec, result: TransferResult) => (result === 'exceeds_credits' ? t.debit : t.credit);

/**
 * The ledger's one port for the fund's operations: posts `chains` (each a linked chain, all of it
 * or none) in one batch and answers, per chain, null or its refusal. A chain failed only because
 * another transfer of it failed cannot be: that is a fault, thrown.
 */
export async function postChains({
  ledger,
  chains,
  actor,
}: {
  ledger: LedgerRepository;
  chains: TransferSpec[][];
  actor: string;
}): Promise<(LedgerRefusal | null)[]> {
  const batch = chains.flat();
  const results = batch.length
    ? await ledger.apply(
        batch.map((t) => ({ ...t, kind: 'single' as const })),
        actor,
      )
    : [];
  let next = 0;
  const found = chains.map((transfers) => {
    const mine = results.slice(next, next + transfers.length);
    next += transfers.length;
    const failed = mine.findIndex((r) => r !== 'ok' && r !== 'exists' && r !== 'linked_event_failed');
    if (failed >= 0) return { transfer: transfers[failed]!, result: mine[failed]! };
    if (mine.some((r) => r !== 'ok' && r !== 'exists'))
      throw new Error(`ledger: chain ${transfers[0]?.id ?? '?'} failed with no transfer refused`);
    return null;
  });
  const refused = found.filter((f) => f !== null);
  if (refused.length === 0) return found.map(() => null);
  const kinds = await ledger.accountCodes([...new Set(refused.map((f) => accountOf(f.transfer, f.result)))]);
  return found.map((f) =>
    f ? new LedgerRefusal(f.transfer, f.result, kinds.get(accountOf(f.transfer, f.result)) ?? 'unknown') : null,
  );
}

/** Posts one operation (one chain or independent transfers as one chain's worth): null or its refusal. */
export async function post({
  ledger,
  transfers,
  actor,
}: {
  ledger: LedgerRepository;
  transfers: TransferSpec[];
  actor: string;
}): Promise<LedgerRefusal | null> {
  if (transfers.length === 0) return null;
  const [refusal] = await postChains({ ledger, chains: [transfers], actor });
  return refusal ?? null;
}

export async function openAccounts({
  ledger,
  accounts,
}: {
  ledger: LedgerRepository;
  accounts: AccountSpec[];
}): Promise<void> {
  await ledger.createAccounts(accounts);
}

/** Posts the operation and throws its refusal, for use cases that let it travel to their catch. */
export async function applyOperation({
  ledger,
  transfers,
  actor,
}: {
  ledger: LedgerRepository;
  transfers: TransferSpec[];
  actor: string;
}): Promise<void> {
  const refusal = await post({ ledger, transfers, actor });
  if (refusal) throw refusal;
}

/**
 * Applying the fund's named operations (src/core/ledger/fund-operations.ts) through the one write
 * path. A batch that the ledger refuses becomes a LedgerRefusal naming the account and the reason,
 * which the calling use case turns into a user-facing problem.
 */
import type { AccountSpec, TransferSpec } from '../../core/ledger/fund-operations';
import type { LedgerRepository, TransferResult } from './ledger.repository';

export class LedgerRefusal extends Error {
  constructor(
    readonly transfer: TransferSpec,
    readonly result: TransferResult,
  ) {
    super(`ledger refused ${transfer.code} ${transfer.id}: ${result}`);
    this.name = 'LedgerRefusal';
  }

  /** The account whose limit was hit: the debit side for exceeds_credits, the credit side for exceeds_debits. */
  get account(): string {
    return this.result === 'exceeds_credits' ? this.transfer.debit : this.transfer.credit;
  }
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

/** Applies the batch; all or nothing is the caller's batch design (linked chains). Throws on the first refusal. */
export async function applyOperation({
  ledger,
  transfers,
  actor,
}: {
  ledger: LedgerRepository;
  transfers: TransferSpec[];
  actor: string;
}): Promise<void> {
  if (transfers.length === 0) return;
  const results = await ledger.apply(
    transfers.map((t) => ({ ...t, kind: 'single' as const })),
    actor,
  );
  const failed = results.findIndex((r) => r !== 'ok' && r !== 'exists' && r !== 'linked_event_failed');
  if (failed >= 0) throw new LedgerRefusal(transfers[failed]!, results[failed]!);
  if (results.some((r) => r !== 'ok' && r !== 'exists')) throw new LedgerRefusal(transfers[0]!, 'linked_event_failed');
}

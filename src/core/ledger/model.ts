/**
 * An in-memory reference model of the ledger's write path (drizzle/0002_ledger.sql as amended by
 * 0004_ledger_hardening.sql): the same results, in the same order of checks, for the same batch.
 * Pure and small on purpose — the model-based tests hold the database to it.
 */
export const MAX_AMOUNT = (1n << 63n) - 1n;
export const DEBITS_MUST_NOT_EXCEED_CREDITS = 1;
export const CREDITS_MUST_NOT_EXCEED_DEBITS = 2;
/** The account keeps its balance after every transfer (ledger_balances); without it, only its running totals. */
export const HISTORY = 4;

export type TransferKind = 'single' | 'pending' | 'post' | 'void';

export interface Totals {
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface ModelAccount extends Totals {
  id: string;
  ledger: string;
  flags: number;
  version: bigint;
}

export interface ModelTransfer {
  id: string;
  kind: TransferKind;
  debit: string;
  credit: string;
  amount: bigint;
  ledger: string;
  code: string;
  pendingId: string | null;
}

export interface TransferRequest {
  id: string;
  kind?: TransferKind;
  debit?: string;
  credit?: string;
  amount?: bigint;
  code?: string;
  pendingId?: string;
  linked?: boolean;
}

export interface HistoryEntry extends Totals {
  version: bigint;
  transferId: string;
}

interface State {
  accounts: Map<string, ModelAccount>;
  transfers: Map<string, ModelTransfer>;
  /** In the order they were applied (the database's seq order). */
  log: ModelTransfer[];
  resolved: Set<string>;
  failed: Set<string>;
  history: Map<string, HistoryEntry[]>;
}

/** Results that do not mark an id failed. */
const NOT_RECORDED = new Set([
  'ok',
  'exists',
  'id_already_failed',
  'id_must_not_be_empty',
  'linked_event_failed',
  'linked_event_chain_open',
]);

export const zeroTotals = (): Totals => ({
  debitsPending: 0n,
  debitsPosted: 0n,
  creditsPending: 0n,
  creditsPosted: 0n,
});

export class LedgerModel {
  private s: State = {
    accounts: new Map(),
    transfers: new Map(),
    log: [],
    resolved: new Set(),
    failed: new Set(),
    history: new Map(),
  };

  createAccount(a: { id: string; ledger: string; flags?: number }): void {
    if (this.s.accounts.has(a.id)) return;
    this.s.accounts.set(a.id, { id: a.id, ledger: a.ledger, flags: a.flags ?? 0, version: 0n, ...zeroTotals() });
    this.s.history.set(a.id, []);
  }

  account(id: string): ModelAccount | undefined {
    const a = this.s.accounts.get(id);
    return a ? { ...a } : undefined;
  }

  accounts(): ModelAccount[] {
    return [...this.s.accounts.values()].map((a) => ({ ...a }));
  }

  transfer(id: string): ModelTransfer | undefined {
    return this.s.transfers.get(id);
  }

  transfers(): readonly ModelTransfer[] {
    return this.s.log;
  }

  history(id: string): readonly HistoryEntry[] {
    return this.s.history.get(id) ?? [];
  }

  /** One batch: one result per transfer, as ledger_apply returns them. */
  apply(batch: TransferRequest[]): string[] {
    const results: string[] = [];
    let i = 0;
    while (i < batch.length) {
      const start = i;
      while (i < batch.length - 1 && batch[i]!.linked) i++;
      const end = i;
      i++;
      let chain: string[] = [];
      if (batch[end]!.linked) {
        for (let j = start; j <= end; j++) chain.push(j === end ? 'linked_event_chain_open' : 'linked_event_failed');
      } else if (start === end) {
        chain = [this.applyOne(batch[start]!)];
      } else {
        const saved = this.snapshot();
        for (let j = start; j <= end; j++) {
          const r = this.applyOne(batch[j]!);
          if (r !== 'ok' && r !== 'exists') {
            this.s = saved;
            chain = [];
            for (let k = start; k <= end; k++) chain.push(k === j ? r : 'linked_event_failed');
            break;
          }
          chain.push(r);
        }
      }
      for (let j = start; j <= end; j++) {
        const r = chain[j - start]!;
        if (!NOT_RECORDED.has(r) && !r.startsWith('exists_with_different_')) this.s.failed.add(batch[j]!.id);
      }
      results.push(...chain);
    }
    return results;
  }

  private snapshot(): State {
    const s = this.s;
    return {
      accounts: new Map([...s.accounts].map(([k, a]) => [k, { ...a }])),
      transfers: new Map(s.transfers),
      log: [...s.log],
      resolved: new Set(s.resolved),
      failed: new Set(s.failed),
      history: new Map([...s.history].map(([k, h]) => [k, [...h]])),
    };
  }

  private applyOne(t: TransferRequest): string {
    const kind = t.kind ?? 'single';
    let amount = t.amount ?? 0n;
    if (!t.id) return 'id_must_not_be_empty';
    const existing = this.s.transfers.get(t.id);
    if (existing) return sameAsExisting(existing, t, kind, amount, (id) => this.s.transfers.get(id));
    if (this.s.failed.has(t.id)) return 'id_already_failed';
    if (amount < 0n) return 'amount_must_not_be_negative';

    if (kind === 'single' || kind === 'pending') {
      if (amount === 0n) return 'amount_must_not_be_zero';
      if (t.debit !== undefined && t.debit === t.credit) return 'accounts_must_be_different';
      const d = t.debit === undefined ? undefined : this.s.accounts.get(t.debit);
      if (!d) return 'debit_account_not_found';
      const c = t.credit === undefined ? undefined : this.s.accounts.get(t.credit);
      if (!c) return 'credit_account_not_found';
      if (d.ledger !== c.ledger) return 'accounts_must_have_the_same_ledger';
      if (d.debitsPending + d.debitsPosted > MAX_AMOUNT - amount) return 'overflows_debits';
      if (c.creditsPending + c.creditsPosted > MAX_AMOUNT - amount) return 'overflows_credits';
      if (d.flags & DEBITS_MUST_NOT_EXCEED_CREDITS && d.debitsPending + d.debitsPosted + amount > d.creditsPosted)
        return 'exceeds_credits';
      if (c.flags & CREDITS_MUST_NOT_EXCEED_DEBITS && c.creditsPending + c.creditsPosted + amount > c.debitsPosted)
        return 'exceeds_debits';
      const tr: ModelTransfer = {
        id: t.id,
        kind,
        debit: d.id,
        credit: c.id,
        amount,
        ledger: d.ledger,
        code: t.code ?? '',
        pendingId: null,
      };
      this.record(tr);
      return 'ok';
    }

    if (!t.pendingId) return 'pending_id_must_not_be_empty';
    const p = this.s.transfers.get(t.pendingId);
    if (!p) return 'pending_transfer_not_found';
    if (p.kind !== 'pending') return 'pending_transfer_not_pending';
    if (this.s.resolved.has(p.id)) return 'pending_transfer_already_resolved';
    if (kind === 'void') {
      if (amount !== 0n && amount !== p.amount) return 'pending_transfer_has_different_amount';
      amount = 0n;
    } else if (amount === 0n) amount = p.amount;
    else if (amount > p.amount) return 'exceeds_pending_transfer_amount';
    this.record({
      id: t.id,
      kind,
      debit: p.debit,
      credit: p.credit,
      amount,
      ledger: p.ledger,
      code: p.code,
      pendingId: p.id,
    });
    return 'ok';
  }

  private record(tr: ModelTransfer): void {
    this.s.transfers.set(tr.id, tr);
    this.s.log.push(tr);
    if (tr.pendingId) this.s.resolved.add(tr.pendingId);
    const pending = tr.pendingId ? this.s.transfers.get(tr.pendingId)!.amount : 0n;
    for (const [id, delta] of [
      [tr.debit, effect(tr, 'debit', pending)],
      [tr.credit, effect(tr, 'credit', pending)],
    ] as const) {
      const a = { ...this.s.accounts.get(id)! };
      a.debitsPending += delta.debitsPending;
      a.debitsPosted += delta.debitsPosted;
      a.creditsPending += delta.creditsPending;
      a.creditsPosted += delta.creditsPosted;
      a.version += 1n;
      this.s.accounts.set(id, a);
      if (a.flags & HISTORY)
        this.s.history.set(id, [
          ...(this.s.history.get(id) ?? []),
          { version: a.version, transferId: tr.id, ...totalsOf(a) },
        ]);
    }
  }
}

export const totalsOf = (a: Totals): Totals => ({
  debitsPending: a.debitsPending,
  debitsPosted: a.debitsPosted,
  creditsPending: a.creditsPending,
  creditsPosted: a.creditsPosted,
});

/** What one stored transfer does to one side; `pendingAmount` is the amount of the pending a post/void resolves. */
export function effect(
  t: { kind: TransferKind; amount: bigint },
  side: 'debit' | 'credit',
  pendingAmount: bigint,
): Totals {
  const z = zeroTotals();
  const [pendingKey, postedKey] =
    side === 'debit' ? (['debitsPending', 'debitsPosted'] as const) : (['creditsPending', 'creditsPosted'] as const);
  if (t.kind === 'single') z[postedKey] = t.amount;
  else if (t.kind === 'pending') z[pendingKey] = t.amount;
  else {
    z[pendingKey] = -pendingAmount;
    z[postedKey] = t.kind === 'post' ? t.amount : 0n;
  }
  return z;
}

function sameAsExisting(
  e: ModelTransfer,
  t: TransferRequest,
  kind: TransferKind,
  amount: bigint,
  find: (id: string) => ModelTransfer | undefined,
): string {
  if (e.kind !== kind) return 'exists_with_different_kind';
  if (kind === 'single' || kind === 'pending') {
    if (e.debit !== t.debit || e.credit !== t.credit) return 'exists_with_different_accounts';
    if (e.amount !== amount) return 'exists_with_different_amount';
    if (e.code !== (t.code ?? '')) return 'exists_with_different_code';
    return 'exists';
  }
  if (e.pendingId !== (t.pendingId ?? null)) return 'exists_with_different_pending_id';
  const p = find(e.pendingId!)!;
  let requested = amount;
  if (requested === 0n && kind === 'post') requested = p.amount;
  if (kind === 'void' && requested === p.amount) requested = 0n;
  return e.amount === requested ? 'exists' : 'exists_with_different_amount';
}

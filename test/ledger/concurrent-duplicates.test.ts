/**
 * On real PostgreSQL (PGlite runs one transaction at a time): 32 clients send the same transfer id
 * at once — with the same content, and with different content on disjoint accounts (so no account
 * lock orders them) — and 32 clients post or void one pending transfer at once. Exactly one wins;
 * the others get the idempotent answer, never an error; `ledger verify` is clean.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, onPostgres } from '../../src/adapters/db/testing';
import type { Database } from '../../src/adapters/db/database';
import { createLedgerRepository, HISTORY } from '../../src/modules/ledger/ledger.repository';
import { verifyLedger } from '../../src/modules/ledger/ledger.verify';

const CLIENTS = 32;

describe.runIf(onPostgres)('concurrent duplicates (PostgreSQL only; npm run test:pg)', () => {
  let database: Database & { url?: string };
  beforeAll(async () => {
    database = await openTestDatabase();
    await createLedgerRepository({ db: database.db }).createAccounts([
      { id: 'src', ledger: 'liability', code: 'limit', flags: HISTORY },
      ...Array.from({ length: CLIENTS }, (_, i) => ({
        id: `dst:${i}`,
        ledger: 'liability' as const,
        code: 'exposure',
        flags: HISTORY,
      })),
      ...Array.from({ length: CLIENTS }, (_, i) => ({
        id: `src:${i}`,
        ledger: 'liability' as const,
        code: 'limit',
        flags: HISTORY,
      })),
    ]);
  });
  afterAll(async () => {
    await database.close();
  });

  /** Each client its own connection, released together; returns each client's result for its one transfer. */
  async function race(batchOf: (i: number) => unknown[]): Promise<string[]> {
    const clients = Array.from({ length: CLIENTS }, () => postgres(database.url!, { max: 1, onnotice: () => {} }));
    await Promise.all(clients.map((c) => c`select 1`));
    try {
      const results = await Promise.all(
        clients.map(async (c, i) => {
          const [r] = await c`select ledger_apply(${c.json(batchOf(i) as postgres.JSONValue)}::jsonb) as results`;
          return (r!.results as string[])[0]!;
        }),
      );
      return results;
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  }
  const count = (rs: string[]) => rs.reduce<Record<string, number>>((m, r) => ({ ...m, [r]: (m[r] ?? 0) + 1 }), {});
  const rows = async (q: string) => {
    const s = postgres(database.url!, { max: 1 });
    try {
      return await s.unsafe(q);
    } finally {
      await s.end();
    }
  };

  it('the same id with the same content: one ok, the rest exists, applied once', async () => {
    const rs = await race(() => [{ id: 'same', debit: 'src', credit: 'dst:0', amount: '100', code: 'reserve' }]);
    expect(count(rs)).toEqual({ ok: 1, exists: CLIENTS - 1 });
    const [a] = await rows(`select credits_posted::text c, version::text v from ledger_accounts where id = 'dst:0'`);
    expect(a).toEqual({ c: '100', v: '1' });
  });

  it('the same id with different accounts (no shared lock): one ok, the rest exists_with_different_accounts, no error', async () => {
    const rs = await race((i) => [
      { id: 'contested', debit: `src:${i}`, credit: `dst:${i}`, amount: '7', code: 'reserve' },
    ]);
    expect(count(rs)).toEqual({ ok: 1, exists_with_different_accounts: CLIENTS - 1 });
    const [n] = await rows(`select count(*)::int n from ledger_balances where transfer_id = 'contested'`);
    expect(n).toEqual({ n: 2 }); // one debit side, one credit side: applied once
  });

  it('the same id failing and succeeding at once: it either failed for all or succeeded for all', async () => {
    // half the clients send an amount over the capped account's room, half a fitting one, all under one id
    await createLedgerRepository({ db: database.db }).createAccounts([
      { id: 'capped', ledger: 'liability', code: 'capacity', flags: 1 },
    ]);
    expect(
      await createLedgerRepository({ db: database.db }).apply([
        { id: 'fund-capped', debit: 'src', credit: 'capped', amount: 10n, code: 'limit' },
      ]),
    ).toEqual(['ok']);
    const rs = await race((i) => [
      { id: 'mixed', debit: 'capped', credit: `dst:${i}`, amount: i % 2 ? '11' : '10', code: 'reserve' },
    ]);
    const c = count(rs);
    const first = c.ok ? 'ok' : 'exceeds_credits';
    expect(c[first]).toBe(1);
    // the losers see the winner's outcome: its transfer (with other accounts than theirs) or its failure
    if (first === 'ok') expect(c.exists_with_different_accounts).toBe(CLIENTS - 1);
    else expect(c.id_already_failed).toBe(CLIENTS - 1);
    const [t] = await rows(
      `select (select count(*)::int from ledger_transfers where id = 'mixed') applied, (select count(*)::int from ledger_failed_transfers where id = 'mixed') failed`,
    );
    expect(t!.applied + t!.failed).toBe(1); // never both
  });

  it('post and void of one pending at once: exactly one resolves it', async () => {
    const ledger = createLedgerRepository({ db: database.db });
    // An account of its own: an earlier test's winner may have credited any dst:i.
    await ledger.createAccounts([{ id: 'dst:post-void', ledger: 'liability', code: 'exposure' }]);
    expect(
      await ledger.apply([
        { id: 'pend', kind: 'pending', debit: 'src', credit: 'dst:post-void', amount: 1_000n, code: 'reserve' },
      ]),
    ).toEqual(['ok']);
    const rs = await race((i) => [
      i % 2
        ? { id: `post:${i}`, kind: 'post', pendingId: 'pend', amount: String(i) }
        : { id: `void:${i}`, kind: 'void', pendingId: 'pend' },
    ]);
    const c = count(rs);
    expect(c.ok).toBe(1);
    expect(c.pending_transfer_already_resolved).toBe(CLIENTS - 1);
    const resolved = await rows(`select id, amount::text amount from ledger_transfers where pending_id = 'pend'`);
    expect(resolved).toHaveLength(1);
    const [acc] = await rows(
      `select credits_pending::text cp, credits_posted::text cpo from ledger_accounts where id = 'dst:post-void'`,
    );
    expect(acc!.cp).toBe('0');
    expect(acc!.cpo).toBe(resolved[0]!.amount);
  });

  it('the same post id from every client at once: one ok, the rest exists', async () => {
    const ledger = createLedgerRepository({ db: database.db });
    expect(
      await ledger.apply([
        { id: 'pend2', kind: 'pending', debit: 'src', credit: 'dst:2', amount: 500n, code: 'reserve' },
      ]),
    ).toEqual(['ok']);
    const rs = await race(() => [{ id: 'post-pend2', kind: 'post', pendingId: 'pend2', amount: '300' }]);
    expect(count(rs)).toEqual({ ok: 1, exists: CLIENTS - 1 });
    expect((await verifyLedger({ db: database.db })).violations).toEqual([]);
  });
});

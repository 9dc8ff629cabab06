/**
 * Lock order of the fund's limit (R15) against `ledger_apply` (PostgreSQL only: PGlite has one
 * connection, so nothing there waits on anything). `ledger_apply` takes advisory locks on its
 * transfer ids (7260002, `hashtext(id) & 1023`), then the account rows. A claim payment locks the
 * fund's capacity row before its batch; it used to take its transfer ids' advisory locks only in the
 * batch, after the row, and deadlocked (40P01) with a filing that held such a lock and waited for
 * the capacity row (seen under `npm run test:ha`'s load). Here a transaction plays that filing: it
 * holds the advisory lock the payment's `:pay` transfer hashes to, lets the payment start, then
 * asks for the capacity row. Both must finish, in that order, and the claim be paid.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../src/adapters/db/testing';
import { parseYuan } from '../../src/core/money/money';
import { approveClaim, payApprovedClaim, prepareClaim, submitClaim } from '../../src/modules/claims/claims.usecases';
import { fileLoan } from '../../src/modules/filings/filings.usecases';
import { reportClassification } from '../../src/modules/servicing/servicing.usecases';
import { rowsOf } from '../../src/modules/shared/rows';
import { etownWorld, icbc, manager, reviewer } from './fixture';

describe.runIf(onPostgres)('a claim payment and a filing wait on each other in one order (PostgreSQL only)', () => {
  let w: Awaited<ReturnType<typeof etownWorld>>;
  beforeAll(async () => {
    w = await etownWorld({ capital: '3000000.00' });
  });
  afterAll(async () => w?.close());

  it('the payment takes its transfer ids’ advisory locks before the capacity row: no deadlock, both commit', async () => {
    const e = await w.enterprise(1);
    const { filing } = await fileLoan({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      today: '2025-09-03',
      input: {
        bankRef: 'LOCK-1',
        enterpriseId: e,
        loan: { kind: 'credit', principal: parseYuan('1000000.00'), disbursedOn: '2025-09-01', mode: 'direct' },
      } as never,
    });
    await reportClassification({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      id: filing.id,
      classification: 'doubtful',
      overdueSince: null,
      on: '2026-04-10',
      today: '2026-04-10',
    });
    const { claim } = await submitClaim({
      db: w.db,
      catalog: w.catalog,
      actor: icbc,
      input: { filingId: filing.id },
      today: '2026-04-13',
    });
    await prepareClaim({ db: w.db, catalog: w.catalog, actor: manager, id: claim.id, today: '2026-04-13' });
    // written before the dossier (R20): the claim is approved without materials
    await approveClaim({
      dossier: 'waived',
      db: w.db,
      catalog: w.catalog,
      actor: reviewer,
      id: claim.id,
      today: '2026-04-14',
    });

    const order: string[] = [];
    let paying: Promise<unknown> | undefined;
    const filingLike = w.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(7260002, hashtext(${`${claim.id}:pay`}) & 1023)`);
      paying = payApprovedClaim({ db: w.db, actor: manager, id: claim.id, today: '2026-04-15' }).then(
        (c) => {
          order.push('paid');
          return c;
        },
        (e: unknown) => e, // a deadlock victim (40P01), thrown below
      );
      // Until the payment waits on a lock (its advisory lock now; the capacity row with the old order).
      for (let i = 0; i < 200; i++) {
        const waiting = rowsOf(
          await tx.execute(sql`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`),
        );
        if (Number(waiting[0]!.n) > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await tx.execute(sql`select id from ledger_accounts where id = 'etown:capacity' for update`);
      order.push('filing');
    });
    await filingLike;
    const paid = await paying;
    if (paid instanceof Error) throw paid;
    expect(order).toEqual(['filing', 'paid']);
    expect((paid as { state: string }).state).toBe('paid');
  }, 120_000);
});

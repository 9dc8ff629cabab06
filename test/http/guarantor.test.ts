/**
 * A guarantor officer confirms its part of the risk-sharing loans its institution guarantees
 * (DESIGN.md roles; F14–F16), on a small seeded demo (older loans confirmed, the last fortnight's
 * waiting): its worklist (`guarantorConfirmed=false`),
 * the confirmation on the loan, in its timeline and the audit log; again is the same answer;
 * another guarantor's loan and a direct loan answer 404; no other role may confirm (403); a
 * withdrawn loan cannot be confirmed (409, in both languages).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/modules/demo/demo.seed';
import { rowsOf } from '../../src/modules/shared/rows';
import { ok, send, startTestApp, type Client } from './harness';

const TODAY = '2026-11-25';
let t: Awaited<ReturnType<typeof startTestApp>>;
let bjcg: Client, zgc: Client, manager: Client, reviewer: Client, auditor: Client, icbc: Client;
interface Filing {
  id: string;
  bankId: string;
  status: string;
  mode: string;
  guarantorId: string | null;
  guarantorConfirmation: { on: string; by: string } | null;
  events?: { kind: string; actor: string }[];
}
const rows = async (q: ReturnType<typeof sql>) => rowsOf(await t.database.db.execute(q));
/** Every filing a client's list holds with the given query, walking the pages. */
async function listAll(client: Client, query: string): Promise<Filing[]> {
  const out: Filing[] = [];
  let cursor = '';
  do {
    const page = (await ok(await client(`/api/filings?limit=500&${query}${cursor ? `&cursor=${cursor}` : ''}`))) as {
      items: Filing[];
      nextCursor: string | null;
    };
    out.push(...page.items);
    cursor = page.nextCursor ?? '';
  } while (cursor);
  return out;
}

beforeAll(async () => {
  t = await startTestApp({ today: () => TODAY });
  await seedDemo({ db: t.database.db, catalog: t.services.ops.catalog(), asOf: TODAY, loans: 400, enterprises: 200 });
  bjcg = await t.signIn('bjcg-officer', 'guarantor', { guarantorId: 'guarantor-bjcg' });
  zgc = await t.signIn('zgc-officer', 'guarantor', { guarantorId: 'guarantor-zgc' });
  manager = await t.signIn('manager', 'manager');
  reviewer = await t.signIn('reviewer', 'reviewer');
  auditor = await t.signIn('auditor', 'auditor');
  icbc = await t.signIn('bank-icbc', 'bank', { bankId: 'bank-icbc' });
}, 180_000);
afterAll(async () => t?.close());

describe('a guarantor confirms its risk-sharing loans', () => {
  it('works through its list of loans to confirm; each confirmation is on the loan, in its timeline and audited; again changes nothing', async () => {
    const todo = await listAll(bjcg, 'guarantorConfirmed=false&status=active');
    const [expected] = await rows(
      sql`select count(*)::int as n from filings where guarantor_id = 'guarantor-bjcg' and status = 'active' and guarantor_confirmed_on is null`,
    );
    expect(todo.length).toBe(expected!.n);
    expect(todo.length).toBeGreaterThan(1);
    expect(
      todo.every(
        (f) => f.mode === 'risk-sharing' && f.guarantorId === 'guarantor-bjcg' && f.guarantorConfirmation === null,
      ),
    ).toBe(true);

    const confirmedBefore = (await listAll(manager, 'guarantorConfirmed=true')).map((f) => f.id);
    expect(confirmedBefore.length).toBeGreaterThan(0); // the demo's guarantors confirmed their older loans
    const loan = todo[0]!;
    const confirmed = (await ok(await send(bjcg, 'POST', `/api/filings/${loan.id}/guarantor-confirmation`))) as Filing;
    expect(confirmed.guarantorConfirmation).toEqual({ on: TODAY, by: 'bjcg-officer' });
    const again = (await ok(await send(bjcg, 'POST', `/api/filings/${loan.id}/guarantor-confirmation`))) as Filing;
    expect(again.guarantorConfirmation).toEqual({ on: TODAY, by: 'bjcg-officer' });

    const detail = (await ok(await manager(`/api/filings/${loan.id}`))) as Filing;
    expect(detail.guarantorConfirmation).toEqual({ on: TODAY, by: 'bjcg-officer' });
    expect(detail.events!.filter((e) => e.kind === 'guarantor-confirmed')).toEqual([
      expect.objectContaining({ actor: 'bjcg-officer' }),
    ]);
    const audit = (await ok(await auditor(`/api/audit?entityKind=filing&entityId=${loan.id}`))) as {
      items: { action: string; before: Filing; after: Filing }[];
    };
    const entries = audit.items.filter((a) => a.action === 'filing.guarantor-confirm');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.before.guarantorConfirmation).toBeNull();
    expect(entries[0]!.after.guarantorConfirmation).toEqual({ on: TODAY, by: 'bjcg-officer' });

    const left = await listAll(bjcg, 'guarantorConfirmed=false&status=active');
    expect(left.map((f) => f.id)).toEqual(todo.slice(1).map((f) => f.id));
    expect((await listAll(manager, 'guarantorConfirmed=true')).map((f) => f.id).sort()).toEqual(
      [...confirmedBefore, loan.id].sort(),
    );
    // The bank sees its loan confirmed too.
    const bank = await t.signIn('officer-of-the-loan', 'bank', { bankId: loan.bankId });
    const bankView = (await ok(await bank(`/api/filings/${loan.id}`))) as Filing;
    expect(bankView.guarantorConfirmation).toEqual({ on: TODAY, by: 'bjcg-officer' });
  });

  it('only the loan’s own guarantor: another guarantor and a direct loan answer 404; other roles 403; nothing written', async () => {
    const [theirs] = await listAll(zgc, 'guarantorConfirmed=false&status=active');
    const [direct] = await rows(sql`select id from filings where mode = 'direct' limit 1`);
    expect((await send(bjcg, 'POST', `/api/filings/${theirs!.id}/guarantor-confirmation`)).status).toBe(404);
    expect((await send(bjcg, 'POST', `/api/filings/${direct!.id}/guarantor-confirmation`)).status).toBe(404);
    expect((await send(bjcg, 'POST', '/api/filings/no-such-loan/guarantor-confirmation')).status).toBe(404);
    for (const c of [manager, reviewer, auditor, icbc])
      expect((await send(c, 'POST', `/api/filings/${theirs!.id}/guarantor-confirmation`)).status).toBe(403);
    expect(((await ok(await zgc(`/api/filings/${theirs!.id}`))) as Filing).guarantorConfirmation).toBeNull();
    const bad = await bjcg('/api/filings?guarantorConfirmed=yes');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('guarantorConfirmed');
  });

  it('a withdrawn loan cannot be confirmed: 409 in both languages', async () => {
    const [loan] = await listAll(bjcg, 'guarantorConfirmed=false&status=active');
    await ok(await send(manager, 'POST', `/api/filings/${loan!.id}/withdraw`, { reason: '重复备案 / filed twice' }));
    const res = await send(bjcg, 'POST', `/api/filings/${loan!.id}/guarantor-confirmation`);
    expect(res.status).toBe(409);
    // It leaves the worklist: it never will be confirmed.
    expect((await listAll(bjcg, 'guarantorConfirmed=false')).map((f) => f.id)).not.toContain(loan!.id);
    expect(await res.json()).toMatchObject({
      detail: 'A withdrawn filing cannot be confirmed.',
      detailZh: '“已撤销”的贷款不能确认。',
      errors: [{ field: 'status' }],
    });
  });
});

/**
 * Ledger accounts by name (issue 18): `etown:cash` as "亦庄科技金融风险补偿资金 · 现金", a bank's payable
 * with the bank, a quota with its agreement (bank · programme), a loan's exposure with its contract
 * number, an enterprise's cap with the enterprise. The records' names come from audit.names
 * `entityNames`, the codes' words from core/ledger/account-words.
 */
import { sql } from 'drizzle-orm';
import { accountName } from '../../core/ledger/account-words';
import { enterpriseOfCapKey } from '../../core/ledger/fund-operations';
import type { Bilingual } from '../../core/text';
import { entityNames, nameKey } from '../audit/audit.names';
import type { Db } from '../shared/db';
import { anyOfTexts } from '../shared/json-texts';
import { rowsOf } from '../shared/rows';

/** The record an account is for, as entityNames knows it; an enterprise cap's key ends with the enterprise's id. */
function recordOf(kind: string | null, id: string | null): { entityKind: string; entityId: string } | null {
  if (!kind || !id || kind === 'fund') return null;
  if (kind === 'enterprise-cap') return { entityKind: 'enterprise', entityId: enterpriseOfCapKey(id) };
  return { entityKind: kind, entityId: id };
}

/** The names of these accounts, by id; an id that is no account is left out. */
export async function accountNames(db: Db, ids: readonly string[]): Promise<Map<string, Bilingual>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const accounts = rowsOf(
    await db.execute(sql`select id, code, fund_id, entity_kind, entity_id from ledger_accounts
      where id = ${anyOfTexts(unique)}`),
  ).map((r) => ({
    id: String(r.id),
    code: String(r.code),
    fundId: (r.fund_id as string | null) ?? null,
    record: recordOf((r.entity_kind as string | null) ?? null, (r.entity_id as string | null) ?? null),
  }));
  const names = await entityNames(db, [
    ...accounts.flatMap((a) => (a.fundId ? [{ entityKind: 'fund', entityId: a.fundId }] : [])),
    ...accounts.flatMap((a) => (a.record ? [a.record] : [])),
  ]);
  const nameOf = (kind: string, id: string): Bilingual => {
    const n = names.get(nameKey(kind, id));
    return n ? { zh: n.zh, en: n.en } : { zh: id, en: id };
  };
  return new Map(
    accounts.map((a) => [
      a.id,
      accountName(
        a.fundId ? nameOf('fund', a.fundId) : { zh: '—', en: '—' },
        a.code,
        a.record ? nameOf(a.record.entityKind, a.record.entityId) : null,
      ),
    ]),
  );
}

/**
 * The records an audit page names, as people know them (issue 18): a claim by its number, a loan by
 * its bank's contract number, an enterprise, an institution, a fund by name, a person by name and
 * username — with the record to link to (a recovery's is its claim). One query per kind on the page.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { anyOfTexts } from '../shared/json-texts';
import { rowsOf } from '../shared/rows';
import { enterpriseIdsMatching, likeEscape } from '../shared/search';

export interface EntityName {
  /** The kind of record to link to (`bank`, `guarantor`… for an institution; `claim` for a recovery). */
  kind: string;
  /** Its id. */
  id: string;
  zh: string;
  en: string;
}

/** Each kind's query: rows of (entity_id, kind, ref, zh, en) for the ids asked. */
const NAMES: Record<string, (ids: string[]) => SQL> = {
  claim: (ids) => sql`select id as entity_id, 'claim' as kind, id as ref, number as zh, number as en
    from claims where id = ${anyOfTexts(ids)}`,
  filing: (ids) => sql`select id as entity_id, 'filing' as kind, id as ref, bank_ref as zh, bank_ref as en
    from filings where id = ${anyOfTexts(ids)}`,
  recovery: (ids) => sql`select r.id as entity_id, 'claim' as kind, c.id as ref, c.number as zh, c.number as en
    from recoveries r join claims c on c.id = r.claim_id where r.id = ${anyOfTexts(ids)}`,
  enterprise: (ids) => sql`select id as entity_id, 'enterprise' as kind, id as ref, name as zh, name as en
    from enterprises where id = ${anyOfTexts(ids)}`,
  institution: (ids) => sql`select id as entity_id, kind, id as ref, name as zh, coalesce(name_en, name) as en
    from institutions where id = ${anyOfTexts(ids)}`,
  fund: (ids) => sql`select id as entity_id, 'fund' as kind, id as ref, name as zh, name as en
    from funds where id = ${anyOfTexts(ids)}`,
  programme: (ids) => sql`select id as entity_id, 'programme' as kind, id as ref, title_zh as zh, title_en as en
    from programmes where id = ${anyOfTexts(ids)}`,
  agreement: (ids) => sql`select a.id as entity_id, 'agreement' as kind, a.id as ref,
      i.name || ' · ' || p.title_zh as zh, coalesce(i.name_en, i.name) || ' · ' || p.title_en as en
    from agreements a join institutions i on i.id = a.institution_id join programmes p on p.id = a.programme_id
    where a.id = ${anyOfTexts(ids)}`,
  user: (ids) => sql`select id as entity_id, 'user' as kind, id as ref,
      display_name || '（' || username || '）' as zh, display_name || ' (' || username || ')' as en
    from users where id = ${anyOfTexts(ids)}`,
  'api-token': (ids) => sql`select t.id as entity_id, 'api-token' as kind, t.id as ref,
      t.name || '（' || u.username || '）' as zh, t.name || ' (' || u.username || ')' as en
    from api_tokens t join users u on u.id = t.user_id where t.id = ${anyOfTexts(ids)}`,
  webhook: (ids) => sql`select id as entity_id, 'webhook' as kind, id as ref, url as zh, url as en
    from webhook_endpoints where id = ${anyOfTexts(ids)}`,
  // A ledger batch is named by its first transfer, whose id holds the id of what it is for: a loan
  // or a claim (`<id>:reserve`), a recovery's refund (its claim), a fund's top-up (`<id>:cash`), an agreement (`<id>:quota:1`), an
  // enterprise's cap (`<fund>:enterprise-cap:<programme>:<bank>:<enterprise>:open`).
  ledger: (ids) => sql`select x.id as entity_id,
      case when coalesce(c.id, rc.id) is not null then 'claim' when f.id is not null then 'filing'
        when e.id is not null then 'enterprise' when tu.id is not null then 'fund' else 'agreement' end as kind,
      coalesce(c.id, rc.id, f.id, e.id, tu.fund_id, a.id) as ref,
      coalesce(c.number, rc.number, f.bank_ref, e.name, fu.name, ai.name || ' · ' || ap.title_zh) as zh,
      coalesce(c.number, rc.number, f.bank_ref, e.name, fu.name, coalesce(ai.name_en, ai.name) || ' · ' || ap.title_en) as en
    from (select id, substring(id from '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}') as u
      from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) as j(id)) x
    left join claims c on c.id = x.u
    left join recoveries r on r.id = x.u
    left join claims rc on rc.id = r.claim_id
    left join filings f on f.id = x.u
    left join enterprises e on e.id = x.u
    left join fund_top_ups tu on tu.id = x.u
    left join funds fu on fu.id = tu.fund_id
    left join agreements a on a.id = x.u
    left join institutions ai on ai.id = a.institution_id
    left join programmes ap on ap.id = a.programme_id
    where coalesce(c.id, rc.id, f.id, e.id, tu.id, a.id) is not null`,
};

/** How `entityNames` keys a record's name. */
export const nameKey = (entityKind: string, entityId: string) => `${entityKind}\u0000${entityId}`;

/** The names of these records, by `nameKey`; a record not found (or of a kind without a name) is left out. */
export async function entityNames(
  db: Db,
  entries: readonly { entityKind: string; entityId: string }[],
): Promise<Map<string, EntityName>> {
  const byKind = new Map<string, Set<string>>();
  for (const e of entries) {
    if (!NAMES[e.entityKind]) continue;
    let ids = byKind.get(e.entityKind);
    if (!ids) byKind.set(e.entityKind, (ids = new Set()));
    ids.add(e.entityId);
  }
  const out = new Map<string, EntityName>();
  for (const [kind, ids] of byKind) {
    const rows = rowsOf(await db.execute(NAMES[kind]!([...ids])));
    for (const r of rows)
      out.set(nameKey(kind, String(r.entity_id)), {
        kind: String(r.kind),
        id: String(r.ref),
        zh: String(r.zh),
        en: String(r.en),
      });
  }
  return out;
}

/**
 * The log rows whose record `q` names (issue 18), as a condition on `audit_log`: its id as written,
 * or — found the way the lists' search finds it (shared/search) — a claim (or its recovery) by the
 * beginning of its number, a loan by the beginning of its contract number, an enterprise by a part of
 * its name or the beginning of its credit code, an institution, fund, agreement (its institution or
 * programme) or person by a part of a name.
 */
export function namedBy(q: string): SQL {
  const part = `%${likeEscape(q)}%`;
  const prefix = `${likeEscape(q)}%`;
  const claims = sql`(select id from claims where number ilike ${prefix})`;
  const filings = sql`(select id from filings where bank_ref like ${prefix})`;
  const enterprises = enterpriseIdsMatching(q);
  return sql`(entity_id = ${q}
    or (entity_kind = 'claim' and entity_id in ${claims})
    or (entity_kind = 'recovery' and entity_id in (select id from recoveries where claim_id in ${claims}))
    or (entity_kind = 'filing' and entity_id in ${filings})
    or (entity_kind = 'enterprise' and entity_id in ${enterprises})
    or (entity_kind = 'institution' and entity_id in (select id from institutions where name ilike ${part} or name_en ilike ${part}))
    or (entity_kind = 'fund' and entity_id in (select id from funds where name ilike ${part}))
    or (entity_kind = 'agreement' and entity_id in (select a.id from agreements a
      join institutions i on i.id = a.institution_id join programmes p on p.id = a.programme_id
      where i.name ilike ${part} or i.name_en ilike ${part} or p.title_zh ilike ${part} or p.title_en ilike ${part}))
    or (entity_kind = 'user' and entity_id in (select id from users where display_name ilike ${part} or username ilike ${part})))`;
}

/** The log rows written by the person `q` names: their username as written, or a part of their display name. */
export function byActor(q: string): SQL {
  return sql`(actor = ${q} or actor in (select username from users where display_name ilike ${`%${likeEscape(q)}%`}))`;
}

/** The people who wrote these rows, by username: their display name and role (a username no longer a user's is left out). */
export async function actorNames(
  db: Db,
  usernames: readonly string[],
): Promise<Map<string, { displayName: string; role: string }>> {
  const unique = [...new Set(usernames)];
  if (unique.length === 0) return new Map();
  const rows = rowsOf(
    await db.execute(sql`select username, display_name, role from users where username = ${anyOfTexts(unique)}`),
  );
  return new Map(rows.map((r) => [String(r.username), { displayName: String(r.display_name), role: String(r.role) }]));
}

/**
 * Names beside codes in the downloads (issue 18): after each column of codes — a bank, a programme,
 * a fund, a guarantor or other party, a loan kind — a column of their names in the request's
 * language, headed in it. The code column stays: bank systems read it. Names come from the one
 * dictionary of records (audit.names `entityNames`) and of vocabularies (core/policy `label`).
 */
import { label, type Lang } from '../../core/policy/labels';
import type { Bilingual } from '../../core/text';
import { entityNames, nameKey } from '../audit/audit.names';
import type { Db } from '../shared/db';
import type { Cell, ReportTable } from './reports.export';

type Source = { record: 'institution' | 'fund' | 'programme' } | { vocabulary: true };

const NAMED: Record<string, { source: Source; header: Bilingual }> = {
  bank: { source: { record: 'institution' }, header: { zh: '银行名称', en: 'Bank name' } },
  programme: { source: { record: 'programme' }, header: { zh: '政策名称', en: 'Programme name' } },
  fundId: { source: { record: 'fund' }, header: { zh: '补偿资金名称', en: 'Fund name' } },
  institutionId: { source: { record: 'institution' }, header: { zh: '机构名称', en: 'Institution name' } },
  kind: { source: { vocabulary: true }, header: { zh: '贷款品种', en: 'Loan kind' } },
  party: { source: { vocabulary: true }, header: { zh: '分险方', en: 'Party' } },
};

/** The table with a name column after each column of codes it has (one that already has its name beside it is left alone). */
export async function withNames(db: Db, table: ReportTable, lang: Lang): Promise<ReportTable> {
  const coded = table.columns
    .map((column, index) => ({ column, index, named: NAMED[column] }))
    .filter((c) => c.named && !(c.column === 'fundId' && table.columns.includes('name')));
  if (coded.length === 0) return table;
  const entries = coded.flatMap(({ index, named }) => {
    const source = named!.source;
    if (!('record' in source)) return [];
    return table.rows.flatMap((r) => (r[index] ? [{ entityKind: source.record, entityId: String(r[index]) }] : []));
  });
  const names = await entityNames(db, entries);
  const nameOf = (source: Source, code: Cell): Cell => {
    if (code === null || code === '') return null;
    if (!('record' in source)) return label(String(code), lang);
    return names.get(nameKey(source.record, String(code)))?.[lang] ?? String(code);
  };
  const after = new Map(coded.map((c) => [c.index, c.named!]));
  const columns = table.columns.flatMap((c, i) => (after.has(i) ? [c, after.get(i)!.header[lang]] : [c]));
  const rows = table.rows.map((r) => r.flatMap((v, i) => (after.has(i) ? [v, nameOf(after.get(i)!.source, v)] : [v])));
  return { ...table, columns, rows };
}

/** The request's language: `?lang=`, else the first of Accept-Language the app speaks, else Chinese. */
export function requestLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === 'zh' || query === 'en') return query;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}

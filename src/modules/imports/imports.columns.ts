/**
 * The columns of a bulk filing file, as banks write them (Chinese or English headers), and how a
 * row of strings becomes the same input as `POST /api/filings` (`filingInput`). The values are
 * only tidied (thousands separators, 2025/9/1, 20%, 信用贷款 → credit); judging them is the
 * schema's job, so a bulk file and the API give the same messages. docs: src/modules/imports/README.md.
 */
import type { Bilingual } from '../../core/text';

export const IMPORT_FIELDS = [
  'bankRef',
  'creditCode',
  'kind',
  'principal',
  'disbursedOn',
  'maturesOn',
  'mode',
  'bankShare',
  'programme',
  'fundId',
  'guarantorId',
  'guarantorShare',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** The headers each field answers to (compared without spaces, case, full-width brackets or a trailing *). */
export const HEADER_ALIASES: Record<ImportField, readonly string[]> = {
  bankRef: ['bankRef', '银行合同编号', '合同编号', '贷款合同编号', '借款合同编号', '借据号', 'contractNo', 'loanNo'],
  creditCode: ['creditCode', '统一社会信用代码', '社会信用代码', '信用代码', 'uscc'],
  kind: ['kind', '贷款种类', '贷款类型', '贷款品种', 'loanKind'],
  principal: [
    'principal',
    '本金',
    '本金(元)',
    '金额',
    '金额(元)',
    '贷款金额',
    '贷款金额(元)',
    '贷款本金',
    '贷款本金(元)',
    '合同金额(元)',
    'amount',
  ],
  disbursedOn: ['disbursedOn', '放款日期', '发放日期', '放款日', '贷款发放日'],
  maturesOn: ['maturesOn', '到期日', '到期日期', '贷款到期日'],
  mode: ['mode', '模式', '补偿模式', '业务模式'],
  bankShare: ['bankShare', '银行分担比例', '银行承担比例'],
  programme: ['programme', 'program', '政策', '政策编号', '适用政策'],
  fundId: ['fundId', 'fund', '资金', '风险补偿资金'],
  guarantorId: ['guarantorId', 'guarantor', '担保机构', '担保机构编号'],
  guarantorShare: ['guarantorShare', '担保机构分担比例', '担保分担比例'],
};

export const REQUIRED_FIELDS: readonly ImportField[] = ['bankRef', 'creditCode', 'kind', 'principal', 'disbursedOn'];

const normalHeader = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .replace(/[\s*＊]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .toLowerCase();
const ALIAS_TO_FIELD = new Map<string, ImportField>(
  IMPORT_FIELDS.flatMap((f) => HEADER_ALIASES[f].map((a) => [normalHeader(a), f] as const)),
);

/** Which header of this file holds which field. */
export type ColumnMap = Partial<Record<ImportField, string>>;

/** What is wrong with a file's header, in both languages. */
export class HeaderProblem extends Error {
  constructor(readonly text: Bilingual) {
    super(text.en);
    this.name = 'HeaderProblem';
  }
}

/** Maps the file's header; a missing required column or a column given twice is the whole file's problem. */
export function mapHeader(headers: readonly string[]): ColumnMap {
  const map: ColumnMap = {};
  for (const h of headers) {
    const field = ALIAS_TO_FIELD.get(normalHeader(h));
    if (!field) continue; // the bank's own columns (企业名称, 备注 …) are left alone
    if (map[field])
      throw new HeaderProblem({
        en: `the columns "${map[field]}" and "${h}" both give ${field}; keep one`,
        zh: `“${map[field]}”和“${h}”两列都给出 ${field}；请只保留一列`,
      });
    map[field] = h;
  }
  const missing = REQUIRED_FIELDS.filter((f) => !map[f]);
  if (missing.length) {
    const found = headers.filter(Boolean).join(', ');
    throw new HeaderProblem({
      en: `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.map((f) => `${HEADER_ALIASES[f][1]} (${f})`).join(', ')}; found: ${found || 'nothing'}`,
      zh: `表头缺少列 ${missing.map((f) => `${HEADER_ALIASES[f][1]}（${f}）`).join('、')}；现有：${found || '无'}`,
    });
  }
  return map;
}

/** "1,234.50", "¥1234.5 元" → "1234.50" / "1234.5"; anything else is left for the schema to judge. */
export function tidyMoney(v: string): string {
  return v.replace(/[\s,，¥￥]/g, '').replace(/元$/, '');
}

/** 2025/9/1, 2025.9.1, 2025年9月1日, 20250901 → 2025-09-01 (whether the day exists is the schema's question). */
export function tidyDate(v: string): string {
  const s = v.trim();
  const m = /^(\d{4})[/.年-](\d{1,2})[/.月-](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : s;
}

/** "20%" → "0.20", "12.5%" → "0.125" (by moving the decimal point in the text, never through a float). */
export function tidyRate(v: string): string {
  const s = v.replace(/\s/g, '');
  const m = /^(\d+)(?:\.(\d+))?[%％]$/.exec(s);
  if (!m) return s;
  const digits = m[1]! + (m[2] ?? '');
  const point = m[1]!.length - 2;
  const text = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return text.replace(/^0+(?=\d)/, '');
}

const MODES: Record<string, string> = {
  直接: 'direct',
  直接补偿: 'direct',
  直贷: 'direct',
  风险分担: 'risk-sharing',
  分担: 'risk-sharing',
  风险分担模式: 'risk-sharing',
  直接补偿模式: 'direct',
};
const KINDS: Record<string, string> = {
  信用: 'credit',
  信用贷款: 'credit',
  知识产权质押: 'ip-pledge',
  知识产权质押贷款: 'ip-pledge',
  应收账款质押: 'receivables-pledge',
  应收账款质押贷款: 'receivables-pledge',
  抵押: 'mortgage',
  抵押贷款: 'mortgage',
};

/** The row as the API's filing input (before the schema judges it); empty cells are left out. */
export function rowToFilingInput(values: Record<string, string>, columns: ColumnMap): Record<string, unknown> {
  const get = (f: ImportField): string | undefined => {
    const h = columns[f];
    const v = h === undefined ? undefined : values[h]?.trim();
    return v ? v : undefined;
  };
  const mode = get('mode');
  const kind = get('kind');
  const principal = get('principal');
  const disbursedOn = get('disbursedOn');
  const maturesOn = get('maturesOn');
  const bankShare = get('bankShare');
  const guarantorId = get('guarantorId');
  const guarantorShare = get('guarantorShare');
  const loan: Record<string, unknown> = {
    kind: kind === undefined ? undefined : (KINDS[kind] ?? kind),
    principal: principal === undefined ? undefined : tidyMoney(principal),
    disbursedOn: disbursedOn === undefined ? undefined : tidyDate(disbursedOn),
    ...(maturesOn !== undefined ? { maturesOn: tidyDate(maturesOn) } : {}),
    ...(mode !== undefined ? { mode: MODES[mode] ?? mode.toLowerCase() } : {}),
    ...(bankShare !== undefined ? { bankShare: tidyRate(bankShare) } : {}),
    ...(guarantorId !== undefined || guarantorShare !== undefined
      ? {
          parties: [
            {
              party: 'guarantor',
              ...(guarantorId !== undefined ? { institutionId: guarantorId } : {}),
              share: guarantorShare === undefined ? undefined : tidyRate(guarantorShare),
            },
          ],
        }
      : {}),
  };
  const programme = get('programme');
  const fundId = get('fundId');
  return {
    bankRef: get('bankRef'),
    creditCode: get('creditCode'),
    ...(programme !== undefined ? { programme } : {}),
    ...(fundId !== undefined ? { fundId } : {}),
    loan,
  };
}

/** The file's column for a field path of the schema (`loan.principal` → 本金(元)), for the error report. */
export function columnOf(path: string, columns: ColumnMap): string {
  const field: ImportField | undefined =
    path === 'enterpriseId' || path === 'creditCode'
      ? 'creditCode'
      : path.startsWith('loan.parties')
        ? path.endsWith('.share')
          ? 'guarantorShare'
          : 'guarantorId'
        : (IMPORT_FIELDS as readonly string[]).includes(path.replace(/^loan\./, ''))
          ? (path.replace(/^loan\./, '') as ImportField)
          : undefined;
  return field ? (columns[field] ?? HEADER_ALIASES[field][1]!) : path;
}

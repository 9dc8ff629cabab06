/**
 * A portfolio from CSV: one loan per line with a header. Required: id, grade, sector, outstanding
 * (yuan). Optional: ratio and capPerLoan (the terms as filed, for the "as filed" variant), and the
 * facts a programme judges — mode, bankShare, kind, principal, size, sciTech, industry (default:
 * the sector), registeredInZone, qualifications (separated by ";"); and for the fund's rules
 * bank (each bank's breaker, G4), remainingYears (to maturity: run-off) and ageYears (since
 * disbursement: the PD by year of life). A bad cell is an error naming the line and column.
 */
import { parse } from 'csv-parse/sync';
import {
  ENTERPRISE_SIZES,
  LOAN_MODES,
  QUALIFICATION_KINDS,
  type CompensationTerms,
  type EnterpriseSize,
  type QualificationKind,
} from '../../core/policy';
import { parseRate, parseYuan } from '../../core/money/money';
import { RiskInputError, type RiskLoan } from '../../core/risk';

const REQUIRED = ['id', 'grade', 'sector', 'outstanding'] as const;
const KNOWN = new Set([
  ...REQUIRED,
  'ratio',
  'capPerLoan',
  'mode',
  'bankShare',
  'kind',
  'principal',
  'size',
  'sciTech',
  'industry',
  'registeredInZone',
  'qualifications',
  'bank',
  'remainingYears',
  'ageYears',
]);

export function parsePortfolioCsv(text: string, field = 'portfolio'): RiskLoan[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true }) as Record<
      string,
      string
    >[];
  } catch (e) {
    throw new RiskInputError(field, `not valid CSV: ${(e as Error).message}`);
  }
  if (rows.length === 0) throw new RiskInputError(field, 'has no loans (a header line and one line per loan)');
  const header = Object.keys(rows[0]!);
  for (const c of REQUIRED)
    if (!header.includes(c))
      throw new RiskInputError(field, `needs a column ${c} (columns: ${REQUIRED.join(', ')}, …)`);
  for (const c of header)
    if (!KNOWN.has(c)) throw new RiskInputError(`${field}.${c}`, `unknown column (known: ${[...KNOWN].join(', ')})`);
  const seen = new Set<string>();
  return rows.map((r, i) => {
    const at = (col: string) => `${field} line ${i + 2}, ${col}`;
    const cell = <T>(col: string, f: (s: string) => T): T => {
      try {
        return f(r[col]!);
      } catch (e) {
        throw new RiskInputError(at(col), (e as Error).message);
      }
    };
    const opt = (col: string) => (r[col] === undefined || r[col] === '' ? undefined : r[col]);
    const bool = (col: string, dflt: boolean) => {
      const v = opt(col);
      if (v === undefined) return dflt;
      if (v === 'true' || v === 'false') return v === 'true';
      throw new RiskInputError(at(col), 'must be true or false');
    };
    if (!r.id) throw new RiskInputError(at('id'), 'must not be empty');
    if (seen.has(r.id)) throw new RiskInputError(at('id'), `duplicate loan id ${r.id}`);
    seen.add(r.id);
    if (!r.grade) throw new RiskInputError(at('grade'), 'must not be empty');
    if (!r.sector) throw new RiskInputError(at('sector'), 'must not be empty');
    const exposure = cell('outstanding', (s) => parseYuan(s));
    const mode = (opt('mode') ?? 'direct') as (typeof LOAN_MODES)[number];
    if (!LOAN_MODES.includes(mode)) throw new RiskInputError(at('mode'), `must be one of ${LOAN_MODES.join(', ')}`);
    const bankShareBp = opt('bankShare') === undefined ? undefined : cell('bankShare', parseRate);
    if (mode === 'risk-sharing' && bankShareBp === undefined)
      throw new RiskInputError(at('bankShare'), 'is required in risk-sharing mode');
    const size = (opt('size') ?? 'small') as EnterpriseSize;
    if (!ENTERPRISE_SIZES.includes(size))
      throw new RiskInputError(at('size'), `must be one of ${ENTERPRISE_SIZES.join(', ')}`);
    const qualifications = (opt('qualifications') ?? '')
      .split(';')
      .map((q) => q.trim())
      .filter(Boolean) as QualificationKind[];
    for (const q of qualifications)
      if (!QUALIFICATION_KINDS.includes(q))
        throw new RiskInputError(at('qualifications'), `${q} is not one of ${QUALIFICATION_KINDS.join(', ')}`);
    const principal = opt('principal') === undefined ? exposure : cell('principal', (s) => parseYuan(s));
    if (exposure > principal) throw new RiskInputError(at('outstanding'), 'must not exceed principal');
    const parties: CompensationTerms['parties'] =
      mode === 'risk-sharing'
        ? [
            { party: 'guarantee-side', shareBp: 10_000 - bankShareBp! },
            { party: 'bank', shareBp: bankShareBp! },
          ]
        : [{ party: 'bank', shareBp: 10_000 }];
    const ratioBp = opt('ratio') === undefined ? undefined : cell('ratio', parseRate);
    const cap = opt('capPerLoan') === undefined ? undefined : cell('capPerLoan', (s) => parseYuan(s));
    const years = (col: 'remainingYears' | 'ageYears') => {
      const v = opt(col);
      if (v === undefined) return {};
      const n = Number(v);
      if (!(Number.isFinite(n) && n >= 0)) throw new RiskInputError(at(col), 'must be a number of years of at least 0');
      return { [col]: n };
    };
    return {
      id: r.id,
      grade: r.grade,
      sector: r.sector,
      exposure,
      ...(opt('bank') !== undefined ? { bank: opt('bank')! } : {}),
      ...years('remainingYears'),
      ...years('ageYears'),
      ...(ratioBp !== undefined
        ? {
            filedTerms: {
              ratioBp,
              rounding: 'half-up' as const,
              parties,
              ...(cap !== undefined ? { capPerLoan: cap } : {}),
            },
          }
        : {}),
      profile: {
        enterprise: {
          registeredInZone: bool('registeredInZone', true),
          size,
          sciTech: bool('sciTech', true),
          industry: opt('industry') ?? r.sector,
          restrictedProcesses: false,
        },
        qualifications,
        loan: { kind: opt('kind') ?? 'credit', principal, mode, ...(bankShareBp !== undefined ? { bankShareBp } : {}) },
      },
    };
  });
}

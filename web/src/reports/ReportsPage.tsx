/** Reports: each shown as a table (money columns formatted from their strings) with CSV and XLSX export. */
import { Fragment, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../api/client';
import type { Fund } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { Loading, ProblemMessage } from '../components/Problem';
import { formatRate, formatYuan, sumYuan } from '../lib/money';
import { BankName, GuarantorName, ProgrammeName } from '../components/names';

const REPORTS = ['position', 'banks', 'breakdown', 'monthly', 'risk-sharing'] as const;
type Report = (typeof REPORTS)[number];
/** The breakdowns the API offers (GET /api/reports/breakdown?by=). */
const BY = ['bank', 'programme', 'kind', 'month'];

/** Ratios come as decimal strings ("0.0199") and are shown as percentages; multiples with ×. */
const isRateKey = (k: string) => /ratio|^shareOf/i.test(k);
const isMultipleKey = (k: string) => /^(leverage|liabilityMultiple)$/.test(k);
const MONEY = /^-?\d+\.\d{2}$/;
/** Columns whose values are codes with a translation. */
const CODES: Record<string, string> = { party: 'party', kind: 'kind', mode: 'mode', status: 'status' };

/** Columns whose values are ids of things with names: the name is shown, the id on hover (issue 18). */
function named(c: string, v: unknown): ReactNode | null {
  if (typeof v !== 'string' || !v) return null;
  if (c === 'programme') return <ProgrammeName id={v} link={false} />;
  if (c === 'bank') return <BankName id={v} />;
  if (c === 'institutionId') return <GuarantorName id={v} />;
  return null;
}

/** Thresholds are a policy's figures repeated on each row: they are not added up. */
const isSummable = (k: string) => !isRateKey(k) && !isMultipleKey(k) && !/threshold/i.test(k);

/**
 * The totals row: each money column summed from its yuan strings in BigInt fen (sumYuan), each
 * count column as integers; nothing under rates, multiples, codes and names.
 */
function columnTotals(rows: Record<string, unknown>[], cols: string[]): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const c of cols) {
    const values = rows.map((r) => r[c]).filter((v) => v !== null && v !== undefined && v !== '');
    if (!isSummable(c) || !values.length) out[c] = null;
    else if (values.every((v) => typeof v === 'string' && MONEY.test(v))) out[c] = sumYuan(values as string[]);
    else if (values.every((v) => typeof v === 'number' && Number.isInteger(v)))
      out[c] = (values as number[]).reduce((a, b) => a + b, 0);
    else out[c] = null;
  }
  return out;
}

/** The report's rows: its items, or (the risk-sharing split) its parties. */
function flatten(data: unknown): Record<string, unknown>[] {
  if (Array.isArray(data)) return data as Record<string, unknown>[];
  const o = (data ?? {}) as Record<string, unknown>;
  for (const k of ['items', 'rows', 'parties']) if (Array.isArray(o[k])) return o[k] as Record<string, unknown>[];
  return [o];
}
/** The report's own scalar figures when its rows are a list inside it (the risk-sharing totals). */
function totals(data: unknown): [string, unknown][] {
  if (
    !data ||
    typeof data !== 'object' ||
    Array.isArray(data) ||
    !Array.isArray((data as Record<string, unknown>).parties)
  )
    return [];
  return Object.entries(data as Record<string, unknown>).filter(([, v]) => v === null || typeof v !== 'object');
}

export default function ReportsPage() {
  const { t, i18n } = useTranslation();
  const { user } = useAuth();
  const [report, setReport] = useState<Report>('banks');
  const [by, setBy] = useState('bank');
  const funds = useQuery({
    queryKey: ['funds'],
    enabled: can(user, 'manager', 'reviewer', 'auditor'),
    queryFn: () => api<{ items: Fund[] }>('/api/funds'),
  });
  const [fundId, setFundId] = useState('');
  const fund = fundId || funds.data?.items[0]?.id || '';
  const params = { ...(report === 'breakdown' ? { by } : {}), ...(fund ? { fundId: fund } : {}) };
  const data = useQuery({
    queryKey: ['report', report, params],
    retry: false,
    queryFn: () => api<unknown>(`/api/reports/${report}${qs(params)}`),
  });
  const rows = flatten(data.data);
  // In Chinese the English names are left out of the table (the downloads keep them): it fits its box.
  const zh = i18n.language.startsWith('zh');
  const cols = [
    ...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => typeof r[k] !== 'object' || r[k] === null))),
  ].filter((c) => !(zh && /En$/.test(c)));
  // A column's name may mean another thing in one report (monthly claimsPaid is a count).
  const head = (c: string) => t([`field.${report}.${c}`, `field.${c}`], { defaultValue: c });
  const cell = (c: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '—';
    if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
    if (typeof v !== 'string') return String(v);
    if (isRateKey(c)) return formatRate(v);
    if (isMultipleKey(c)) return `${v} ×`;
    if (CODES[c]) return t(`${CODES[c]}.${v}`, { defaultValue: v });
    return MONEY.test(v) ? formatYuan(v) : v;
  };
  const right = (c: string) =>
    rows.some(
      (r) =>
        typeof r[c] === 'number' ||
        (typeof r[c] === 'string' && (MONEY.test(r[c] as string) || isRateKey(c) || isMultipleKey(c))),
    );
  const sums = totals(data.data);
  const footer = rows.length > 1 ? columnTotals(rows, cols) : null;
  return (
    <>
      <h1>{t('nav.reports')}</h1>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="r-kind">{t('rep.report')}</label>
          <select id="r-kind" value={report} onChange={(e) => setReport(e.target.value as Report)}>
            {REPORTS.map((r) => (
              <option key={r} value={r}>
                {t(`rep.${r}`)}
              </option>
            ))}
          </select>
        </div>
        {report === 'breakdown' && (
          <div className="field">
            <label htmlFor="r-by">{t('rep.by')}</label>
            <select id="r-by" value={by} onChange={(e) => setBy(e.target.value)}>
              {BY.map((b) => (
                <option key={b} value={b}>
                  {t(`rep.byOpt.${b}`)}
                </option>
              ))}
            </select>
          </div>
        )}
        {(funds.data?.items.length ?? 0) > 1 && (
          <div className="field">
            <label htmlFor="r-fund">{t('dash.fund')}</label>
            <select id="r-fund" value={fund} onChange={(e) => setFundId(e.target.value)}>
              {funds.data!.items.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <a
          className="btn"
          href={`/api/reports/${report}${qs({ ...params, format: 'csv', lang: zh ? 'zh' : 'en' })}`}
          download
        >
          {t('rep.csv')}
        </a>
        <a
          className="btn"
          href={`/api/reports/${report}${qs({ ...params, format: 'xlsx', lang: zh ? 'zh' : 'en' })}`}
          download
        >
          {t('rep.xlsx')}
        </a>
      </div>
      <ProblemMessage error={data.error} />
      {sums.length > 0 && (
        <dl className="props card" style={{ marginBottom: 12 }} data-testid="report-totals">
          {sums.map(([k, v]) => (
            <Fragment key={k}>
              <dt>{head(k)}</dt>
              <dd>{cell(k, v)}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      {data.isPending && <Loading />}
      {data.data !== undefined && (
        <div className="table-wrap">
          <table data-testid="report-table" className="report">
            <thead>
              <tr>
                {cols.map((c) => (
                  <th key={c} className={right(c) ? 'num' : undefined}>
                    {head(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  {cols.map((c) => (
                    <td key={c} className={right(c) ? 'num' : undefined}>
                      {named(c, r[c]) ?? cell(c, r[c])}
                    </td>
                  ))}
                </tr>
              ))}
              {!rows.length && (
                <tr>
                  <td colSpan={Math.max(cols.length, 1)} className="muted">
                    {t('common.none')}
                  </td>
                </tr>
              )}
            </tbody>
            {footer && (
              <tfoot>
                <tr data-testid="report-totals-row">
                  {cols.map((c, i) => (
                    <td key={c} className={right(c) ? 'num' : undefined} data-col={c}>
                      {i === 0 ? t('rep.total') : footer[c] === null ? '' : cell(c, footer[c])}
                    </td>
                  ))}
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      )}
    </>
  );
}

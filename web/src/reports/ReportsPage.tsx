/** Reports: each shown as a table (money columns formatted from their strings) with CSV and XLSX export. */
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, qs } from '../api/client';
import type { Fund } from '../api/types';
import { can, useAuth } from '../auth/auth';
import { ProblemMessage } from '../components/Problem';
import { formatYuan } from '../lib/money';

const REPORTS = ['position', 'banks', 'breakdown', 'monthly', 'risk-sharing'] as const;
type Report = (typeof REPORTS)[number];
const BY = ['bank', 'programme', 'kind', 'status', 'size'];

const isMoneyKey = (k: string) => /amount|principal|outstanding|cash|capital|liability|limit|capacity|paid|payouts|recover|compensation|refund|exposure|reserved|committed/i.test(k) && !/ratio|count|share/i.test(k);

function flatten(data: unknown): Record<string, unknown>[] {
  if (Array.isArray(data)) return data as Record<string, unknown>[];
  const o = (data ?? {}) as Record<string, unknown>;
  for (const k of ['items', 'rows']) if (Array.isArray(o[k])) return o[k] as Record<string, unknown>[];
  return [o];
}

export default function ReportsPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  const [report, setReport] = useState<Report>('banks');
  const [by, setBy] = useState('bank');
  const funds = useQuery({ queryKey: ['funds'], enabled: can(user, 'manager', 'reviewer', 'auditor'), queryFn: () => api<{ items: Fund[] }>('/api/funds') });
  const [fundId, setFundId] = useState('');
  const fund = fundId || funds.data?.items[0]?.id || '';
  const params = { ...(report === 'breakdown' ? { by } : {}), ...(fund ? { fundId: fund } : {}) };
  const data = useQuery({ queryKey: ['report', report, params], retry: false, queryFn: () => api<unknown>(`/api/reports/${report}${qs(params)}`) });
  const rows = flatten(data.data);
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => typeof r[k] !== 'object' || r[k] === null)))];
  return (
    <>
      <h1>{t('nav.reports')}</h1>
      <div className="toolbar">
        <div className="field"><label htmlFor="r-kind">{t('rep.report')}</label>
          <select id="r-kind" value={report} onChange={(e) => setReport(e.target.value as Report)}>{REPORTS.map((r) => <option key={r} value={r}>{t(`rep.${r}`)}</option>)}</select></div>
        {report === 'breakdown' && <div className="field"><label htmlFor="r-by">{t('rep.by')}</label>
          <select id="r-by" value={by} onChange={(e) => setBy(e.target.value)}>{BY.map((b) => <option key={b} value={b}>{t(`rep.byOpt.${b}`)}</option>)}</select></div>}
        {(funds.data?.items.length ?? 0) > 1 && <div className="field"><label htmlFor="r-fund">{t('dash.fund')}</label>
          <select id="r-fund" value={fund} onChange={(e) => setFundId(e.target.value)}>{funds.data!.items.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}</select></div>}
        <a className="btn" href={`/api/reports/${report}${qs({ ...params, format: 'csv' })}`} download>{t('rep.csv')}</a>
        <a className="btn" href={`/api/reports/${report}${qs({ ...params, format: 'xlsx' })}`} download>{t('rep.xlsx')}</a>
      </div>
      <ProblemMessage error={data.error} />
      {data.data !== undefined && (
        <table data-testid="report-table">
          <thead><tr>{cols.map((c) => <th key={c} className={isMoneyKey(c) ? 'num' : undefined}>{t(`field.${c}`, { defaultValue: c })}</th>)}</tr></thead>
          <tbody>{rows.map((r, i) => <tr key={i}>{cols.map((c) => {
            const v = r[c];
            return <td key={c} className={isMoneyKey(c) ? 'num' : undefined}>{v === null || v === undefined ? '—' : isMoneyKey(c) && typeof v === 'string' ? formatYuan(v) : String(v)}</td>;
          })}</tr>)}</tbody>
        </table>
      )}
    </>
  );
}

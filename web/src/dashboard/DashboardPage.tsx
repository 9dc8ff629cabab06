/**
 * The fund dashboard: cash, committed liability against the limit, capacity left, leverage;
 * payouts and recoveries by month; NPL and claim ratio per bank with the G4 threshold drawn in;
 * the risk-sharing split. Every chart has its table one click away; ECharts loads lazily.
 *
 * Amounts stay strings. Chart series are numbers of 万元/亿元 made by toChartNumber (BigInt
 * quotient, then a number) for plotting only; the tables show the exact yuan strings.
 */
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, qs } from '../api/client';
import type {
  BankReportRow,
  BreakerRow,
  Fund,
  MonthlyRow,
  PositionRow,
  ResponseOf,
  RiskSharingReport,
} from '../api/types';
import { Money } from '../components/bits';
import { ChartCard } from '../components/charts/ChartCard';
import { Loading, ProblemMessage } from '../components/Problem';
import { chartUnit, fenToYuan, formatRate, formatYuan, rateForChart, toChartNumber, toFen } from '../lib/money';

const optional = async <T,>(p: Promise<T>): Promise<T | null> => {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
};

export default function DashboardPage() {
  const { t } = useTranslation();
  const funds = useQuery({ queryKey: ['funds'], queryFn: () => api<{ items: Fund[] }>('/api/funds') });
  const [params, setParams] = useSearchParams();
  const chosen = params.get('fund') ?? '';
  const setChosen = (id: string) => setParams({ fund: id }, { replace: true });
  const fundId = chosen || funds.data?.items[0]?.id || '';
  const position = useQuery({
    queryKey: ['report', 'position', fundId],
    enabled: !!fundId,
    queryFn: async () => {
      const r = await optional(
        api<ResponseOf<'/api/reports/position', 'get'>>(`/api/reports/position${qs({ fundId })}`),
      );
      return r?.items.find((x) => x.fundId === fundId) ?? r?.items[0] ?? null;
    },
  });
  const monthly = useQuery({
    queryKey: ['report', 'monthly', fundId],
    enabled: !!fundId,
    queryFn: () => optional(api<ResponseOf<'/api/reports/monthly', 'get'>>(`/api/reports/monthly${qs({ fundId })}`)),
  });
  const banks = useQuery({
    queryKey: ['report', 'banks'],
    queryFn: () => optional(api<ResponseOf<'/api/reports/banks', 'get'>>('/api/reports/banks')),
  });
  const sharing = useQuery({
    queryKey: ['report', 'risk-sharing', fundId],
    enabled: !!fundId,
    queryFn: () => optional(api<RiskSharingReport>(`/api/reports/risk-sharing${qs({ fundId })}`)),
  });
  const breakers = useQuery({
    queryKey: ['breakers'],
    queryFn: () => optional(api<{ items: BreakerRow[] }>('/api/breakers')),
  });

  if (funds.isPending) return <Loading />;
  if (funds.error) return <ProblemMessage error={funds.error} />;
  const fund = funds.data.items.find((f) => f.id === fundId);

  return (
    <>
      <div className="row">
        <h1>{t('dash.title')}</h1>
        {typeof monthly.data?.replicationLagSeconds === 'number' && (
          <span className="badge warn" title={t('dash.lagTitle')} data-testid="replication-lag">
            {t('dash.lag', { seconds: monthly.data.replicationLagSeconds.toFixed(1) })}
          </span>
        )}
        <span className="spacer" />
        <label htmlFor="fund-pick">{t('dash.fund')}</label>
        <select id="fund-pick" value={fundId} onChange={(e) => setChosen(e.target.value)}>
          {funds.data.items.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </div>
      {!fund && <p className="muted">{t('dash.noFund')}</p>}
      {fund && <Kpis fund={fund} position={position.data ?? undefined} loading={position.isPending} />}
      <ProblemMessage error={position.error ?? monthly.error ?? banks.error ?? sharing.error ?? breakers.error} />
      {fund && (
        <div className="grid two" style={{ marginTop: 14 }}>
          <LiabilityChart fund={fund} position={position.data ?? undefined} />
          <MonthlyChart data={monthly.data?.items ?? []} />
          <BankRatiosChart banks={banks.data?.items ?? []} breakers={breakers.data?.items ?? []} />
          <SharingChart data={sharing.data ?? null} />
        </div>
      )}
    </>
  );
}

function Kpis({ fund, position, loading }: { fund: Fund; position: PositionRow | undefined; loading: boolean }) {
  const { t } = useTranslation();
  const cash = position?.cash ?? null;
  const committed = position?.committedLiability ?? null;
  const limit = position?.limit ?? null;
  const capacity = position?.capacityLeft ?? null;
  const leverage = position?.leverage ?? null;
  const kpi = (key: string, value: string | null, sub?: string, money = true) => (
    <div className="card kpi" data-testid={`kpi-${key}`}>
      <div className="label">{t(`dash.${key}`)}</div>
      <div className="value">
        {loading ? (
          '…'
        ) : value === null ? (
          '—'
        ) : money ? (
          <>
            <Money value={value} /> <small>{t('common.yuan')}</small>
          </>
        ) : (
          value
        )}
      </div>
      {sub && <div className="sub">{sub}</div>}
    </div>
  );
  return (
    <div className="grid kpis">
      {kpi('capital', position?.capital ?? fund.capital)}
      {kpi('cash', cash)}
      {kpi('committed', committed, limit ? t('dash.ofLimit', { limit: formatYuan(limit) }) : undefined)}
      {kpi('capacity', capacity)}
      {kpi(
        'leverage',
        leverage === null ? null : `${leverage.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')} ×`,
        t('dash.multiple', { m: fund.liabilityMultiple }),
        false,
      )}
    </div>
  );
}

const unitLabel = (u: 'wan' | 'yi', t: (k: string) => string) => t(u === 'yi' ? 'chart.yi' : 'chart.wan');

function LiabilityChart({ fund, position }: { fund: Fund; position: PositionRow | undefined }) {
  const { t } = useTranslation();
  const committed = position?.committedLiability ?? null;
  const limit = position?.limit ?? null;
  const capacity = position?.capacityLeft ?? null;
  const cash = position?.cash ?? null;
  const capital = position?.capital ?? fund.capital;
  const rows = [
    [t('dash.capital'), capital],
    [t('dash.cash'), cash],
    [t('dash.committed'), committed],
    [t('dash.capacity'), capacity],
    [t('dash.limit'), limit],
  ] as const;
  const unit = chartUnit(rows.map((r) => r[1]));
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 70, right: 60, top: 30, bottom: 30 },
      xAxis: {
        type: 'category',
        data: rows.map((r) => r[0]),
        axisLabel: { interval: 0, width: 64, overflow: 'break' },
      },
      yAxis: { type: 'value', name: unitLabel(unit, t) },
      series: [
        {
          type: 'bar',
          data: rows.map((r) => toChartNumber(r[1], unit)),
          itemStyle: { color: '#b91c1c' },
          barMaxWidth: 48,
          markLine: limit
            ? {
                symbol: 'none',
                label: { formatter: t('dash.limit'), position: 'insideEndTop' },
                lineStyle: { color: '#1d4ed8', type: 'dashed' },
                data: [{ yAxis: toChartNumber(limit, unit) }],
              }
            : undefined,
        },
      ],
    }),
    [rows.map((r) => r[1]).join('|'), unit, t],
  );
  return (
    <ChartCard
      testId="chart-liability"
      title={t('dash.liabilityChart')}
      option={option}
      table={
        <table>
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td className="num">
                  <Money value={v} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function MonthlyChart({ data }: { data: MonthlyRow[] }) {
  const { t } = useTranslation();
  const rows = data.map((r) => ({
    month: r.month,
    filed: r.filedPrincipal,
    payouts: r.payouts,
    recoveries: r.recovered,
  }));
  const unit = chartUnit(rows.flatMap((r) => [r.payouts, r.recoveries]));
  const filedUnit = chartUnit(rows.map((r) => r.filed));
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 70, right: 80, top: 36, bottom: 56 },
      xAxis: { type: 'category', data: rows.map((r) => r.month) },
      yAxis: [
        { type: 'value', name: unitLabel(unit, t) },
        { type: 'value', name: t('dash.filedAxis', { unit: unitLabel(filedUnit, t) }), splitLine: { show: false } },
      ],
      series: [
        {
          name: t('dash.payouts'),
          type: 'bar',
          data: rows.map((r) => toChartNumber(r.payouts, unit)),
          itemStyle: { color: '#b91c1c' },
        },
        {
          name: t('dash.recoveries'),
          type: 'bar',
          data: rows.map((r) => toChartNumber(r.recoveries, unit)),
          itemStyle: { color: '#15803d' },
        },
        {
          name: t('dash.filed'),
          type: 'line',
          yAxisIndex: 1,
          data: rows.map((r) => toChartNumber(r.filed, filedUnit)),
          itemStyle: { color: '#1d4ed8' },
        },
      ],
    }),
    [JSON.stringify(rows), unit, filedUnit, t],
  );
  return (
    <ChartCard
      testId="chart-monthly"
      title={t('dash.monthlyChart')}
      option={option}
      table={
        <table>
          <thead>
            <tr>
              <th>{t('dash.month')}</th>
              <th className="num">{t('dash.payouts')}</th>
              <th className="num">{t('dash.recoveries')}</th>
              <th className="num">{t('dash.filed')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.month}>
                <td>{r.month}</td>
                <td className="num">
                  <Money value={r.payouts} />
                </td>
                <td className="num">
                  <Money value={r.recoveries} />
                </td>
                <td className="num">
                  <Money value={r.filed} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

/** A bank's name on the chart's axis, without the zone's branch words: 8 characters of a Chinese
 * name; up to 22 of an English one, cut with … ("Bank of" alone would name four banks); the
 * tooltip names the bank in full. */
function shortBankName(name: string): string {
  if (/[\u4e00-\u9fff]/.test(name))
    return name
      .replace(/(北京)?(经济技术开发区|经开区|亦庄)?(支行|分行)$/, '')
      .replace(/北京经济技术开发区|北京亦庄|经济技术开发区/, '')
      .slice(0, 8);
  const branch = /\s+((E-Town|Yizhuang)\s+)?(Sub-)?branch$/i;
  let s = name.replace(branch, '');
  if (!/\bof\s+Beijing$/i.test(s)) s = s.replace(/\s+Beijing$/i, '');
  s = s.trim() || name;
  return s.length > 22 ? `${s.slice(0, 21).trimEnd()}…` : s;
}

function BankRatiosChart({ banks, breakers }: { banks: BankReportRow[]; breakers: BreakerRow[] }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const byBank = new Map<string, { name: string; npl: string | null; claim: string | null; tripped: boolean }>();
  for (const b of breakers)
    byBank.set(b.bankId, {
      name: (zh ? null : b.bankNameEn) ?? b.bankName,
      npl: null,
      claim: b.claimRatio,
      tripped: b.tripped,
    });
  for (const r of banks) {
    const prev = byBank.get(r.bankId);
    byBank.set(r.bankId, {
      name: (zh ? null : r.nameEn) ?? r.name,
      npl: r.nplRatio,
      claim: r.claimRatio,
      tripped: r.breakerTripped || (prev?.tripped ?? false),
    });
  }
  const rows = [...byBank.entries()].map(([id, v]) => ({ id, ...v }));
  const threshold = banks[0]?.claimRatioThreshold ?? breakers[0]?.thresholds.claimRatioAbove ?? '0.03';
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      legend: { top: 0 },
      // English names are longer: the grid makes room for their labels (containLabel).
      grid: zh
        ? { left: 50, right: 90, top: 36, bottom: 80 }
        : { left: 20, right: 90, top: 36, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: rows.map((r) => r.name),
        axisLabel: { rotate: 35, interval: 0, fontSize: 11, formatter: shortBankName },
      },
      yAxis: { type: 'value', name: '%' },
      series: [
        {
          name: t('dash.nplRatio'),
          type: 'bar',
          data: rows.map((r) => rateForChart(r.npl)),
          itemStyle: { color: '#f59e0b' },
        },
        {
          // The series' own colour is the legend's; a tripped bank's bar is darker.
          name: t('dash.claimRatio'),
          type: 'bar',
          itemStyle: { color: '#b91c1c' },
          data: rows.map((r) => ({
            value: rateForChart(r.claim),
            itemStyle: { color: r.tripped ? '#7f1d1d' : '#b91c1c' },
          })),
          markLine: {
            symbol: 'none',
            label: { formatter: t('dash.threshold', { v: formatRate(threshold) }), position: 'insideEndTop' },
            lineStyle: { color: '#1d4ed8', type: 'dashed', width: 2 },
            data: [{ yAxis: rateForChart(threshold) }],
          },
        },
      ],
    }),
    [JSON.stringify(rows), threshold, t],
  );
  return (
    <ChartCard
      testId="chart-banks"
      title={t('dash.banksChart')}
      option={option}
      height={320}
      table={
        <table>
          <thead>
            <tr>
              <th>{t('filing.bank')}</th>
              <th className="num">{t('dash.nplRatio')}</th>
              <th className="num">{t('dash.claimRatio')}</th>
              <th>{t('dash.breaker')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td className="num">{formatRate(r.npl)}</td>
                <td className="num">{formatRate(r.claim)}</td>
                <td>{r.tripped ? t('breaker.tripped') : t('breaker.ok')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function SharingChart({ data }: { data: RiskSharingReport | null }) {
  const { t } = useTranslation();
  // One slice per party: the institutions' amounts summed in BigInt fen.
  const sums = new Map<string, bigint>();
  for (const r of data?.parties ?? []) sums.set(r.party, (sums.get(r.party) ?? 0n) + (toFen(r.livePrincipal) ?? 0n));
  const rows = [...sums.entries()].map(([party, fen]) => ({ party, amount: fenToYuan(fen) }));
  const unit = chartUnit(rows.map((r) => r.amount));
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['35%', '65%'],
          data: rows.map((r) => ({
            name: t(`party.${r.party}`, { defaultValue: r.party }),
            value: toChartNumber(r.amount, unit),
          })),
          label: { formatter: '{b}\n{d}%' },
        },
      ],
    }),
    [JSON.stringify(rows), unit, t],
  );
  return (
    <ChartCard
      testId="chart-sharing"
      title={t('dash.sharingChart')}
      option={option}
      empty={rows.length ? undefined : t('dash.noSharing')}
      table={
        <table>
          <thead>
            <tr>
              <th>{t('dash.party')}</th>
              <th className="num">{t('dash.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.party}>
                <td>{t(`party.${r.party}`, { defaultValue: r.party })}</td>
                <td className="num">
                  <Money value={r.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

/**
 * The fund dashboard: cash, committed liability against the limit, capacity left, leverage;
 * payouts and recoveries by month; NPL and claim ratio per bank with the G4 threshold drawn in;
 * the risk-sharing split. Every chart has its table one click away; ECharts loads lazily.
 *
 * Amounts stay strings. Chart series are numbers of 万元/亿元 made by toChartNumber (BigInt
 * quotient, then a number) for plotting only; the tables show the exact yuan strings.
 */
import { useMemo, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useQuery } from '@tanstack/react-query';
import { Trans, useTranslation } from 'react-i18next';
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
import { Amount, Money } from '../components/bits';
import { ChartCard } from '../components/charts/ChartCard';
import { Loading, ProblemMessage } from '../components/Problem';
import {
  chartUnit,
  fenToYuan,
  formatDecimal,
  formatRate,
  percentOf,
  rateForChart,
  toChartNumber,
  toFen,
} from '../lib/money';

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
    queryKey: ['report', 'banks', fundId],
    enabled: !!fundId,
    queryFn: () => optional(api<ResponseOf<'/api/reports/banks', 'get'>>(`/api/reports/banks${qs({ fundId })}`)),
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
      {position.data && <Warnings position={position.data} />}
      {position.data && <LimitNote position={position.data} />}
      <ProblemMessage error={position.error ?? monthly.error ?? banks.error ?? sharing.error ?? breakers.error} />
      {fund && (
        <div className="grid two" style={{ marginTop: 14 }}>
          <LiabilityChart fund={fund} position={position.data ?? undefined} />
          <MonthlyChart data={monthly.data?.items ?? []} />
          <BankRatiosChart
            banks={banks.data?.items ?? []}
            breakers={breakers.data?.items ?? []}
            loading={banks.isPending}
          />
          {sharing.data && sharingRows(sharing.data).length > 0 && <SharingChart data={sharing.data} />}
        </div>
      )}
      {fund && sharing.data && sharingRows(sharing.data).length === 0 && (
        <p className="muted" data-testid="no-sharing">
          {t('dash.noSharing')}
        </p>
      )}
    </>
  );
}

function Kpis({ fund, position, loading }: { fund: Fund; position: PositionRow | undefined; loading: boolean }) {
  const { t } = useTranslation();
  const limit = position?.limit ?? null;
  const leverage = position?.leverage ?? null;
  const kpi = (key: string, value: ReactNode | null, sub?: ReactNode) => (
    <div className="card kpi" data-testid={`kpi-${key}`}>
      <div className="label">{t(`dash.${key}`)}</div>
      <div className="value">{loading ? '…' : value === null ? '—' : value}</div>
      {sub && <div className="sub">{sub}</div>}
    </div>
  );
  const amount = (v: string | null | undefined) => (v === null || v === undefined ? null : <Amount value={v} />);
  const used = position && limit ? percentOf(position.committedLiability, limit) : null;
  return (
    <div className="grid kpis">
      {kpi('capital', amount(position?.capital ?? fund.capital))}
      {kpi('cash', amount(position?.cash))}
      {kpi(
        'committed',
        amount(position?.committedLiability),
        limit ? (
          <>
            {t('dash.ofLimitUsed', { used })} <Amount value={limit} />
          </>
        ) : undefined,
      )}
      {kpi('capacity', amount(position?.capacityLeft))}
      {kpi(
        'leverage',
        leverage === null || leverage === '' ? null : `${formatMultiple(leverage)} ×`,
        t('dash.leverageSub'),
      )}
    </div>
  );
}

/** A multiple such as "18.6900" with two decimals: "18.69". */
const formatMultiple = (m: string) => formatDecimal(m) ?? m;

/** Cash below this share of the capital is flagged amber. */
const LOW_CASH_PERCENT = 10n;
/** Committed liability at or above this share of the limit is flagged amber. */
const NEAR_LIMIT_PERCENT = 90n;

/**
 * What the fund manager must act on, red before amber: cash that cannot pay the claims approved
 * and waiting to be paid (R7a); cash below 10% of the capital; committed liability at the limit
 * (new filings refused, R7b/R15) or near it. All compared in BigInt fen.
 */
function Warnings({ position }: { position: PositionRow }) {
  const { t } = useTranslation();
  const fen = (v: string) => toFen(v) ?? 0n;
  const cash = fen(position.cash);
  const payable = fen(position.payableToBanks);
  const capital = fen(position.capital);
  const committed = fen(position.committedLiability);
  const limit = fen(position.limit);
  const list: { id: string; severity: 'red' | 'amber'; text: ReactNode }[] = [];
  const a = (v: string) => <Amount value={v} />;
  if (payable > 0n && cash < payable)
    list.push({
      id: 'cash-short',
      severity: 'red',
      text: (
        <Trans
          i18nKey="dash.warn.cashShort"
          components={{
            cash: a(position.cash),
            payable: a(position.payableToBanks),
            gap: a(fenToYuan(payable - cash)),
          }}
        />
      ),
    });
  if (capital > 0n && cash * 100n < capital * LOW_CASH_PERCENT)
    list.push({
      id: 'cash-low',
      severity: payable > 0n && cash < payable ? 'red' : 'amber',
      text: (
        <Trans
          i18nKey="dash.warn.cashLow"
          values={{ pct: percentOf(position.cash, position.capital), n: `${LOW_CASH_PERCENT}` }}
          components={{ cash: a(position.cash) }}
        />
      ),
    });
  if (limit > 0n && committed >= limit)
    list.push({
      id: 'limit-reached',
      severity: 'red',
      text: (
        <Trans
          i18nKey="dash.warn.limitReached"
          components={{ committed: a(position.committedLiability), limit: a(position.limit) }}
        />
      ),
    });
  else if (limit > 0n && committed * 100n >= limit * NEAR_LIMIT_PERCENT)
    list.push({
      id: 'limit-near',
      severity: 'amber',
      text: (
        <Trans
          i18nKey="dash.warn.limitNear"
          values={{ used: percentOf(position.committedLiability, position.limit) }}
          components={{ limit: a(position.limit) }}
        />
      ),
    });
  if (!list.length) return null;
  list.sort((x, y) => (x.severity === y.severity ? 0 : x.severity === 'red' ? -1 : 1));
  return (
    <ul className="warnings" data-testid="warnings" aria-label={t('dash.warn.label')}>
      {list.map((w) => (
        <li key={w.id} className={`warning ${w.severity}`} data-severity={w.severity} data-warning={w.id}>
          <strong>{t(`dash.warn.${w.severity}`)}</strong> {w.text}
        </li>
      ))}
    </ul>
  );
}

/**
 * What the liability limit measures (R7b, R15): committed liability — the fund's share of the
 * outstanding of live loans, not the loans themselves — against the fund's own money × the
 * multiple. The leverage (loans ÷ capital) has no limit of its own, so 18× is not a breach of 10×.
 */
function LimitNote({ position }: { position: PositionRow }) {
  return (
    <p className="limit-note" data-testid="limit-note">
      <Trans
        i18nKey="dash.limitNote"
        values={{
          m: formatMultiple(position.liabilityMultiple),
          used: percentOf(position.committedLiability, position.limit) ?? '—',
          leverage: position.leverage ? formatMultiple(position.leverage) : '—',
        }}
        components={{
          committed: <Amount value={position.committedLiability} />,
          limit: <Amount value={position.limit} />,
          live: <Amount value={position.liveFiledPrincipal} />,
          b: <strong />,
        }}
      />
    </p>
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

/**
 * The axis' end when one bank's ratio dwarfs the rest: 1.5 × the next largest (and never short of
 * the threshold), so the other bars stay readable; the outlier's bar runs off the end with its value
 * printed. Undefined (ECharts' own) otherwise. Plotting numbers only.
 */
function axisMax(values: number[], threshold: number): number | undefined {
  const sorted = [...values].sort((a, b) => b - a);
  const [top, next] = [sorted[0] ?? 0, sorted[1] ?? 0];
  if (next <= 0 || top <= 3 * next) return undefined;
  return Math.ceil(Math.max(next * 1.5, threshold * 1.5) * 100) / 100;
}

function BankRatiosChart({
  banks,
  breakers,
  loading,
}: {
  banks: BankReportRow[];
  breakers: BreakerRow[];
  loading: boolean;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const tripped = new Map(breakers.map((b) => [b.bankId, b.tripped]));
  // The banks of the chosen fund (the report is filtered by it); the breaker's own list only
  // when the report says nothing (it answers 404 to a role without reports).
  const rows = (
    banks.length
      ? banks.map((r) => ({
          id: r.bankId,
          name: (zh ? null : r.nameEn) ?? r.name,
          npl: r.nplRatio,
          claim: r.claimRatio,
          tripped: r.breakerTripped || (tripped.get(r.bankId) ?? false),
        }))
      : breakers.map((b) => ({
          id: b.bankId,
          name: (zh ? null : b.bankNameEn) ?? b.bankName,
          npl: null as string | null,
          claim: b.claimRatio,
          tripped: b.tripped,
        }))
  ).sort(
    (a, b) =>
      rateForChart(b.claim) - rateForChart(a.claim) ||
      rateForChart(b.npl) - rateForChart(a.npl) ||
      a.id.localeCompare(b.id),
  );
  const threshold = banks[0]?.claimRatioThreshold ?? breakers[0]?.thresholds.claimRatioAbove ?? '0.03';
  // Horizontal bars read from the top: the largest claim ratio first.
  const shown = [...rows].reverse();
  // One bank's two bars are not an outlier of each other: the axis is cut only among three banks or more.
  const max =
    rows.length >= 3
      ? axisMax(
          rows.flatMap((r) => [rateForChart(r.npl), rateForChart(r.claim)]),
          rateForChart(threshold),
        )
      : undefined;
  // Each bar's value printed at its end (a bar cut by the axis still says how far it goes); none on zero.
  const label = {
    show: true,
    position: 'right',
    fontSize: 10,
    formatter: (p: { data: { value: number; text: string } }) => (p.data.value ? p.data.text : ''),
  };
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => `${v.toFixed(2)}%` },
      legend: { top: 0 },
      grid: { left: 8, right: 56, top: 44, bottom: 8, containLabel: true },
      yAxis: {
        type: 'category',
        data: shown.map((r) => r.name),
        axisLabel: { interval: 0, fontSize: 11, formatter: shortBankName },
      },
      xAxis: { type: 'value', name: '%', ...(max ? { max } : {}) },
      series: [
        {
          name: t('dash.nplRatio'),
          type: 'bar',
          data: shown.map((r) => ({ value: rateForChart(r.npl), text: formatRate(r.npl) })),
          itemStyle: { color: '#f59e0b' },
          barMaxWidth: 14,
          label,
        },
        {
          // The series' own colour is the legend's; a tripped bank's bar is darker.
          name: t('dash.claimRatio'),
          type: 'bar',
          itemStyle: { color: '#b91c1c' },
          barMaxWidth: 14,
          data: shown.map((r) => ({
            value: rateForChart(r.claim),
            text: formatRate(r.claim),
            itemStyle: { color: r.tripped ? '#7f1d1d' : '#b91c1c' },
          })),
          label,
          markLine: {
            symbol: 'none',
            label: { formatter: t('dash.threshold', { v: formatRate(threshold) }), position: 'end', fontSize: 11 },
            lineStyle: { color: '#1d4ed8', type: 'dashed', width: 2 },
            data: [{ xAxis: rateForChart(threshold) }],
          },
        },
      ],
    }),
    [JSON.stringify(rows), threshold, max, t],
  );
  if (!loading && !rows.length)
    return (
      <p className="muted" data-testid="chart-banks" data-empty="true">
        {t('dash.noBanks')}
      </p>
    );
  return (
    <ChartCard
      testId="chart-banks"
      title={t('dash.banksChart')}
      option={option}
      height={Math.max(240, 60 + rows.length * 34)}
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

/** One slice per party: the institutions' amounts summed in BigInt fen; parties with nothing left out. */
function sharingRows(data: RiskSharingReport): { party: string; amount: string }[] {
  const sums = new Map<string, bigint>();
  for (const r of data.parties) sums.set(r.party, (sums.get(r.party) ?? 0n) + (toFen(r.livePrincipal) ?? 0n));
  return [...sums.entries()].filter(([, fen]) => fen !== 0n).map(([party, fen]) => ({ party, amount: fenToYuan(fen) }));
}

/** The risk-sharing split; the page shows it only when the fund has risk-sharing loans. */
function SharingChart({ data }: { data: RiskSharingReport }) {
  const { t } = useTranslation();
  const rows = sharingRows(data);
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

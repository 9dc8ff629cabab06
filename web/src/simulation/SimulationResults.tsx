/**
 * A finished simulation: the variants side by side (EL, VaR, ES, P(exhausted)), the loss
 * histogram, the what-if comparison as a grouped bar chart and the exhaustion probabilities by
 * year — each chart with its table one click away. Amounts are the API's yuan strings, shown
 * with separators; chart series are 万/亿 numbers made by toChartNumber for plotting only.
 */
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { inLanguage } from '../api/client';
import { Money } from '../components/bits';
import { ChartCard } from '../components/charts/ChartCard';
import { chartUnit, formatRate, formatYuan, toChartNumber, type ChartUnit } from '../lib/money';
import type { PdEstimate, SimulationReport, VariantReport } from './types';
import { BankName, IndustryName, ProgrammeName } from '../components/names';

const COLORS = ['#b91c1c', '#1d4ed8', '#15803d', '#b45309', '#7c3aed', '#0e7490', '#be185d', '#4b5563'];

/** A probability (a number, not money) as a percentage for people. */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p === 0) return '0%';
  if (p < 0.0001) return '<0.01%';
  return `${(p * 100).toFixed(2)}%`;
}

/** An axis label of 万/亿 (plotting only): at most two decimals. */
const axisNumber = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2 });
const levelLabel = (level: string) => formatRate(level);
const unitKey = (u: ChartUnit) => (u === 'yi' ? 'chart.yi' : 'chart.wan');

export function SimulationResults({ report }: { report: SimulationReport }) {
  const { t } = useTranslation();
  const variants = report.variants;
  return (
    <section aria-labelledby="sim-results-title" data-testid="sim-results">
      <h2 id="sim-results-title">{t('sim.results')}</h2>
      <p className="muted">
        {t('sim.summary', {
          loans: report.loans.toLocaleString('en-US'),
          scenarios: report.scenarios.toLocaleString('en-US'),
          years: report.years,
          seed: report.seed,
        })}
      </p>
      {report.warnings.length > 0 && (
        <div className="card" role="status" data-testid="sim-warnings" style={{ marginBottom: 14 }}>
          {report.warnings.map((w) => (
            <p key={`${w.variant}-${w.level}`} className="hint" data-warning={w.code}>
              ⚠{' '}
              {t('sim.fewTailScenarios', {
                variant: w.variant,
                level: levelLabel(w.level),
                tail: w.tailScenarios,
                needed: w.scenariosNeeded.toLocaleString('en-US'),
              })}
            </p>
          ))}
        </div>
      )}
      <PdTable rows={report.pd} />
      <MeasuresTable variants={variants} />
      <div className="grid two" style={{ marginTop: 14 }}>
        <HistogramChart variants={variants} />
        <WhatIfChart variants={variants} />
        {variants.some((v) => v.exhaustion.length > 0) && <ExhaustionChart variants={variants} years={report.years} />}
        <ModelsTable variants={variants} />
      </div>
      <ContributionsTable variants={variants} />
      {variants.some((v) => v.fundPath) && <FundPathSection report={report} />}
      {report.modelRisk && <ModelRiskSection rows={report.modelRisk} />}
      {(report.stress || report.reverseStress || report.topUp) && <StressSection report={report} />}
    </section>
  );
}

type ModelRiskRow = NonNullable<SimulationReport['modelRisk']>[number];

/**
 * Model risk: the same book and seed under the Gaussian copula with fixed PDs, and under the t
 * copula and the PD's uncertainty as asked, one variant at a time — each model's EL, VaR, ES and
 * P(exhausted), with its difference from the Gaussian on the line below.
 */
function ModelRiskSection({ rows }: { rows: ModelRiskRow[] }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState(0);
  const names = rows[0]?.variants.map((v) => v.variant) ?? [];
  const vi = Math.min(chosen, Math.max(0, names.length - 1));
  const first = rows[0]?.variants[vi];
  if (!first) return null;
  const name = (m: ModelRiskRow) =>
    `${m.copula === 't' ? t('sim.modelT', { nu: m.nu }) : t('sim.modelGaussian')}${m.pdUncertainty ? t('sim.modelPdUncertain') : ''}`;
  const signed = (yuan: string) => (yuan.startsWith('-') ? '' : '+') + formatYuan(yuan);
  const signedP = (p: number) => `${p < 0 ? '−' : '+'}${(Math.abs(p) * 100).toFixed(2)}%`;
  return (
    <section className="card" data-testid="sim-model-risk" style={{ marginTop: 14 }}>
      <h3>{t('sim.modelRisk')}</h3>
      {names.length > 1 && (
        <label>
          {t('sim.variant')}{' '}
          <select value={vi} onChange={(e) => setChosen(Number(e.target.value))}>
            {names.map((n, i) => (
              <option key={n} value={i}>
                {n}
              </option>
            ))}
          </select>
        </label>
      )}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{t('sim.model')}</th>
              <th className="num">
                {t('sim.elSimulated')} <small className="muted">（{t('common.yuan')}）</small>
              </th>
              {first.tail.flatMap((x) => [
                <th key={`v${x.level}`} className="num">
                  {t('sim.var', { level: levelLabel(x.level) })}
                </th>,
                <th key={`e${x.level}`} className="num">
                  {t('sim.es', { level: levelLabel(x.level) })}
                </th>,
              ])}
              {first.exhaustion.map((e) => (
                <th key={e.withinYears} className="num">
                  {t('sim.exhausted', { n: e.withinYears })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((m, i) => {
              const f = m.variants[vi]!;
              const d = m.difference[vi]!;
              const figures = (
                <tr key={m.id} data-model={m.id}>
                  <th scope="row">{name(m)}</th>
                  <td className="num">
                    <Money value={f.expectedLoss} />
                  </td>
                  {f.tail.flatMap((x) => [
                    <td key={`v${x.level}`} className="num">
                      <Money value={x.valueAtRisk} />
                    </td>,
                    <td key={`e${x.level}`} className="num">
                      <Money value={x.expectedShortfall} />
                    </td>,
                  ])}
                  {f.exhaustion.map((e) => (
                    <td key={e.withinYears} className="num">
                      {formatProbability(e.probability)}
                    </td>
                  ))}
                </tr>
              );
              if (i === 0) return [figures];
              return [
                figures,
                <tr key={`${m.id}-difference`} className="muted" data-difference={m.id}>
                  <th scope="row">{t('sim.modelDifference')}</th>
                  <td className="num money">{signed(d.expectedLoss)}</td>
                  {d.tail.flatMap((x) => [
                    <td key={`v${x.level}`} className="num money">
                      {signed(x.valueAtRisk)}
                    </td>,
                    <td key={`e${x.level}`} className="num money">
                      {signed(x.expectedShortfall)}
                    </td>,
                  ])}
                  {d.exhaustion.map((e) => (
                    <td key={e.withinYears} className="num" title={`± ${(1.96 * e.standardError * 100).toFixed(2)}%`}>
                      {signedP(e.probability)}
                    </td>
                  ))}
                </tr>,
              ];
            })}
          </tbody>
        </table>
      </div>
      <p className="hint">{t('sim.modelRiskHint')}</p>
    </section>
  );
}

/**
 * The stress table (baseline and each stress scenario, one variant at a time: EL, VaR and ES,
 * P(exhausted)) and the reverse-stress and top-up answers in words, as the server wrote them in
 * both languages, with the bracket and the probabilities behind them.
 */
function StressSection({ report }: { report: SimulationReport }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState(0);
  const rows = report.stress ?? [];
  const names = rows[0]?.variants.map((v) => v.variant) ?? [];
  const vi = Math.min(chosen, Math.max(0, names.length - 1));
  const first = rows[0]?.variants[vi];
  const r = report.reverseStress;
  const up = report.topUp;
  const value = (x: number) => (r?.over === 'pd' ? t('sim.timesToday', { x }) : String(x));
  return (
    <section className="card" data-testid="sim-stress" style={{ marginTop: 14 }}>
      <h3>{t('sim.stress')}</h3>
      {r && (
        <p className="stress-answer" data-testid="sim-reverse-stress" data-status={r.status}>
          <strong>{inLanguage(r.statement)}</strong>
          <br />
          <small className="muted">
            {r.status === 'found'
              ? t('sim.reverseBracket', {
                  lo: value(r.bracket![0]!),
                  hi: value(r.bracket![1]!),
                  pLo: formatProbability(r.probability.bracketLow!.value),
                  pHi: formatProbability(r.probability.value!.value),
                  step: r.step,
                  variant: r.variant,
                })
              : t('sim.reverseBaseline', {
                  p: formatProbability(r.probability.baseline.value),
                  variant: r.variant,
                })}
          </small>
        </p>
      )}
      {up && (
        <p className="stress-answer" data-testid="sim-top-up" data-status={up.status}>
          <strong>{inLanguage(up.statement)}</strong>
          {up.status === 'found' && (
            <>
              <br />
              <small className="muted">
                {t('sim.topUpCheck', {
                  after: formatProbability(up.probability.after),
                  less: formatProbability(up.probability.oneStepLess ?? NaN),
                  step: formatYuan(up.step),
                  variant: up.variant,
                })}
              </small>
            </>
          )}
        </p>
      )}
      {first && (
        <>
          {names.length > 1 && (
            <label>
              {t('sim.variant')}{' '}
              <select value={vi} onChange={(e) => setChosen(Number(e.target.value))}>
                {names.map((n, i) => (
                  <option key={n} value={i}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t('sim.stressScenario')}</th>
                  <th className="num">
                    {t('sim.elSimulated')} <small className="muted">（{t('common.yuan')}）</small>
                  </th>
                  {first.tail.flatMap((x) => [
                    <th key={`v${x.level}`} className="num">
                      {t('sim.var', { level: levelLabel(x.level) })}
                    </th>,
                    <th key={`e${x.level}`} className="num">
                      {t('sim.es', { level: levelLabel(x.level) })}
                    </th>,
                  ])}
                  {first.exhaustion.map((e) => (
                    <th key={e.withinYears} className="num">
                      {t('sim.exhausted', { n: e.withinYears })}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => {
                  const f = row.variants[vi]!;
                  return (
                    <tr key={row.id}>
                      <th scope="row">{row.id === 'baseline' ? t('sim.stressBaseline') : row.id}</th>
                      <td className="num">
                        <Money value={f.expectedLoss} />
                      </td>
                      {f.tail.flatMap((x) => [
                        <td key={`v${x.level}`} className="num">
                          <Money value={x.valueAtRisk} />
                        </td>,
                        <td key={`e${x.level}`} className="num">
                          <Money value={x.expectedShortfall} />
                        </td>,
                      ])}
                      {f.exhaustion.map((e) => (
                        <td key={e.withinYears} className="num">
                          {formatProbability(e.probability)}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="hint">{t('sim.stressHint')}</p>
        </>
      )}
    </section>
  );
}

/** Which PD each grade used: set by the manager or estimated from history, with the loans and defaults behind it. */
function PdTable({ rows }: { rows: PdEstimate[] }) {
  const { t } = useTranslation();
  if (!rows.length) return null;
  const withHistory = rows.some((r) => r.history);
  const num = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
  return (
    <div className="table-wrap card" style={{ marginBottom: 14 }}>
      <h3>{t('sim.pdUsed')}</h3>
      <table data-testid="sim-pd">
        <thead>
          <tr>
            <th>{t('sim.pdGrade')}</th>
            <th className="num">{t('sim.pdValue')}</th>
            <th>{t('sim.pdSourceCol')}</th>
            {withHistory && (
              <>
                <th className="num">{t('sim.pdLoans')}</th>
                <th className="num">{t('sim.pdDefaults')}</th>
                <th className="num">{t('sim.pdLoanYears')}</th>
                <th className="num">{t('sim.pdInterval')}</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.grade} data-grade={r.grade} data-source={r.source}>
              <th scope="row">{t(`classification.${r.grade}`, { defaultValue: r.grade })}</th>
              <td className="num">{formatProbability(r.pd)}</td>
              <td>
                {r.source === 'history' ? t('sim.pdFromHistoryShort') : t('sim.pdFromManager')}
                {r.source === 'manager' && r.history && (
                  <div className="hint">
                    {r.history.loanYears > 0
                      ? t('sim.pdNoteShort', { years: num(r.history.loanYears, 2) })
                      : t('sim.pdNoteNone')}
                  </div>
                )}
              </td>
              {withHistory && (
                <>
                  <td className="num">{r.history ? num(r.history.loans) : '—'}</td>
                  <td className="num">{r.history ? num(r.history.defaults) : '—'}</td>
                  <td className="num">{r.history ? num(r.history.loanYears, 1) : '—'}</td>
                  <td className="num">
                    {r.history?.interval
                      ? `${formatProbability(r.history.interval[0])} – ${formatProbability(r.history.interval[1])}`
                      : '—'}
                  </td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MeasuresTable({ variants }: { variants: VariantReport[] }) {
  const { t } = useTranslation();
  const levels = variants[0]?.tail.map((r) => r.level) ?? [];
  const years = variants[0]?.exhaustion.map((e) => e.withinYears) ?? [];
  const money = (
    key: string,
    label: string,
    value: (v: VariantReport) => string | undefined,
    interval?: (v: VariantReport) => string[] | undefined,
  ) => (
    <tr key={key} data-measure={key}>
      <th scope="row">{label}</th>
      {variants.map((v) => {
        const iv = interval?.(v);
        return (
          <td key={v.variant} className="num">
            <Money value={value(v)} />
            {iv && (
              <div className="hint" data-interval>
                {t('sim.ci95')} {formatYuan(iv[0]!)} – {formatYuan(iv[1]!)}
              </div>
            )}
          </td>
        );
      })}
    </tr>
  );
  return (
    <div className="table-wrap card">
      <h3>
        {t('sim.measures')} <small className="muted">（{t('common.yuan')}）</small>
      </h3>
      <table data-testid="sim-measures">
        <thead>
          <tr>
            <th>{t('sim.measure')}</th>
            {variants.map((v) => (
              <th key={v.variant} className="num" scope="col">
                {v.variant}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {money('el', t('sim.elExact'), (v) => v.expectedLoss.exact)}
          <tr data-measure="el-sim">
            <th scope="row">{t('sim.elSimulated')}</th>
            {variants.map((v) => (
              <td key={v.variant} className="num">
                <Money value={v.expectedLoss.simulated} />{' '}
                <small className="muted">± {formatYuan(v.expectedLoss.standardError)}</small>
              </td>
            ))}
          </tr>
          {levels.map((l, i) =>
            money(
              `var-${l}`,
              t('sim.var', { level: levelLabel(l) }),
              (v) => v.tail[i]?.valueAtRisk.monteCarlo,
              (v) => v.tail[i]?.monteCarloInterval.valueAtRisk,
            ),
          )}
          {levels.map((l, i) =>
            money(
              `es-${l}`,
              t('sim.es', { level: levelLabel(l) }),
              (v) => v.tail[i]?.expectedShortfall.monteCarlo,
              (v) => v.tail[i]?.monteCarloInterval.expectedShortfall,
            ),
          )}
          {years.map((y, i) => (
            <tr key={`ex-${y}`} data-measure={`exhausted-${y}`}>
              <th scope="row">{t('sim.exhausted', { n: y })}</th>
              {variants.map((v) => {
                const e = v.exhaustion[i];
                return (
                  <td key={v.variant} className="num">
                    {e ? (
                      <>
                        {formatProbability(e.probability)}{' '}
                        <small className="muted">± {formatProbability(e.standardError)}</small>
                        <div className="hint" data-interval>
                          {t('sim.ci95')} {formatProbability(e.interval[0]!)} – {formatProbability(e.interval[1]!)}
                        </div>
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {!years.length && <p className="hint">{t('sim.noFundPlan')}</p>}
    </div>
  );
}

function HistogramChart({ variants }: { variants: VariantReport[] }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState(0);
  const v = variants[Math.min(chosen, variants.length - 1)]!;
  const bins = v.histogram;
  const unit = chartUnit(bins.map((b) => b.to));
  const var99 = v.tail.find((r) => r.level === '0.99')?.valueAtRisk.monteCarlo;
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (x: number) => `${x.toFixed(3)}%` },
      grid: { left: 60, right: 30, top: 30, bottom: 56 },
      xAxis: {
        type: 'category',
        name: t(unitKey(unit)),
        nameLocation: 'middle',
        nameGap: 34,
        data: bins.map((b) => axisNumber(toChartNumber(b.from, unit))),
      },
      yAxis: { type: 'value', name: t('sim.probabilityPct') },
      series: [
        {
          name: v.variant,
          type: 'bar',
          barCategoryGap: '8%',
          data: bins.map((b) => Number((b.probability * 100).toFixed(4))),
          itemStyle: { color: COLORS[chosen % COLORS.length] },
        },
      ],
    }),
    [JSON.stringify(bins), unit, v.variant, chosen, t],
  );
  const title = t('sim.histogram');
  return (
    <div className="hist-card">
      <ChartCard
        testId="chart-histogram"
        title={title}
        option={option}
        height={320}
        table={
          <table>
            <thead>
              <tr>
                <th className="num">{t('sim.lossFrom')}</th>
                <th className="num">{t('sim.lossTo')}</th>
                <th className="num">{t('sim.probability')}</th>
              </tr>
            </thead>
            <tbody>
              {bins.map((b) => (
                <tr key={b.from}>
                  <td className="num">
                    <Money value={b.from} />
                  </td>
                  <td className="num">
                    <Money value={b.to} />
                  </td>
                  <td className="num">{formatProbability(b.probability)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        }
      />
      <div className="row hist-pick">
        <label htmlFor="hist-variant">{t('sim.histVariant')}</label>
        <select id="hist-variant" value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
          {variants.map((x, i) => (
            <option key={x.variant} value={i}>
              {x.variant}
            </option>
          ))}
        </select>
        {var99 && (
          <span className="muted">
            {t('sim.var', { level: '99%' })}：<Money value={var99} /> {t('common.yuan')}
          </span>
        )}
      </div>
    </div>
  );
}

function WhatIfChart({ variants }: { variants: VariantReport[] }) {
  const { t } = useTranslation();
  const levels = variants[0]?.tail.map((r) => r.level) ?? [];
  const measures: { label: string; value: (v: VariantReport) => string | undefined }[] = [
    { label: t('sim.elShort'), value: (v) => v.expectedLoss.exact },
    ...levels.map((l, i) => ({
      label: t('sim.var', { level: levelLabel(l) }),
      value: (v: VariantReport) => v.tail[i]?.valueAtRisk.monteCarlo,
    })),
    ...levels.map((l, i) => ({
      label: t('sim.es', { level: levelLabel(l) }),
      value: (v: VariantReport) => v.tail[i]?.expectedShortfall.monteCarlo,
    })),
  ];
  const unit = chartUnit(variants.flatMap((v) => measures.map((m) => m.value(v))));
  const key = JSON.stringify(variants.map((v) => measures.map((m) => m.value(v))));
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 70, right: 20, top: 60, bottom: 40 },
      xAxis: { type: 'category', data: measures.map((m) => m.label), axisLabel: { interval: 0, fontSize: 11 } },
      yAxis: { type: 'value', name: t(unitKey(unit)) },
      series: variants.map((v, i) => ({
        name: v.variant,
        type: 'bar',
        data: measures.map((m) => toChartNumber(m.value(v), unit)),
        itemStyle: { color: COLORS[i % COLORS.length] },
      })),
    }),
    [key, unit, t],
  );
  return (
    <ChartCard
      testId="chart-whatif"
      title={t('sim.whatIf')}
      option={option}
      height={320}
      table={
        <table>
          <thead>
            <tr>
              <th>{t('sim.measure')}</th>
              {variants.map((v) => (
                <th key={v.variant} className="num">
                  {v.variant}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {measures.map((m) => (
              <tr key={m.label}>
                <th scope="row">{m.label}</th>
                {variants.map((v) => (
                  <td key={v.variant} className="num">
                    <Money value={m.value(v)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function ExhaustionChart({ variants, years }: { variants: VariantReport[]; years: number }) {
  const { t } = useTranslation();
  const ys = Array.from({ length: years }, (_, i) => i + 1);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (x: number) => `${x.toFixed(2)}%` },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 60, right: 20, top: 60, bottom: 30 },
      xAxis: { type: 'category', data: ys.map((y) => t('sim.withinYears', { n: y })) },
      yAxis: { type: 'value', name: '%', min: 0 },
      series: variants.map((v, i) => ({
        name: v.variant,
        type: 'bar',
        data: ys.map((y) => Number(((v.exhaustion[y - 1]?.probability ?? 0) * 100).toFixed(4))),
        itemStyle: { color: COLORS[i % COLORS.length] },
      })),
    }),
    [JSON.stringify(variants.map((v) => v.exhaustion)), years, t],
  );
  return (
    <ChartCard
      testId="chart-exhaustion"
      title={t('sim.exhaustionChart')}
      option={option}
      height={320}
      table={
        <table>
          <thead>
            <tr>
              <th>{t('sim.horizon')}</th>
              {variants.map((v) => (
                <th key={v.variant} className="num">
                  {v.variant}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ys.map((y) => (
              <tr key={y}>
                <th scope="row">{t('sim.withinYears', { n: y })}</th>
                {variants.map((v) => (
                  <td key={v.variant} className="num">
                    {formatProbability(v.exhaustion[y - 1]?.probability ?? NaN)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

/**
 * The fund's rules inside the multi-year run: per year the claims arising, what the fund paid,
 * what the banks' breakers held (G4), what waits for cash at the year's end (R7a) and the chance a
 * claim waits — the first variant as a chart (its table view that variant only), every variant in
 * the table below.
 */
function FundPathSection({ report }: { report: SimulationReport }) {
  const { t } = useTranslation();
  const variants = report.variants.filter((v) => v.fundPath);
  const first = variants[0]!;
  const rules = report.fundRules;
  const unit = chartUnit(first.fundPath!.map((y) => y.claims));
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: axisNumber },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 70, right: 20, top: 60, bottom: 30 },
      xAxis: { type: 'category', data: first.fundPath!.map((y) => t('sim.yearN', { n: y.year })) },
      yAxis: { type: 'value', name: t(unitKey(unit)), axisLabel: { formatter: axisNumber } },
      series: (['claims', 'paid', 'held', 'queued'] as const).map((key, i) => ({
        name: t(`sim.fundPath.${key}`),
        type: 'bar',
        data: first.fundPath!.map((y) => toChartNumber(y[key], unit)),
        itemStyle: { color: COLORS[i % COLORS.length] },
      })),
    }),
    [JSON.stringify(first.fundPath), unit, t],
  );
  return (
    <section aria-labelledby="sim-fund-path" data-testid="sim-fund-path" style={{ marginTop: 14 }}>
      <h3 id="sim-fund-path">{t('sim.fundPath.title')}</h3>
      {rules && (
        <p className="hint">
          {t('sim.fundPath.rules', {
            runOff: rules.runOff ? t('common.yes') : t('common.no'),
            newFilings: formatProbability(rules.newFilingsPerYear),
            review: Math.round(rules.reviewYears * 250),
            breaker: rules.breaker
              ? t('sim.fundPath.breakerOn', {
                  ratio: formatRate(rules.breaker.claimRatioAbove),
                  amount: formatYuan(rules.breaker.netCompensationAbove),
                })
              : t('common.no'),
            pd: rules.pdByYearOfLife.join(' / '),
            phi: rules.factorPersistence,
          })}
        </p>
      )}
      <p className="hint">{t('sim.fundPath.exhaustedMeans')}</p>
      <ChartCard
        testId="chart-fund-path"
        title={t('sim.fundPath.chart', { variant: first.variant })}
        option={option}
        height={320}
        table={<FundPathTable variants={[first]} />}
      />
      <div className="table-wrap">
        <FundPathTable variants={variants} />
      </div>
    </section>
  );
}

function FundPathTable({ variants }: { variants: VariantReport[] }) {
  const { t } = useTranslation();
  return (
    <table data-testid="sim-fund-path-table">
      <thead>
        <tr>
          <th>{t('sim.variant')}</th>
          <th>{t('sim.yearColumn')}</th>
          <th className="num">{t('sim.fundPath.claims')}</th>
          <th className="num">{t('sim.fundPath.paid')}</th>
          <th className="num">{t('sim.fundPath.held')}</th>
          <th className="num">{t('sim.fundPath.queued')}</th>
          <th className="num">{t('sim.fundPath.queueProbability')}</th>
          <th className="num">{t('sim.fundPath.claimWaits')}</th>
        </tr>
      </thead>
      <tbody>
        {variants.flatMap((v) =>
          v.fundPath!.map((y) => (
            <tr key={`${v.variant}-${y.year}`}>
              <th scope="row">{v.variant}</th>
              <td>{y.year}</td>
              <td className="num">
                <Money value={y.claims} />
              </td>
              <td className="num">
                <Money value={y.paid} />
              </td>
              <td className="num">
                <Money value={y.held} />
              </td>
              <td className="num">
                <Money value={y.queued} />
              </td>
              <td className="num">{formatProbability(y.queueProbability)}</td>
              <td className="num">{formatProbability(y.claimWaits)}</td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}

/** The simulated figures beside the analytic models (Vasicek large/finite portfolio, CreditRisk+). */
function ModelsTable({ variants }: { variants: VariantReport[] }) {
  const { t } = useTranslation();
  const models = [...new Set(variants.flatMap((v) => v.tail.flatMap((r) => Object.keys(r.valueAtRisk))))];
  return (
    <section className="card" data-testid="sim-models">
      <h3>{t('sim.models')}</h3>
      <div className="table-wrap">
        <table className="nowrap-2">
          <thead>
            <tr>
              <th>{t('sim.variant')}</th>
              <th>{t('sim.measure')}</th>
              {models.map((m) => (
                <th key={m} className="num">
                  {t(`sim.model_${m}`, { defaultValue: m })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {variants.flatMap((v) =>
              v.tail.map((r) => (
                <tr key={`${v.variant}-${r.level}`}>
                  <td>{v.variant}</td>
                  <td>{t('sim.var', { level: levelLabel(r.level) })}</td>
                  {models.map((m) => (
                    <td key={m} className="num">
                      <Money value={r.valueAtRisk[m]} />
                      {r.errorBound[m] && r.errorBound[m].valueAtRisk !== '0.00' && (
                        <small className="muted"> ± {formatYuan(r.errorBound[m].valueAtRisk)}</small>
                      )}
                    </td>
                  ))}
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
      <p className="hint">{t('sim.modelsHint')}</p>
      {variants.map(
        (v) =>
          v.finiteGrid && (
            <p key={v.variant} className="hint" data-testid="sim-finite-grid">
              {t(v.finiteGrid.loansSplit > 0 ? 'sim.finiteGridSplit' : 'sim.finiteGridExact', {
                variant: v.variant,
                step: formatYuan(v.finiteGrid.step),
                points: v.finiteGrid.points.toLocaleString('en-US'),
                split: v.finiteGrid.loansSplit.toLocaleString('en-US'),
              })}
            </p>
          ),
      )}
    </section>
  );
}

/** Euler contributions to ES and VaR (one variant at a time): by bank, programme, sector and grade, and the largest loans. */
function ContributionsTable({ variants }: { variants: VariantReport[] }) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState(0);
  const v = variants[Math.min(chosen, variants.length - 1)];
  if (!v) return null;
  const c = v.contributions;
  type Row = (typeof c.by)[number]['rows'][number] & { loanNumber?: string; enterpriseName?: string };
  const groups: { title: string; dimension: string; rows: Row[] }[] = [
    ...c.by.map((b) => ({ title: t(`sim.contribBy_${b.dimension}`), dimension: b.dimension, rows: b.rows })),
    { title: t('sim.contribTopLoans'), dimension: 'loan', rows: c.topLoans },
  ];
  return (
    <section className="card" data-testid="sim-contributions" style={{ marginTop: 14 }}>
      <h3>
        {t('sim.contributions', { level: levelLabel(c.level) })} <small className="muted">（{t('common.yuan')}）</small>
      </h3>
      {variants.length > 1 && (
        <label>
          {t('sim.variant')}{' '}
          <select value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
            {variants.map((x, i) => (
              <option key={x.variant} value={i}>
                {x.variant}
              </option>
            ))}
          </select>
        </label>
      )}
      <p className="hint">
        {t('sim.contributionsHint', {
          es: formatYuan(c.expectedShortfall),
          var: formatYuan(c.valueAtRisk),
          tail: c.tailScenarios,
          near: c.neighbourhood,
        })}
      </p>
      <div className="grid two">
        {groups.map((g) => (
          <div key={g.title} className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{g.title}</th>
                  <th className="num">{t('sim.contribEs')}</th>
                  <th className="num">{t('sim.contribShare')}</th>
                  <th className="num">{t('sim.contribVar')}</th>
                </tr>
              </thead>
              <tbody>
                {g.rows.slice(0, 20).map((r) => (
                  <tr key={r.key}>
                    <th scope="row">
                      {!r.key ? (
                        '—'
                      ) : g.dimension === 'bank' ? (
                        <BankName id={r.key} />
                      ) : g.dimension === 'programme' ? (
                        <ProgrammeName id={r.key} link={false} />
                      ) : g.dimension === 'sector' ? (
                        <IndustryName code={r.key} />
                      ) : r.loanNumber ? (
                        <>
                          <Link to={`/filings/${r.key}`}>{r.loanNumber}</Link>
                          <div className="muted small">{r.enterpriseName}</div>
                        </>
                      ) : (
                        r.key
                      )}
                    </th>
                    <td className="num">
                      <Money value={r.expectedShortfall} />
                    </td>
                    <td className="num">{formatProbability(r.share)}</td>
                    <td className="num">
                      <Money value={r.valueAtRisk} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </div>
    </section>
  );
}

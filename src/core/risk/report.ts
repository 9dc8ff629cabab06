/**
 * The simulator's answer: per policy variant EL, VaR and ES (simulated, and from the Vasicek
 * large-portfolio formula, the finite one-factor integral for small books, and CreditRisk+),
 * P(fund exhausted within N years), the histogram, and the what-if table of variants side by side.
 * Money leaves here as yuan strings with two decimals: each figure is rounded once to the fen.
 */
import { formatYuan } from '../money/money';
import { creditRiskPlus, type CreditRiskPlusModel } from './creditrisk-plus';
import { LEVELS, measuresOf, type LossMeasures } from './distribution';
import type { FactorModel } from './factors';
import { exhaustionProbabilities, type FundPlan } from './fund-paths';
import { yearLosses, type MonteCarloSpec, type ScenarioBlock } from './monte-carlo';
import { PAYOUT_BANDS_YUAN, expectedLoss, payoutTotal, type Portfolio } from './portfolio';
import { managerPds, type PdEstimate } from './pd-history';
import { histogram, tailMeasures, weightedMean } from './statistics';
import { vasicekFinite, vasicekLargePortfolio } from './vasicek';

export const yuan = (fen: number): string => formatYuan(BigInt(Math.round(fen)));

/** Books up to this many loans also get the finite-portfolio Vasicek distribution. */
export const FINITE_VASICEK_MAX_LOANS = 500;

export interface TailRow {
  level: string;
  valueAtRisk: Record<string, string>;
  expectedShortfall: Record<string, string>;
}

export interface VariantReport {
  variant: string;
  expectedLoss: { exact: string; simulated: string; standardError: string };
  tail: TailRow[];
  exhaustion: { withinYears: number; probability: number; standardError: number }[];
  histogram: { from: string; to: string; probability: number }[];
}

export interface PortfolioRow {
  grade: string;
  pd: number;
  sector: string;
  band: string;
  loans: number;
  exposure: string;
  payout: Record<string, string>;
}

export interface SimulationReport {
  loans: number;
  scenarios: number;
  years: number;
  seed: number;
  importanceShift: number;
  portfolio: PortfolioRow[];
  /** The PD used for each grade: set by the manager or estimated from the book's history (with the loans and defaults behind it). */
  pd: PdEstimate[];
  variants: VariantReport[];
  /** One row per measure, one column per variant, in the order of `variants`. */
  whatIf: { measure: string; values: string[] }[];
  notes: string[];
}

export interface ReportInput {
  portfolio: Portfolio;
  spec: MonteCarloSpec;
  block: ScenarioBlock;
  fund?: FundPlan;
  creditRiskPlus?: CreditRiskPlusModel;
  /** Where each grade's PD came from (default: the portfolio's PDs, as set by the manager). */
  pd?: PdEstimate[];
  levels?: readonly number[];
  bins?: number;
}

function bandLabel(b: number): string {
  const lo = PAYOUT_BANDS_YUAN[b]!;
  const hi = PAYOUT_BANDS_YUAN[b + 1];
  return hi === undefined ? `≥${lo}` : `${lo}–${hi}`;
}

export function portfolioRows(p: Portfolio): PortfolioRow[] {
  return p.cells.flatMap((c) =>
    c.bands.map((b) => {
      let exposure = 0;
      for (let i = b.start; i < b.start + b.count; i++) exposure += p.exposure[i]!;
      return {
        grade: p.grades[c.grade]!,
        pd: c.pd,
        sector: p.sectors[c.sector]!,
        band: bandLabel(b.band),
        loans: b.count,
        exposure: yuan(exposure),
        payout: Object.fromEntries(p.variants.map((v, vi) => [v, yuan(payoutTotal(p, vi, b.start, b.count))])),
      };
    }),
  );
}

function analytic(
  p: Portfolio,
  factors: FactorModel,
  v: number,
  levels: readonly number[],
  crp?: CreditRiskPlusModel,
): Record<string, LossMeasures> {
  const out: Record<string, LossMeasures> = {};
  if ((factors.sectorCorrelation ?? 1) === 1) {
    out.vasicekLargePortfolio = vasicekLargePortfolio(p, factors, v, levels);
    if (p.loanCount <= FINITE_VASICEK_MAX_LOANS)
      out.vasicekFinite = measuresOf(vasicekFinite(p, factors, v, { maxPoints: 2048, nodes: 120 }), levels);
  }
  if (crp) out.creditRiskPlus = measuresOf(creditRiskPlus(p, crp, v), levels);
  return out;
}

export function buildReport({
  portfolio: p,
  spec,
  block,
  fund,
  creditRiskPlus: crp,
  pd,
  levels = LEVELS,
  bins = 40,
}: ReportInput): SimulationReport {
  const variants = p.variants.map((id, v): VariantReport => {
    const l = yearLosses(block, v, 0);
    const mean = weightedMean(l, block.weights);
    const sim = tailMeasures(l, block.weights, levels);
    const exact = analytic(p, spec.factors, v, levels, crp);
    return {
      variant: id,
      expectedLoss: {
        exact: yuan(expectedLoss(p, v)),
        simulated: yuan(mean.value),
        standardError: yuan(mean.standardError),
      },
      tail: sim.map((t, i) => ({
        level: String(t.level),
        valueAtRisk: {
          monteCarlo: yuan(t.valueAtRisk),
          ...Object.fromEntries(Object.entries(exact).map(([k, m]) => [k, yuan(m.tail[i]!.valueAtRisk)])),
        },
        expectedShortfall: {
          monteCarlo: yuan(t.expectedShortfall),
          ...Object.fromEntries(Object.entries(exact).map(([k, m]) => [k, yuan(m.tail[i]!.expectedShortfall)])),
        },
      })),
      exhaustion: fund
        ? exhaustionProbabilities(block, v, fund).map((e, y) => ({
            withinYears: y + 1,
            probability: e.value,
            standardError: e.standardError,
          }))
        : [],
      histogram: histogram(l, block.weights, bins).map((b) => ({
        from: yuan(b.from),
        to: yuan(b.to),
        probability: b.probability,
      })),
    };
  });
  const whatIf: { measure: string; values: string[] }[] = [
    { measure: 'expected loss (exact)', values: variants.map((r) => r.expectedLoss.exact) },
    { measure: 'expected loss (simulated)', values: variants.map((r) => r.expectedLoss.simulated) },
    ...levels.flatMap((level, i) => [
      { measure: `VaR ${level * 100}%`, values: variants.map((r) => r.tail[i]!.valueAtRisk.monteCarlo!) },
      { measure: `ES ${level * 100}%`, values: variants.map((r) => r.tail[i]!.expectedShortfall.monteCarlo!) },
    ]),
    ...(fund
      ? Array.from({ length: spec.years }, (_, y) => ({
          measure: `P(exhausted within ${y + 1} y)`,
          values: variants.map((r) => r.exhaustion[y]!.probability.toPrecision(4)),
        }))
      : []),
  ];
  return {
    loans: p.loanCount,
    scenarios: spec.scenarios,
    years: spec.years,
    seed: spec.seed,
    importanceShift: spec.shift,
    portfolio: portfolioRows(p),
    pd: pd ?? managerPds(p.grades, Object.fromEntries(p.cells.map((c) => [p.grades[c.grade]!, c.pd]))),
    variants,
    whatIf,
    notes: [
      "Money in yuan, rounded once to the fen; payouts per loan are the policy engine's compensation in integer fen.",
      "Loss figures are for one year; exhaustion follows the fund's cash over the years with top-ups and recoveries.",
      ...(pd?.some((e) => e.source === 'history')
        ? [
            "PD per grade from the book's history: defaults ÷ loan-years at risk, Jeffreys prior (posterior mean, 95% interval); grades with too little history use the manager's PD.",
          ]
        : []),
      ...(spec.shift !== 0
        ? [`Importance sampling: the global factor was drawn with mean ${spec.shift}; estimates are reweighted.`]
        : []),
    ],
  };
}

/**
 * The simulator's answer: per policy variant EL, VaR and ES (simulated, and from the Vasicek
 * large-portfolio formula, the finite one-factor integral for small books, and CreditRisk+),
 * P(fund exhausted within N years), the histogram, and the what-if table of variants side by side.
 * Money leaves here as yuan strings with two decimals: each figure is rounded once to the fen.
 */
import { formatYuan } from '../money/money';
import { contributionsBy, contributionsByCell, largestContributors, riskContributions } from './contributions';
import { creditRiskPlus, type CreditRiskPlusModel } from './creditrisk-plus';
import { LEVELS, latticeBounds, measuresOf, type LossDistribution, type LossMeasures } from './distribution';
import type { FactorModel } from './factors';
import { exhaustionProbabilities, exhaustionYears, type FundPlan } from './fund-paths';
import { fundPathYears } from './fund-rules';
import { posteriorExpectedLoss, type ModelRiskRow } from './model-risk';
import { yearLosses, type MonteCarloSpec, type ScenarioBlock } from './monte-carlo';
import { PAYOUT_BANDS_YUAN, expectedLoss, payoutTotal, type Portfolio } from './portfolio';
import { managerPds, type PdEstimate } from './pd-history';
import { MIN_TAIL_SCENARIOS, histogram, probabilityInterval, tailConfidence, weightedMean } from './statistics';
import { vasicekFinite, vasicekLargePortfolio } from './vasicek';
import {
  solveTopUp,
  type ReverseStressResult,
  type StressFigures,
  type StressRow,
  type TopUpResult,
  type TopUpSpec,
} from './stress';

export const yuan = (fen: number): string => formatYuan(BigInt(Math.round(fen)));

/** Books up to this many loans also get the finite-portfolio Vasicek distribution. */
export const FINITE_VASICEK_MAX_LOANS = 500;

export interface TailRow {
  level: string;
  valueAtRisk: Record<string, string>;
  expectedShortfall: Record<string, string>;
  /**
   * How far each lattice method's figures may be from its model's exact figures (yuan): the finite
   * one-factor engine splits payouts that are off its lattice (see `latticeBounds`). 0 = exact.
   */
  errorBound: Record<string, { valueAtRisk: string; expectedShortfall: string }>;
  /**
   * 95% confidence intervals of the Monte Carlo figures (yuan, [lower, upper]): VaR by order
   * statistics (distribution-free), ES by batch means; and the scenarios beyond VaR they rest on.
   */
  monteCarloInterval: { valueAtRisk: [string, string]; expectedShortfall: [string, string]; tailScenarios: number };
}

/** Something the reader of the figures should know: `few-tail-scenarios` = fewer than 10 scenarios beyond a VaR level. */
export interface ReportWarning {
  code: 'few-tail-scenarios';
  variant: string;
  level: string;
  tailScenarios: number;
  /** Scenarios that would put 10 beyond the level: 10 / (1 − level). */
  scenariosNeeded: number;
}

export interface VariantReport {
  variant: string;
  expectedLoss: { exact: string; simulated: string; standardError: string };
  tail: TailRow[];
  /** P(exhausted within N years) with its standard error and 95% interval (batch means). */
  exhaustion: { withinYears: number; probability: number; standardError: number; interval: [number, number] }[];
  /** The finite one-factor engine's lattice: its step (yuan), its points, and the loans whose payouts were split between two points. */
  finiteGrid?: { step: string; points: number; loansSplit: number };
  histogram: { from: string; to: string; probability: number }[];
  /** Euler contributions to the Monte Carlo ES and VaR of year 1 (contributions.ts), at one level. */
  contributions: ContributionsReport;
  /** With the fund's rules: the fund's path year by year (expectations; money in yuan). */
  fundPath?: FundPathRow[];
}

export interface FundPathRow {
  year: number;
  /** Claims arising from the year's defaults, paid in the year, held by the breaker (G4), waiting at the year's end (R7a). */
  claims: string;
  paid: string;
  held: string;
  queued: string;
  /** P(claims are waiting at the year's end). */
  queueProbability: number;
  /** P(a claim falling due in the year waits for cash). */
  claimWaits: number;
}

export interface ContributionRow {
  key: string;
  expectedShortfall: string;
  valueAtRisk: string;
  /** Share of ES, 0..1. */
  share: number;
}

export interface ContributionsReport {
  level: string;
  valueAtRisk: string;
  expectedShortfall: string;
  /** Scenarios replayed: beyond VaR (for ES) and nearest VaR (for VaR). */
  tailScenarios: number;
  neighbourhood: number;
  /** By bank and programme (when the loans name them), sector and grade; largest ES first. */
  by: { dimension: 'bank' | 'programme' | 'sector' | 'grade'; rows: ContributionRow[] }[];
  /** The loans with the largest ES contributions, with their payout on default. */
  /** The largest contributors; a live book's named by the module (loan number, borrower). */
  topLoans: (ContributionRow & { payout: string; loanNumber?: string; enterpriseName?: string })[];
}

/** Loans listed by name in a report's contributions. */
export const TOP_LOANS = 20;

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
  /** The model the figures are of: the copula (ν for the t) and whether each scenario drew the PDs from their posterior. */
  model: { copula: 'gaussian' | 't'; nu?: number; pdUncertainty: boolean; factorPersistence?: number };
  /**
   * Model risk: the same book and seed under the Gaussian copula with fixed PDs and under the
   * run's options (t copula, PD uncertainty, both), with each one's difference from the Gaussian.
   * Present when the run asked for the t copula or the PD's uncertainty.
   */
  modelRisk?: ModelRiskRow[];
  portfolio: PortfolioRow[];
  /** The PD used for each grade: set by the manager or estimated from the book's history (with the loans and defaults behind it). */
  pd: PdEstimate[];
  variants: VariantReport[];
  /** One row per measure, one column per variant, in the order of `variants`. */
  whatIf: { measure: string; values: string[] }[];
  notes: string[];
  warnings: ReportWarning[];
  /** The stress table: the baseline, then each stress scenario asked for (stress.ts). */
  stress?: StressRow[];
  /** The PD multiplier or correlation at which P(exhausted within N years) reaches a target, of the first variant. */
  reverseStress?: ReverseStressResult;
  /** The extra cash at the start that keeps P(exhausted within N years) at most a target, of the first variant. */
  topUp?: TopUpResult;
  /** The fund's rules the multi-year run followed, as applied (absent: the book renewed each year, a year's claims paid at once). */
  fundRules?: FundRulesApplied;
}

export interface FundRulesApplied {
  runOff: boolean;
  newFilingsPerYear: number;
  reviewYears: number;
  breaker: { claimRatioAbove: string; netCompensationAbove: string } | null;
  pdByYearOfLife: number[];
  factorPersistence: number;
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
  /** Solve the top-up on the run's scenarios (first variant; needs `fund`). */
  topUp?: TopUpSpec;
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
  gaussianFixed = true,
): { measures: Record<string, LossMeasures>; finite?: LossDistribution } {
  const out: Record<string, LossMeasures> = {};
  let finite: LossDistribution | undefined;
  // the Vasicek formulas are of the one-factor Gaussian copula with fixed PDs: not of a t or an uncertain-PD run
  if (gaussianFixed && (factors.sectorCorrelation ?? 1) === 1) {
    out.vasicekLargePortfolio = vasicekLargePortfolio(p, factors, v, levels);
    if (p.loanCount <= FINITE_VASICEK_MAX_LOANS) {
      finite = vasicekFinite(p, factors, v, { nodes: 120, budget: 1 << 26 });
      out.vasicekFinite = measuresOf(finite, levels);
    }
  }
  if (crp) out.creditRiskPlus = measuresOf(creditRiskPlus(p, crp, v), levels);
  return { measures: out, ...(finite ? { finite } : {}) };
}

/** The report's contributions of variant v at `level`: per loan, then by bank, programme, sector and grade, and the largest loans. */
export function contributionsReport(
  p: Portfolio,
  spec: MonteCarloSpec,
  block: ScenarioBlock,
  v: number,
  level: number,
): ContributionsReport {
  const c = riskContributions(p, spec, block, v, level);
  const row = (r: { key: string; expectedShortfall: number; valueAtRisk: number }): ContributionRow => ({
    key: r.key,
    expectedShortfall: yuan(r.expectedShortfall),
    valueAtRisk: yuan(r.valueAtRisk),
    share: c.expectedShortfall > 0 ? r.expectedShortfall / c.expectedShortfall : 0,
  });
  const by: ContributionsReport['by'] = [];
  if (p.labels?.bank) by.push({ dimension: 'bank', rows: contributionsBy(c, p.labels.bank).map(row) });
  if (p.labels?.programme) by.push({ dimension: 'programme', rows: contributionsBy(c, p.labels.programme).map(row) });
  by.push({ dimension: 'sector', rows: contributionsByCell(c, p, 'sector').map(row) });
  by.push({ dimension: 'grade', rows: contributionsByCell(c, p, 'grade').map(row) });
  const V = p.variants.length;
  const top = largestContributors(c, TOP_LOANS).map((i) => ({
    ...row({
      key: p.ids[i]!,
      expectedShortfall: c.expectedShortfallByLoan[i]!,
      valueAtRisk: c.valueAtRiskByLoan[i]!,
    }),
    payout: yuan(p.payouts[i * V + v]!),
  }));
  return {
    level: String(level),
    valueAtRisk: yuan(c.valueAtRisk),
    expectedShortfall: yuan(c.expectedShortfall),
    tailScenarios: c.tailScenarios,
    neighbourhood: c.neighbourhood,
    by,
    topLoans: top,
  };
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
  topUp,
}: ReportInput): SimulationReport {
  const uncertain = spec.pdPosterior?.some((g) => g !== null) ?? false;
  const variants = p.variants.map((id, v): VariantReport => {
    const l = yearLosses(block, v, 0);
    const mean = weightedMean(l, block.weights);
    const sim = tailConfidence(l, block.weights, levels);
    const exhausted = fund ? exhaustionYears(block, v, fund) : undefined;
    const { measures: exact, finite } = analytic(p, spec.factors, v, levels, crp, !spec.copula && !uncertain);
    const bounds = finite ? latticeBounds(finite, levels) : undefined;
    return {
      variant: id,
      expectedLoss: {
        exact: yuan(uncertain ? posteriorExpectedLoss(p, spec.pdPosterior!, v) : expectedLoss(p, v)),
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
        errorBound: bounds
          ? (() => {
              const f = exact.vasicekFinite!.tail[i]!;
              const b = bounds[i]!;
              return {
                vasicekFinite: {
                  valueAtRisk: yuan(Math.max(f.valueAtRisk - b.valueAtRisk[0], b.valueAtRisk[1] - f.valueAtRisk)),
                  expectedShortfall: yuan(f.expectedShortfall - b.expectedShortfall[0]),
                },
              };
            })()
          : {},
        monteCarloInterval: {
          valueAtRisk: [yuan(t.valueAtRiskInterval.lower), yuan(t.valueAtRiskInterval.upper)],
          expectedShortfall: [yuan(t.expectedShortfallInterval.lower), yuan(t.expectedShortfallInterval.upper)],
          tailScenarios: t.tailScenarios,
        },
      })),
      exhaustion: fund
        ? exhaustionProbabilities(block, v, fund).map((e, y) => {
            const hits = Float64Array.from(exhausted!, (year) => (year > 0 && year <= y + 1 ? 1 : 0));
            const iv = probabilityInterval(hits, block.weights);
            return {
              withinYears: y + 1,
              probability: e.value,
              standardError: e.standardError,
              interval: [iv.lower, iv.upper] as [number, number],
            };
          })
        : [],
      ...(finite
        ? { finiteGrid: { step: yuan(finite.unit), points: finite.pmf.length, loansSplit: finite.split?.loans ?? 0 } }
        : {}),
      contributions: contributionsReport(
        p,
        spec,
        block,
        v,
        levels.includes(0.99) ? 0.99 : levels[Math.floor(levels.length / 2)]!,
      ),
      ...(block.fund
        ? {
            fundPath: fundPathYears(block, v).map((r) => ({
              year: r.year,
              claims: yuan(r.claims),
              paid: yuan(r.paid),
              held: yuan(r.held),
              queued: yuan(r.queued),
              queueProbability: r.queueProbability,
              claimWaits: r.claimWaits,
            })),
          }
        : {}),
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
  const solvedTopUp =
    topUp && fund ? solveTopUp({ block, variant: 0, variantName: p.variants[0]!, fund, spec: topUp }) : undefined;
  return {
    loans: p.loanCount,
    scenarios: spec.scenarios,
    years: spec.years,
    seed: spec.seed,
    importanceShift: spec.shift,
    model: {
      copula: spec.copula ? 't' : 'gaussian',
      ...(spec.copula ? { nu: spec.copula.nu } : {}),
      pdUncertainty: uncertain,
      ...((spec.factorPersistence ?? 0) !== 0 ? { factorPersistence: spec.factorPersistence! } : {}),
    },
    portfolio: portfolioRows(p),
    pd: pd ?? managerPds(p.grades, Object.fromEntries(p.cells.map((c) => [p.grades[c.grade]!, c.pd]))),
    variants,
    whatIf,
    warnings: variants.flatMap((r) =>
      r.tail
        .filter((t) => t.monteCarloInterval.tailScenarios < MIN_TAIL_SCENARIOS)
        .map((t): ReportWarning => ({
          code: 'few-tail-scenarios',
          variant: r.variant,
          level: t.level,
          tailScenarios: t.monteCarloInterval.tailScenarios,
          scenariosNeeded: Math.ceil(MIN_TAIL_SCENARIOS / (1 - Number(t.level)) - 1e-9),
        })),
    ),
    notes: [
      "Money in yuan, rounded once to the fen; payouts per loan are the policy engine's compensation in integer fen.",
      "Loss figures are for one year; exhaustion follows the fund's cash over the years with top-ups and recoveries.",
      'Monte Carlo intervals are 95%: VaR by order statistics (distribution-free), ES and P(exhausted) by batch means over 20 batches of scenarios.',
      ...(pd?.some((e) => e.source === 'history')
        ? [
            "PD per grade from the book's history: defaults ÷ loan-years at risk, Jeffreys prior (posterior mean, 95% interval); grades with too little history use the manager's PD.",
          ]
        : []),
      ...(spec.copula
        ? [
            `Student-t copula with ν = ${spec.copula.nu}: one χ² draw per scenario and year shared by all loans fattens the tails (defaults cluster even at ρ = 0); the Vasicek figures (Gaussian) are not given.`,
          ]
        : []),
      ...(uncertain
        ? [
            "PD uncertainty: each scenario draws each history-estimated grade's default intensity from its Jeffreys posterior Gamma(D + ½, loan-years); the exact EL is at the posterior-mean PD, 1 − (T/(T+1))^(D+½).",
          ]
        : []),
      ...(spec.fundRules ? [FUND_RULES_NOTE] : []),
      ...((spec.factorPersistence ?? 0) !== 0
        ? [
            `The global factor carries over between years: Z_y = φ·Z_{y−1} + √(1−φ²)·ε_y with φ = ${spec.factorPersistence}; each year's Z is still standard normal.`,
          ]
        : []),
      ...(spec.shift !== 0
        ? [`Importance sampling: the global factor was drawn with mean ${spec.shift}; estimates are reweighted.`]
        : []),
    ],
    ...(solvedTopUp ? { topUp: solvedTopUp } : {}),
    ...(spec.fundRules ? { fundRules: fundRulesApplied(spec) } : {}),
  };
}

export const FUND_RULES_NOTE =
  "The fund's rules were followed claim by claim: P(exhausted within N years) is the probability that in some year up to N a claim falls due that the fund's cash cannot pay that day (the plain run's event: a year's claims above its cash); the path goes on after it, the claim waiting in the queue (R7a) until top-ups and recoveries pay it. P(a claim waits) is the expected number of claims that waited ÷ the expected number falling due in the year; claims held by a bank's breaker (G4) are not paid.";

function fundRulesApplied(spec: MonteCarloSpec): FundRulesApplied {
  const r = spec.fundRules!;
  return {
    runOff: r.runOff === true,
    newFilingsPerYear: r.newFilingsPerYear ?? 0,
    reviewYears: r.reviewYears ?? 0,
    breaker: r.breaker
      ? {
          claimRatioAbove: String(r.breaker.claimRatioAboveBp / 10_000),
          netCompensationAbove: yuan(r.breaker.netCompensationAbove),
        }
      : null,
    pdByYearOfLife: [...(r.pdByYearOfLife ?? [1])],
    factorPersistence: spec.factorPersistence ?? 0,
  };
}

/** The stress table's baseline row, from the report's own Monte Carlo figures. */
export function baselineStressRow(r: SimulationReport): StressRow {
  return {
    id: 'baseline',
    variants: r.variants.map((v): StressFigures => ({
      variant: v.variant,
      expectedLoss: v.expectedLoss.simulated,
      tail: v.tail.map((t) => ({
        level: t.level,
        valueAtRisk: t.valueAtRisk.monteCarlo!,
        expectedShortfall: t.expectedShortfall.monteCarlo!,
      })),
      exhaustion: v.exhaustion.map((e) => ({
        withinYears: e.withinYears,
        probability: e.probability,
        standardError: e.standardError,
      })),
    })),
  };
}

/**
 * Stress and reverse stress of the fund's risk.
 *
 * A stress scenario is a variant of the run: every PD times a multiplier (capped at 1), one
 * correlation ρ for every sector (instead of the run's ρ and ρ per sector), and a shock on one
 * sector (its PDs times a multiplier). A stressed run draws from the same seed as the baseline
 * (common random numbers), so its figures differ from the baseline's by the stress much more than
 * by sampling noise.
 *
 * Reverse stress asks which PD multiplier (or which correlation) makes P(fund exhausted within N
 * years) reach a target. The answer is searched on a grid (baseline + k·step) by bisection on k,
 * given a function that evaluates P for a value of the stressed parameter (the module runs the
 * simulation there). P is taken as increasing in the parameter: with the same seed the simulated
 * P moves with it nearly monotonically ("monotone-ish": a different number of defaults shifts the
 * random draws of the cells after it), and bisection then finds a grid point x with P(x) ≥ target
 * and P(x − step) < target: the bracket, one step wide, is the method's tolerance (the simulated
 * P itself carries its standard error, reported beside it).
 *
 * The top-up that keeps P(exhausted within N years) at most a target is solved on the baseline's
 * own scenarios: more cash at the start can only delay an exhaustion, so P is exactly
 * non-increasing in the top-up and the bisection over whole steps is exact for those scenarios.
 */
import type { Bilingual } from '../text';
import { formatYuan, formatYuanGrouped } from '../money/money';
import type { TailMeasure } from './distribution';
import { checkFactorModel, type FactorModel } from './factors';
import { checkFundPlan, exhaustionProbabilities, type FundPlan } from './fund-paths';
import { yearLosses, type ScenarioBlock } from './monte-carlo';
import { RiskInputError, type Portfolio } from './portfolio';
import { tailMeasures, weightedMean, type Estimate } from './statistics';

export interface StressScenario {
  /** Name in the stress table. */
  id: string;
  /** Every PD times this (capped at 1). */
  pdMultiplier?: number;
  /** One asset correlation for every sector, replacing the run's ρ and ρ per sector. */
  rho?: number;
  /** One sector's PDs times a multiplier (on top of `pdMultiplier`). */
  sectorShock?: { sector: string; pdMultiplier: number };
}

/** The largest PD multiplier a stress or a reverse stress may ask for. */
export const MAX_PD_MULTIPLIER = 100;

const multiplierOk = (m: number) => Number.isFinite(m) && m > 0 && m <= MAX_PD_MULTIPLIER;

export function checkStress(p: Portfolio, s: StressScenario, field: string): void {
  if (s.pdMultiplier === undefined && s.rho === undefined && s.sectorShock === undefined)
    throw new RiskInputError(field, 'names no stress: give pdMultiplier, rho or sectorShock');
  if (s.pdMultiplier !== undefined && !multiplierOk(s.pdMultiplier))
    throw new RiskInputError(`${field}.pdMultiplier`, `must be above 0 and at most ${MAX_PD_MULTIPLIER}`);
  if (s.rho !== undefined) {
    try {
      checkFactorModel({ rho: s.rho });
    } catch {
      throw new RiskInputError(`${field}.rho`, 'must be at least 0 and below 1');
    }
  }
  if (s.sectorShock) {
    if (!multiplierOk(s.sectorShock.pdMultiplier))
      throw new RiskInputError(`${field}.sectorShock.pdMultiplier`, `must be above 0 and at most ${MAX_PD_MULTIPLIER}`);
    if (!p.sectors.includes(s.sectorShock.sector))
      throw new RiskInputError(
        `${field}.sectorShock.sector`,
        `the portfolio has no loans in sector ${s.sectorShock.sector} (sectors: ${p.sectors.join(', ')})`,
      );
  }
}

/** The portfolio with its PDs stressed: the same loans and payouts (shared, not copied), new cells. */
export function stressPortfolio(p: Portfolio, s: Pick<StressScenario, 'pdMultiplier' | 'sectorShock'>): Portfolio {
  const all = s.pdMultiplier ?? 1;
  const shocked = s.sectorShock ? p.sectors.indexOf(s.sectorShock.sector) : -1;
  const cells = p.cells.map((c) => {
    const m = all * (c.sector === shocked ? s.sectorShock!.pdMultiplier : 1);
    return m === 1 ? c : { ...c, pd: Math.min(1, c.pd * m) };
  });
  return { ...p, cells };
}

/** The factor model with the stress's correlation, if it names one. */
export function stressFactors(f: FactorModel, s: Pick<StressScenario, 'rho'>): FactorModel {
  if (s.rho === undefined) return f;
  return { rho: s.rho, ...(f.sectorCorrelation !== undefined ? { sectorCorrelation: f.sectorCorrelation } : {}) };
}

/** One variant's figures in the stress table: simulated EL, VaR and ES of year 1, P(exhausted within N years). */
export interface StressFigures {
  variant: string;
  expectedLoss: string;
  tail: { level: string; valueAtRisk: string; expectedShortfall: string }[];
  exhaustion: { withinYears: number; probability: number; standardError: number }[];
}

export interface StressRow {
  /** 'baseline' for the run itself. */
  id: string;
  /** The stress applied; absent on the baseline. */
  stress?: Omit<StressScenario, 'id'>;
  variants: StressFigures[];
}

export interface StressFiguresInput {
  variants: readonly string[];
  block: ScenarioBlock;
  fund?: FundPlan;
  levels: readonly number[];
}

const yuanOf = (fen: number): string => formatYuan(BigInt(Math.round(fen)));

/** The stress table's figures of a run, by the same estimators as the report's Monte Carlo figures. */
export function stressFigures({ variants, block, fund, levels }: StressFiguresInput): StressFigures[] {
  return variants.map((variant, v) => {
    const l = yearLosses(block, v, 0);
    const tail: TailMeasure[] = tailMeasures(l, block.weights, levels);
    return {
      variant,
      expectedLoss: yuanOf(weightedMean(l, block.weights).value),
      tail: tail.map((t) => ({
        level: String(t.level),
        valueAtRisk: yuanOf(t.valueAtRisk),
        expectedShortfall: yuanOf(t.expectedShortfall),
      })),
      exhaustion: fund
        ? exhaustionProbabilities(block, v, fund).map((e, y) => ({
            withinYears: y + 1,
            probability: e.value,
            standardError: e.standardError,
          }))
        : [],
    };
  });
}

/** P(exhausted within `years`) of one variant of a run, with its standard error. */
export function exhaustionWithin(block: ScenarioBlock, variant: number, fund: FundPlan, years: number): Estimate {
  if (!Number.isInteger(years) || years < 1 || years > block.years)
    throw new RangeError(`years must be a whole number from 1 to ${block.years}`);
  return exhaustionProbabilities(block, variant, fund)[years - 1]!;
}

// ---------------------------------------------------------------------------------------------
// Reverse stress

export type ReverseStressOver = 'pd' | 'correlation';

export interface ReverseStressSpec {
  /** P(exhausted within `years`) to reach, 0 < target < 1. */
  target: number;
  years: number;
  over: ReverseStressOver;
  /** The largest value tried: a PD multiplier (default 10) or a correlation (default 0.95). */
  max?: number;
  /** The grid step, the answer's tolerance (default 0.01 for a multiplier, 0.005 for a correlation). */
  step?: number;
}

export const REVERSE_STRESS_DEFAULTS = {
  pd: { max: 10, step: 0.01 },
  correlation: { max: 0.95, step: 0.005 },
} as const;

export interface ReverseStressResult {
  over: ReverseStressOver;
  target: number;
  years: number;
  /** The variant the fund's P(exhausted) is taken from. */
  variant: string;
  /**
   * found: `value` is the smallest grid point whose P reaches the target; baseline-exceeds: the
   * baseline already reaches it; not-reached: even `max` does not.
   */
  status: 'found' | 'baseline-exceeds' | 'not-reached';
  /** The parameter today: multiplier 1, or the run's ρ. */
  baseline: number;
  max: number;
  /** The grid step: the answer lies within one step above the point where the simulated P crosses the target. */
  step: number;
  /** The answer (status found). */
  value?: number;
  /** [the last grid point below the target, the answer] (status found). */
  bracket?: [number, number];
  /** P at the baseline, at the answer and the bracket's low end (found), at max (not-reached). */
  probability: { baseline: Estimate; value?: Estimate; bracketLow?: Estimate; max?: Estimate };
  /** Every point evaluated, in order. */
  evaluations: { value: number; probability: number }[];
  statement: Bilingual;
}

/** Decimals of a grid step such as 0.01 or 0.005. */
function decimalsOf(step: number): number {
  for (let d = 0; d <= 12; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 12;
}

export function checkReverseStress(spec: ReverseStressSpec, baseline: number, field = 'reverseStress'): void {
  const d = REVERSE_STRESS_DEFAULTS[spec.over];
  if (!(Number.isFinite(spec.target) && spec.target > 0 && spec.target < 1))
    throw new RiskInputError(`${field}.target`, 'must be a probability above 0 and below 1');
  const max = spec.max ?? d.max;
  const step = spec.step ?? d.step;
  if (spec.over === 'pd' && !(Number.isFinite(max) && max > 1 && max <= MAX_PD_MULTIPLIER))
    throw new RiskInputError(`${field}.max`, `must be above 1 and at most ${MAX_PD_MULTIPLIER}`);
  if (spec.over === 'correlation' && !(Number.isFinite(max) && max > baseline && max < 1))
    throw new RiskInputError(`${field}.max`, `must be above the run's correlation ${baseline} and below 1`);
  if (!(Number.isFinite(step) && step > 0 && step <= (max - baseline) / 2))
    throw new RiskInputError(`${field}.step`, 'must be above 0 and at most half the range searched');
  if ((max - baseline) / step > 1e6) throw new RiskInputError(`${field}.step`, 'is too fine for the range searched');
}

/** Bisection evaluations needed at most (the two ends and the halvings): for progress. */
export function reverseStressEvaluations(spec: ReverseStressSpec, baseline: number): number {
  const d = REVERSE_STRESS_DEFAULTS[spec.over];
  const k = Math.ceil(((spec.max ?? d.max) - baseline) / (spec.step ?? d.step) - 1e-9);
  return 2 + Math.ceil(Math.log2(Math.max(k, 1)));
}

const percent = (p: number): string => `${Number((p * 100).toFixed(2))}%`;

/**
 * Solves the reverse stress: the smallest grid value x = baseline + k·step (k whole, x ≤ max) with
 * P(x) ≥ target. `probability` evaluates P(exhausted within `spec.years`) at a value of the
 * parameter; `atBaseline`, when given, is P at the baseline already known (the run itself).
 */
export async function solveReverseStress({
  spec,
  baseline,
  variant,
  probability,
  atBaseline,
}: {
  spec: ReverseStressSpec;
  baseline: number;
  variant: string;
  probability: (x: number) => Estimate | Promise<Estimate>;
  atBaseline?: Estimate;
}): Promise<ReverseStressResult> {
  checkReverseStress(spec, baseline);
  const d = REVERSE_STRESS_DEFAULTS[spec.over];
  const max = spec.max ?? d.max;
  const step = spec.step ?? d.step;
  const decimals = decimalsOf(step);
  const K = Math.ceil((max - baseline) / step - 1e-9);
  const at = (k: number) => (k >= K ? max : Number((baseline + k * step).toFixed(decimals)));
  const evaluations: ReverseStressResult['evaluations'] = [];
  const cache = new Map<number, Estimate>();
  const P = async (k: number): Promise<Estimate> => {
    let e = cache.get(k);
    if (!e) {
      e = k === 0 && atBaseline ? atBaseline : await probability(at(k));
      cache.set(k, e);
      evaluations.push({ value: at(k), probability: e.value });
    }
    return e;
  };
  const base = await P(0);
  const common = { over: spec.over, target: spec.target, years: spec.years, variant, baseline, max, step };
  const say = (s: Omit<ReverseStressResult, 'statement' | 'evaluations' | keyof typeof common>) => {
    const r = { ...common, ...s, evaluations };
    return { ...r, statement: reverseStressStatement(r) };
  };
  if (base.value >= spec.target) return say({ status: 'baseline-exceeds', probability: { baseline: base } });
  const top = await P(K);
  if (top.value < spec.target) return say({ status: 'not-reached', probability: { baseline: base, max: top } });
  // invariant: P(lo) < target ≤ P(hi)
  let lo = 0;
  let hi = K;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if ((await P(mid)).value >= spec.target) hi = mid;
    else lo = mid;
  }
  return say({
    status: 'found',
    value: at(hi),
    bracket: [at(lo), at(hi)],
    probability: { baseline: base, value: (await P(hi))!, bracketLow: (await P(lo))! },
  });
}

function fixed(x: number, step: number): string {
  return String(Number(x.toFixed(decimalsOf(step))));
}

export function reverseStressStatement(r: Omit<ReverseStressResult, 'statement' | 'evaluations'>): Bilingual {
  const t = percent(r.target);
  const n = r.years;
  const years = n === 1 ? '1 year' : `${n} years`;
  const x = (v: number) => fixed(v, r.step);
  if (r.status === 'baseline-exceeds') {
    const p = percent(r.probability.baseline.value);
    return {
      zh: `按现在的违约率和相关性，资金在 ${n} 年内耗尽的概率已达 ${p}，不低于 ${t}`,
      en: `At today's default rates and correlation the probability that the fund is exhausted within ${years} is already ${p}, at least ${t}`,
    };
  }
  if (r.status === 'not-reached') {
    const p = percent(r.probability.max!.value);
    return r.over === 'pd'
      ? {
          zh: `即使违约率上升到现在的 ${x(r.max)} 倍，资金在 ${n} 年内耗尽的概率也只有 ${p}，达不到 ${t}`,
          en: `Even with default rates at ${x(r.max)} times today's, the probability that the fund is exhausted within ${years} is only ${p}, short of ${t}`,
        }
      : {
          zh: `即使资产相关性从现在的 ${x(r.baseline)} 上升到 ${x(r.max)}，资金在 ${n} 年内耗尽的概率也只有 ${p}，达不到 ${t}`,
          en: `Even with the asset correlation raised from ${x(r.baseline)} to ${x(r.max)}, the probability that the fund is exhausted within ${years} is only ${p}, short of ${t}`,
        };
  }
  return r.over === 'pd'
    ? {
        zh: `资金在 ${n} 年内耗尽的概率达到 ${t}，需要违约率上升到现在的 ${x(r.value!)} 倍`,
        en: `For the probability that the fund is exhausted within ${years} to reach ${t}, default rates would have to rise to ${x(r.value!)} times today's`,
      }
    : {
        zh: `资金在 ${n} 年内耗尽的概率达到 ${t}，需要资产相关性从现在的 ${x(r.baseline)} 上升到 ${x(r.value!)}`,
        en: `For the probability that the fund is exhausted within ${years} to reach ${t}, the asset correlation would have to rise from ${x(r.baseline)} to ${x(r.value!)}`,
      };
}

// ---------------------------------------------------------------------------------------------
// Top-up

export interface TopUpSpec {
  /** P(exhausted within `years`) to stay at or below, 0 ≤ target < 1. */
  target: number;
  years: number;
  /** The top-up is a whole number of these (fen), rounded up. */
  stepFen: number;
}

export interface TopUpResult {
  target: number;
  years: number;
  variant: string;
  /** found: `amount` is needed; none-needed: P is already at most the target. */
  status: 'found' | 'none-needed';
  /** Extra cash at the start (yuan), a whole number of steps. */
  amount: string;
  step: string;
  /** P without a top-up, with it, and with one step less (found). */
  probability: { before: number; after: number; oneStepLess?: number };
  statement: Bilingual;
}

export function checkTopUp(spec: TopUpSpec, years: number, field = 'topUp'): void {
  if (!(Number.isFinite(spec.target) && spec.target >= 0 && spec.target < 1))
    throw new RiskInputError(`${field}.target`, 'must be a probability at least 0 and below 1');
  if (!Number.isInteger(spec.years) || spec.years < 1 || spec.years > years)
    throw new RiskInputError(`${field}.years`, `must be a whole number of years from 1 to the run's ${years}`);
  if (!(Number.isSafeInteger(spec.stepFen) && spec.stepFen >= 1))
    throw new RiskInputError(`${field}.step`, 'must be an amount of at least 0.01');
}

/**
 * The smallest extra cash at the start, a whole number of steps, that keeps P(exhausted within
 * `years`) ≤ target on these scenarios. Exact for the scenarios: P is non-increasing in the cash.
 */
export function solveTopUp({
  block,
  variant,
  variantName,
  fund,
  spec,
}: {
  block: ScenarioBlock;
  variant: number;
  variantName: string;
  fund: FundPlan;
  spec: TopUpSpec;
}): TopUpResult {
  checkFundPlan(fund);
  checkTopUp(spec, block.years);
  if (block.fund)
    throw new RiskInputError('topUp', "is solved on the year's totals; not with the fund's rules (fundRules) on");
  const P = (k: number) =>
    exhaustionWithin(block, variant, { ...fund, cash: fund.cash + k * spec.stepFen }, spec.years).value;
  // Cash of the largest sum of losses over the years never runs out: P = 0 there.
  const n = block.to - block.from;
  let worst = 0;
  for (let s = 0; s < n; s++) {
    let sum = 0;
    for (let y = 0; y < spec.years; y++) sum += block.losses[(s * block.years + y) * block.variants + variant]!;
    worst = Math.max(worst, sum);
  }
  const before = P(0);
  const step = formatYuan(BigInt(spec.stepFen));
  const common = { target: spec.target, years: spec.years, variant: variantName, step };
  if (before <= spec.target) {
    const r = { ...common, status: 'none-needed' as const, amount: '0.00', probability: { before, after: before } };
    return { ...r, statement: topUpStatement(r) };
  }
  // invariant: P(lo) > target ≥ P(hi)
  let lo = 0;
  let hi = Math.max(1, Math.ceil(Math.max(0, worst - fund.cash) / spec.stepFen));
  while (P(hi) > spec.target) hi *= 2; // only when the plan's recoveries or top-ups make the bound loose; never loops long
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (P(mid) <= spec.target) hi = mid;
    else lo = mid;
  }
  const r = {
    ...common,
    status: 'found' as const,
    amount: formatYuan(BigInt(hi) * BigInt(spec.stepFen)),
    probability: { before, after: P(hi), oneStepLess: P(hi - 1) },
  };
  return { ...r, statement: topUpStatement(r) };
}

export function topUpStatement(r: Omit<TopUpResult, 'statement'>): Bilingual {
  const t = percent(r.target);
  const n = r.years;
  const years = n === 1 ? '1 year' : `${n} years`;
  const grouped = (yuan: string) => formatYuanGrouped(BigInt(yuan.replace('.', ''))).replace(/\.00$/, '');
  if (r.status === 'none-needed') {
    const p = percent(r.probability.before);
    return {
      zh: `资金在 ${n} 年内耗尽的概率为 ${p}，不超过 ${t}，无需增加资金`,
      en: `The probability that the fund is exhausted within ${years} is ${p}, at most ${t}: no top-up is needed`,
    };
  }
  return {
    zh: `要使资金在 ${n} 年内耗尽的概率不超过 ${t}（现为 ${percent(r.probability.before)}），需要在期初增加资金 ${grouped(r.amount)} 元（按 ${grouped(r.step)} 元取整）`,
    en: `To keep the probability that the fund is exhausted within ${years} at or below ${t} (now ${percent(r.probability.before)}), the fund needs ${grouped(r.amount)} yuan more at the start (rounded up to ${grouped(r.step)} yuan)`,
  };
}

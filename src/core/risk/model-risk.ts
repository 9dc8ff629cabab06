/**
 * Model risk: the copula and the PD's own uncertainty, as the scenario machinery draws them.
 *
 * Student-t copula: loan i defaults when X_i = √(ν/W)·(√ρ·Y + √(1−ρ)·ε_i) < t_ν⁻¹(PD), with one
 * W ~ χ²_ν per scenario and year shared by every loan (it fattens both tails of all the factors at
 * once: defaults cluster even at ρ = 0). Given the factors and W the loans are independent with
 * conditional PD Φ((t_ν⁻¹(PD)·√(W/ν) − √ρ·Y)/√(1−ρ)): the Gaussian's formula with the threshold
 * scaled by √(W/ν), so the fast engines run unchanged on the scaled threshold. Each loan's PD is
 * still PD (the t copula keeps the marginals); as ν → ∞, √(W/ν) → 1 and t_ν⁻¹ → Φ⁻¹.
 *
 * PD uncertainty: a grade whose PD is estimated from the book's history has the Jeffreys posterior
 * Gamma(D + ½, rate T) for its default intensity λ (pd-history.ts). With the option on, each
 * scenario draws λ from it before its defaults, and the grade's cells run at PD 1 − e^{−λ}
 * (times whatever stress the cell carries, capped at 1): the loss distribution mixes over the
 * PD's uncertainty. The expected PD is then E[1 − e^{−λ}] = 1 − (T/(T + 1))^{D+½}, a little below
 * the point estimate 1 − e^{−E λ} (Jensen). Grades with the manager's PD stay fixed.
 *
 * Draw order within scenario s (stream Rng(seed, s)): the grades' intensities (when uncertain),
 * then per year the global factor, the sector factors, W (t copula), the cells' defaults.
 */
import { formatYuan, parseYuan } from '../money/money';
import { normalInv } from './normal';
import type { PdEstimate } from './pd-history';
import { payoutTotal, RiskInputError, type Portfolio } from './portfolio';
import type { StressFigures } from './stress';
import type { Rng } from './random';
import { studentTInv } from './student-t';

/** The Student-t copula; absent = the Gaussian copula. */
export interface TCopula {
  kind: 't';
  /** Degrees of freedom ν. */
  nu: number;
}

export const MIN_NU = 1;
export const MAX_NU = 1000;

/** A grade's Jeffreys posterior of its default intensity: Gamma(shape, rate). */
export interface PdPosterior {
  /** D + ½. */
  shape: number;
  /** Loan-years at risk T. */
  rate: number;
}

export function checkCopula(c: TCopula | undefined): void {
  if (c && !(Number.isFinite(c.nu) && c.nu >= MIN_NU && c.nu <= MAX_NU))
    throw new RiskInputError('copula.nu', `must be a number from ${MIN_NU} to ${MAX_NU}`);
}

/** The posteriors of a portfolio's grades (portfolio order) from the PD estimates; null = a fixed PD. */
export function pdPosteriors(p: Portfolio, estimates: readonly PdEstimate[]): (PdPosterior | null)[] {
  const byGrade = new Map(estimates.map((e) => [e.grade, e]));
  return p.grades.map((g) => {
    const h = byGrade.get(g);
    return h?.source === 'history' && h.history && h.history.loanYears > 0
      ? { shape: h.history.defaults + 0.5, rate: h.history.loanYears }
      : null;
  });
}

/** The point estimate of the PD (pd-history's): 1 − exp(−shape/rate). */
export const pointPd = (g: PdPosterior): number => -Math.expm1(-g.shape / g.rate);

/** E[1 − e^{−λ}] under the posterior: the mean PD the uncertain runs draw around. */
export const posteriorMeanPd = (g: PdPosterior): number => -Math.expm1(-g.shape * Math.log1p(1 / g.rate));

/** The copula's quantile of a PD: t_ν⁻¹ or Φ⁻¹. */
export function thresholdOf(pd: number, copula: TCopula | undefined): number {
  return copula ? studentTInv(pd, copula.nu) : normalInv(pd);
}

/**
 * The thresholds of a portfolio's cells under a spec, scenario by scenario: `startScenario` draws
 * the PDs (when uncertain), `startYear` draws W (t copula) and sets `thr` for the year. For cells
 * with 0 < PD < 1; the callers handle PD 0 and 1 themselves.
 */
export class CellThresholds {
  /** The threshold of each cell this year (Infinity when its drawn PD reaches 1). */
  readonly thr: Float64Array;
  /** Whether the thresholds move between scenarios or years (else `thr` is fixed). */
  readonly dynamic: boolean;
  private readonly base: Float64Array;
  private readonly pd: Float64Array;
  private readonly grade: Int32Array;
  private readonly ratio: Float64Array;

  constructor(
    p: Portfolio,
    private readonly copula: TCopula | undefined,
    private readonly posterior: readonly (PdPosterior | null)[] | undefined,
  ) {
    checkCopula(copula);
    if (posterior && posterior.length !== p.grades.length)
      throw new RiskInputError('pdPosterior', 'must give one entry per grade of the portfolio');
    this.pd = Float64Array.from(p.cells, (c) => c.pd);
    this.grade = Int32Array.from(p.cells, (c) => c.grade);
    this.base = Float64Array.from(p.cells, (c) => (c.pd > 0 && c.pd < 1 ? thresholdOf(c.pd, copula) : 0));
    this.thr = Float64Array.from(this.base);
    this.ratio = new Float64Array(p.grades.length).fill(1);
    this.dynamic = copula !== undefined || (posterior?.some((g) => g !== null) ?? false);
  }

  /** The PD of cell j in this scenario (its own, or scaled by its grade's draw). */
  cellPd(j: number): number {
    return Math.min(1, this.pd[j]! * this.ratio[this.grade[j]!]!);
  }

  startScenario(rng: Rng): void {
    const post = this.posterior;
    if (!post || !post.some((g) => g !== null)) return;
    for (let g = 0; g < post.length; g++) {
      const q = post[g];
      if (!q) continue;
      const lambda = rng.gamma(q.shape) / q.rate;
      this.ratio[g] = -Math.expm1(-lambda) / pointPd(q);
    }
    // cells of a grade come one after another and mostly share their PD (unless a sector is shocked): one quantile for them
    let lastPd = NaN;
    let lastThr = 0;
    for (let j = 0; j < this.base.length; j++) {
      const pd = this.pd[j]!;
      if (!(pd > 0 && pd < 1) || this.ratio[this.grade[j]!] === 1) continue;
      const drawn = this.cellPd(j);
      if (drawn !== lastPd) {
        lastPd = drawn;
        lastThr = thresholdOf(drawn, this.copula);
      }
      this.base[j] = lastThr;
    }
  }

  startYear(rng: Rng): void {
    if (!this.dynamic) return;
    const scale = this.copula ? Math.sqrt((2 * rng.gamma(this.copula.nu / 2)) / this.copula.nu) : 1;
    for (let j = 0; j < this.base.length; j++) this.thr[j] = this.base[j]! * scale;
  }
}

/** The expected loss of one year with the grades' PDs at their posterior mean (fen, fractional). */
export function posteriorExpectedLoss(p: Portfolio, posterior: readonly (PdPosterior | null)[], v: number): number {
  let el = 0;
  for (const c of p.cells) {
    const g = posterior[c.grade];
    const pd = g ? Math.min(1, (c.pd * posteriorMeanPd(g)) / pointPd(g)) : c.pd;
    el += pd * payoutTotal(p, v, c.start, c.count);
  }
  return el;
}

// ---------------------------------------------------------------------------------------------
// The model-risk table: the same book and seed under the Gaussian copula with fixed PDs, the t
// copula, the PD's uncertainty and both, side by side, each with its difference from the first.

export type ModelId = 'gaussian' | 't' | 'gaussian-pd-uncertainty' | 't-pd-uncertainty';

export interface ModelRiskRow {
  id: ModelId;
  copula: 'gaussian' | 't';
  /** ν of the t copula. */
  nu?: number;
  pdUncertainty: boolean;
  variants: StressFigures[];
  /** This row's figures less the Gaussian fixed-PD row's (yuan, signed; probabilities as numbers). */
  difference: StressFigures[];
}

/** The models a run with these options is compared over, the reference first and the run's own last. */
export function modelsOf(copula: TCopula | undefined, pdUncertainty: boolean): ModelId[] {
  const out: ModelId[] = ['gaussian'];
  if (copula) out.push('t');
  if (pdUncertainty) out.push('gaussian-pd-uncertainty');
  if (copula && pdUncertainty) out.push('t-pd-uncertainty');
  return out.length > 1 ? out : [];
}

const minus = (a: string, b: string): string =>
  formatYuan(parseYuan(a, { allowNegative: true }) - parseYuan(b, { allowNegative: true }));

/** The table's rows from each model's figures (the order of `modelsOf`, the Gaussian first). */
export function modelRiskTable(
  rows: readonly { id: ModelId; variants: StressFigures[] }[],
  copula: TCopula | undefined,
): ModelRiskRow[] {
  const ref = rows[0]!;
  return rows.map((r) => ({
    id: r.id,
    copula: r.id.startsWith('t') ? 't' : 'gaussian',
    ...(r.id.startsWith('t') && copula ? { nu: copula.nu } : {}),
    pdUncertainty: r.id.endsWith('pd-uncertainty'),
    variants: r.variants,
    difference: r.variants.map((f, v): StressFigures => {
      const b = ref.variants[v]!;
      return {
        variant: f.variant,
        expectedLoss: minus(f.expectedLoss, b.expectedLoss),
        tail: f.tail.map((t, i) => ({
          level: t.level,
          valueAtRisk: minus(t.valueAtRisk, b.tail[i]!.valueAtRisk),
          expectedShortfall: minus(t.expectedShortfall, b.tail[i]!.expectedShortfall),
        })),
        exhaustion: f.exhaustion.map((e, y) => {
          const o = b.exhaustion[y]!;
          // the two runs draw different numbers: their errors add in quadrature
          return {
            withinYears: e.withinYears,
            probability: e.probability - o.probability,
            standardError: Math.hypot(e.standardError, o.standardError),
          };
        }),
      };
    }),
  }));
}

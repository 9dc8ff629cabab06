/**
 * The textbook Monte Carlo the benchmark compares the simulator with: per scenario and year, draw
 * the factors; each cell's conditional PD q = Φ((Φ⁻¹(PD) − √ρ·Y)/√(1−ρ)); then one uniform per
 * loan, a default when it falls below q. The same model, factors (drawn the same way from the same
 * stream Rng(seed, s)) and payouts as `simulateScenarios`, so the two answer the same question;
 * only how defaults are found differs (one uniform per loan here, a geometric skip there). It
 * returns a ScenarioBlock so that the worker pool runs it over the same threads and chunks. Only
 * for the baseline.
 */
import { checkMonteCarloSpec, type MonteCarloSpec, type ScenarioBlock } from './monte-carlo';
import { sectorRho } from './factors';
import { conditionalPd } from './normal';
import { RiskInputError, type Portfolio } from './portfolio';
import { Rng } from './random';

export function simulateBaseline(p: Portfolio, spec: MonteCarloSpec, from: number, to: number): ScenarioBlock {
  checkMonteCarloSpec(spec);
  if (spec.copula || spec.pdPosterior)
    throw new RiskInputError('copula', 'the textbook baseline runs the Gaussian copula with fixed PDs only');
  const V = p.variants.length;
  const Y = spec.years;
  const rho = sectorRho(p, spec.factors);
  const c = spec.factors.sectorCorrelation ?? 1;
  const factor = new Float64Array(p.sectors.length);
  const losses = new Float64Array((to - from) * Y * V);
  const weights = new Float64Array(to - from);
  const shift = spec.shift;
  for (let s = from; s < to; s++) {
    const rng = new Rng(spec.seed, s);
    let weight = 1;
    for (let y = 0; y < Y; y++) {
      const z = rng.normal() + shift;
      if (shift !== 0) weight *= Math.exp(-shift * z + 0.5 * shift * shift);
      for (let k = 0; k < factor.length; k++)
        factor[k] = c === 1 ? z : Math.sqrt(c) * z + Math.sqrt(1 - c) * rng.normal();
      const at = ((s - from) * Y + y) * V;
      for (const cell of p.cells) {
        const q = conditionalPd(cell.pd, rho[cell.sector]!, factor[cell.sector]!);
        if (V === 1) {
          losses[at]! += rng.bernoulliSum(cell.count, q, p.payouts, cell.start);
          continue;
        }
        for (let i = cell.start; i < cell.start + cell.count; i++)
          if (rng.uniform() < q) for (let v = 0; v < V; v++) losses[at + v]! += p.payouts[i * V + v]!;
      }
    }
    weights[s - from] = weight;
  }
  return { from, to, variants: V, years: Y, losses, weights };
}

/**
 * The Gaussian copula: loan i in sector s defaults when √ρ_s·Y_s + √(1−ρ_s)·ε_i < Φ⁻¹(PD), with
 * Y_s = √c·Z + √(1−c)·η_s. c = 1 (the default) is the one-factor model; c < 1 the sector-factor model.
 */
import { RiskInputError, type Portfolio } from './portfolio';

export interface FactorModel {
  /** Asset correlation ρ, 0 ≤ ρ < 1 (Basel uses 0.12–0.24 for corporates, less for SMEs). */
  rho: number;
  /** ρ per sector, where it differs from `rho`. */
  rhoBySector?: Readonly<Record<string, number>>;
  /** Correlation of the sector factors with each other, 0..1; 1 = one factor. */
  sectorCorrelation?: number;
}

export function checkFactorModel(m: FactorModel): void {
  const ok = (x: number) => Number.isFinite(x) && x >= 0 && x < 1;
  if (!ok(m.rho)) throw new RiskInputError('correlation.rho', 'must be at least 0 and below 1');
  for (const [s, r] of Object.entries(m.rhoBySector ?? {}))
    if (!ok(r)) throw new RiskInputError(`correlation.rhoBySector.${s}`, 'must be at least 0 and below 1');
  const c = m.sectorCorrelation ?? 1;
  if (!(Number.isFinite(c) && c >= 0 && c <= 1))
    throw new RiskInputError('correlation.sectorCorrelation', 'must be between 0 and 1');
}

/** ρ for each sector of the portfolio, in portfolio order. */
export function sectorRho(p: Portfolio, m: FactorModel): Float64Array {
  checkFactorModel(m);
  return Float64Array.from(p.sectors, (s) => m.rhoBySector?.[s] ?? m.rho);
}

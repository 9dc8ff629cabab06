/**
 * Student's t distribution with ν degrees of freedom, for the t copula: the CDF through the
 * regularized incomplete beta function (F(x) = ½·I_{ν/(ν+x²)}(ν/2, ½) for x ≤ 0; the continued
 * fraction by Lentz's method, Numerical Recipes §6.4), and the quantile by Newton's method kept
 * inside a bracket (a bisection step whenever Newton would leave it). Pure; ν > 0, finite.
 */
import { normalInv } from './normal';
import { logGamma } from './pd-history';

const EPS = 1e-16;
const TINY = 1e-300;

/**
 * I_x(a, b), the regularized incomplete beta function, for 0 ≤ x ≤ 1 and a, b > 0; `y` = 1 − x
 * when the caller knows it more exactly than 1 − x can be computed (x near 1).
 */
export function regularizedBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lead = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(y));
  // the continued fraction converges fast for x < (a + 1)/(a + b + 2); otherwise by symmetry
  if (x < (a + 1) / (a + b + 2)) return (lead * betaFraction(x, a, b)) / a;
  return 1 - (lead * betaFraction(y, b, a)) / b;
}

function betaFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

function checkNu(nu: number): void {
  if (!(Number.isFinite(nu) && nu > 0)) throw new RangeError('the degrees of freedom must be a finite number above 0');
}

/** P(T ≤ x) for T ~ t_ν. */
export function studentTCdf(x: number, nu: number): number {
  checkNu(nu);
  if (Number.isNaN(x)) return NaN;
  if (x === -Infinity) return 0;
  if (x === Infinity) return 1;
  // the lower tail ½·I_{ν/(ν+x²)}(ν/2, ½), relative accuracy kept far out; 1 − ν/(ν+x²) given exactly
  const x2 = x * x;
  const lower = 0.5 * regularizedBeta(nu / (nu + x2), nu / 2, 0.5, x2 / (nu + x2));
  return x <= 0 ? lower : 1 - lower;
}

/** The density of t_ν at x. */
export function studentTPdf(x: number, nu: number): number {
  checkNu(nu);
  return Math.exp(
    logGamma((nu + 1) / 2) -
      logGamma(nu / 2) -
      0.5 * Math.log(nu * Math.PI) -
      ((nu + 1) / 2) * Math.log1p((x * x) / nu),
  );
}

/** t_ν⁻¹(p) for 0 < p < 1 (relative accuracy about 1e-13); ±Infinity at 0 and 1. */
export function studentTInv(p: number, nu: number): number {
  checkNu(nu);
  if (!(p >= 0 && p <= 1)) throw new RangeError('p must be a probability');
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // solve in the lower tail (q < ½, x < 0), where the CDF keeps its relative accuracy
  const q = p < 0.5 ? p : 1 - p;
  // the t's quantile is further out than the normal's: hi = Φ⁻¹(q) ≥ x; push lo out until F(lo) < q
  let hi = normalInv(q);
  let lo = hi;
  while (studentTCdf(lo, nu) > q) lo = lo * 2 - 1;
  let x = 0.5 * (lo + hi);
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(x, nu) - q;
    if (f === 0) break;
    if (f > 0) hi = x;
    else lo = x;
    let next = x - f / studentTPdf(x, nu);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-14 * Math.abs(next) || hi - lo <= 1e-15 * Math.abs(hi)) {
      x = next;
      break;
    }
    x = next;
  }
  return p < 0.5 ? x : -x;
}

/**
 * The standard normal distribution to double precision: Φ by Hart's algorithm 5666 (as given by
 * G. West, 2005), Φ⁻¹ by Wichura's AS241 (PPND16), and the log-gamma function for binomial terms.
 */

const SQRT_2PI = 2.5066282746310002;

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/** Φ(x), accurate to about 1e-15 in absolute terms and in relative terms in the lower tail. */
export function normalCdf(x: number): number {
  const a = Math.abs(x);
  let c: number;
  if (a > 37) c = 0;
  else {
    const e = Math.exp(-a * a / 2);
    if (a < 7.07106781186547) {
      let n = 3.52624965998911e-2 * a + 0.700383064443688;
      n = n * a + 6.37396220353165;
      n = n * a + 33.912866078383;
      n = n * a + 112.079291497871;
      n = n * a + 221.213596169931;
      n = n * a + 220.206867912376;
      let d = 8.83883476483184e-2 * a + 1.75566716318264;
      d = d * a + 16.064177579207;
      d = d * a + 86.7807322029461;
      d = d * a + 296.564248779674;
      d = d * a + 637.333633378831;
      d = d * a + 793.826512519948;
      d = d * a + 440.413735824752;
      c = (e * n) / d;
    } else {
      let b = a + 0.65;
      b = a + 4 / b;
      b = a + 3 / b;
      b = a + 2 / b;
      b = a + 1 / b;
      c = e / b / SQRT_2PI;
    }
  }
  return x > 0 ? 1 - c : c;
}

/** Φ⁻¹(p) for 0 < p < 1 (AS241, relative accuracy about 1e-16); ±Infinity at 0 and 1. */
export function normalInv(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r + 3.387132872796366608))
      / (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let v: number;
  if (r <= 5) {
    r -= 1.6;
    v = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734)
      / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    v = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772)
      / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -v : v;
}

/** A one-factor loan's default probability given the systematic factor y (Vasicek). */
export function conditionalPd(pd: number, rho: number, y: number): number {
  if (pd <= 0) return 0;
  if (pd >= 1) return 1;
  if (rho <= 0) return pd;
  return normalCdf((normalInv(pd) - Math.sqrt(rho) * y) / Math.sqrt(1 - rho));
}

/**
 * Simpson's rule nodes and weights for ∫ f(z) φ(z) dz over [-8.5, 8.5] (the mass outside is
 * below 1e-16): the factor integral of the finite-portfolio and large-portfolio formulas.
 */
export function factorNodes(intervals = 400, from = -8.5, to = 8.5): { z: Float64Array; w: Float64Array } {
  const n = intervals % 2 === 0 ? intervals : intervals + 1;
  const h = (to - from) / n;
  const z = new Float64Array(n + 1);
  const w = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    z[i] = from + i * h;
    w[i] = (h / 3) * (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * normalPdf(z[i]!);
  }
  return { z, w };
}

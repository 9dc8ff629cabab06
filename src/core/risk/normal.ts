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
    const e = Math.exp((-a * a) / 2);
    if (a < 7.07106781186547) {
      let n = 0.0352624965998911 * a + 0.700383064443688;
      n = n * a + 6.37396220353165;
      n = n * a + 33.912866078383;
      n = n * a + 112.079291497871;
      n = n * a + 221.213596169931;
      n = n * a + 220.206867912376;
      let d = 0.0883883476483184 * a + 1.75566716318264;
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
    return (
      (q *
        (((((((2509.0809287301227 * r + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) * r +
          13731.69376550946) *
          r +
          1971.5909503065513) *
          r +
          133.14166789178438) *
          r +
          3.3871328727963665)) /
      (((((((5226.495278852546 * r + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) * r +
        5394.196021424751) *
        r +
        687.1870074920579) *
        r +
        42.31333070160091) *
        r +
        1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let v: number;
  if (r <= 5) {
    r -= 1.6;
    v =
      (((((((0.0007745450142783414 * r + 0.022723844989269184) * r + 0.2417807251774506) * r + 1.2704582524523684) * r +
        3.6478483247632045) *
        r +
        5.769497221460691) *
        r +
        4.630337846156546) *
        r +
        1.4234371107496835) /
      (((((((1.0507500716444169e-9 * r + 0.0005475938084995345) * r + 0.015198666563616457) * r + 0.14810397642748008) *
        r +
        0.6897673349851) *
        r +
        1.6763848301838038) *
        r +
        2.053191626637759) *
        r +
        1);
  } else {
    r -= 5;
    v =
      (((((((2.0103343992922881e-7 * r + 0.000027115555687434876) * r + 0.0012426609473880784) * r +
        0.026532189526576124) *
        r +
        0.29656057182850487) *
        r +
        1.7848265399172913) *
        r +
        5.463784911164114) *
        r +
        6.657904643501103) /
      (((((((2.0442631033899397e-15 * r + 1.421511758316446e-7) * r + 0.000018463183175100548) * r +
        0.0007868691311456133) *
        r +
        0.014875361290850615) *
        r +
        0.1369298809227358) *
        r +
        0.599832206555888) *
        r +
        1);
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

/**
 * Seeded randomness for the simulator (src/core never calls Math.random). xoshiro128** with its
 * state drawn by SplitMix32 from (seed, stream): every scenario has its own stream, so a
 * scenario's draws do not depend on which worker runs it or in what order — the same seed gives
 * the same result with any number of workers.
 */
import { normalInv } from './normal';

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [s, (z ^ (z >>> 16)) >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    let s =
      (Math.imul(seed | 0, 0x2545f491) ^
        Math.imul((stream | 0) + 0x632be5ab, 0x9e3779b1) ^
        Math.floor(stream / 0x100000000)) |
      0;
    let x: number;
    [s, x] = splitmix32(s);
    this.a = x;
    [s, x] = splitmix32(s);
    this.b = x;
    [s, x] = splitmix32(s);
    this.c = x;
    [, x] = splitmix32(s);
    this.d = x | 1;
  }

  /** A uniform number in (0, 1), never 0 or 1 (so log(u) and Φ⁻¹(u) are finite). */
  uniform(): number {
    return (this.next32() + 0.5) / 4294967296;
  }

  /** The next 32 random bits as an unsigned integer. */
  next32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9);
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r >>> 0;
  }

  /**
   * Exp(1) by Marsaglia and Tsang's ziggurat (2000): one 32-bit draw and a table look-up almost
   * always, a logarithm only in the rare wedge or tail — cheaper than −ln U for geometric skips.
   */
  exponential(): number {
    const jz = this.next32();
    const iz = jz & 255;
    return jz < KE[iz]! ? jz * WE[iz]! : this.exponentialAfter(jz);
  }

  /** The state as four int32 into to[at…at+3] (for a loop that holds it in locals, as skipSumFrom does). */
  saveState(to: Int32Array, at: number): void {
    to[at] = this.a | 0;
    to[at + 1] = this.b | 0;
    to[at + 2] = this.c | 0;
    to[at + 3] = this.d | 0;
  }

  /** The state back from from[at…at+3] (written by saveState, advanced by the caller's own draws). */
  loadState(from: Int32Array, at: number): void {
    this.a = from[at]!;
    this.b = from[at + 1]!;
    this.c = from[at + 2]!;
    this.d = from[at + 3]!;
  }

  /**
   * Finishes an Exp(1) whose first 32 bits jz failed the ziggurat's fast test (jz ≥ KE[jz & 255]):
   * the rare wedge or tail, with the same draws as exponential() from that point.
   */
  exponentialAfter(jz: number): number {
    let iz = jz & 255;
    for (;;) {
      if (iz === 0) return ZIG_R - Math.log(this.uniform());
      const x = jz * WE[iz]!;
      if (FE[iz]! + this.uniform() * (FE[iz - 1]! - FE[iz]!) < Math.exp(-x)) return x;
      jz = this.next32();
      iz = jz & 255;
      if (jz < KE[iz]!) return jz * WE[iz]!;
    }
  }

  /**
   * The geometric skip over n loans with per-loan probability q (inv = −1/ln(1 − q)): the sum of
   * payouts[base + i] over the loans that default, with the generator's state held in locals
   * (the hot loop of the simulator; the same draws as calling exponential() in turn).
   */
  skipSum(n: number, inv: number, payouts: Float64Array, base: number): number {
    return this.skipSumFrom(-1, n, inv, payouts, base);
  }

  /** skipSum with the loans up to `last` (the first default, found by the caller) already done. */
  skipSumFrom(last: number, n: number, inv: number, payouts: Float64Array, base: number): number {
    // "| 0": the state as int32 from the start (the fields may hold uint32 doubles), so the loop runs on integer registers
    let a = this.a | 0,
      b = this.b | 0,
      c = this.c | 0,
      d = this.d | 0;
    let sum = last >= 0 ? payouts[base + last]! : 0;
    let i = last;
    for (;;) {
      // inline next32
      const m = Math.imul(b, 5);
      let r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      let iz = r & 255;
      let e: number;
      if (r < KE[iz]!) e = r * WE[iz]!;
      else {
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        // the rare wedge and tail: finish this draw by the general code path
        for (;;) {
          if (iz === 0) {
            e = ZIG_R - Math.log(this.uniform());
            break;
          }
          const x = r * WE[iz]!;
          if (FE[iz]! + this.uniform() * (FE[iz - 1]! - FE[iz]!) < Math.exp(-x)) {
            e = x;
            break;
          }
          r = this.next32();
          iz = r & 255;
          if (r < KE[iz]!) {
            e = r * WE[iz]!;
            break;
          }
        }
        a = this.a | 0;
        b = this.b | 0;
        c = this.c | 0;
        d = this.d | 0;
      }
      i += 1 + Math.floor(e * inv);
      if (i >= n) break;
      sum += payouts[base + i]!;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return sum;
  }

  /**
   * One uniform per loan: the sum of payouts[base + i·stride] over the n loans whose uniform
   * (next32() + 0.5)/2³² falls below q — the textbook Bernoulli draw, with the generator's state
   * held in locals as in skipSumFrom (the baseline's hot loop; the same draws as uniform() in turn).
   */
  bernoulliSum(n: number, q: number, payouts: Float64Array, base: number, stride = 1): number {
    let a = this.a | 0,
      b = this.b | 0,
      c = this.c | 0,
      d = this.d | 0;
    // u < q  ⇔  next32 + 0.5 < q·2³²
    const threshold = q * 4294967296 - 0.5;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const m = Math.imul(b, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      if (r < threshold) sum += payouts[base + i * stride]!;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return sum;
  }

  normal(): number {
    return normalInv(this.uniform());
  }

  /** Gamma(shape, scale 1) by Marsaglia and Tsang (shape < 1 by the boost u^(1/shape)). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  /** Poisson(mean) by inversion (small means) or as a sum of Poisson(≤ 30) draws. */
  poisson(mean: number): number {
    let k = 0;
    let rest = mean;
    while (rest > 30) {
      k += this.poisson(30);
      rest -= 30;
    }
    let p = Math.exp(-rest);
    let cdf = p;
    const u = this.uniform();
    let n = 0;
    while (u > cdf && p > 0) {
      n++;
      p *= rest / n;
      cdf += p;
    }
    return k + n;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

// Ziggurat tables for Exp(1), 256 layers (Marsaglia and Tsang, "The ziggurat method", 2000).
const ZIG_R = 7.697117470131487;
// KE holds whole numbers below 2^32; as float64 the comparison with a uint32 draw is a plain double compare (faster in V8 than a Uint32Array element)
const KE = new Float64Array(256);
const WE = new Float64Array(256);
const FE = new Float64Array(256);
{
  const m2 = 4294967296;
  const ve = 3.949659822581572e-3;
  let de = ZIG_R;
  let te = de;
  const q = ve / Math.exp(-de);
  KE[0] = Math.floor((de / q) * m2);
  KE[1] = 0;
  WE[0] = q / m2;
  WE[255] = de / m2;
  FE[0] = 1;
  FE[255] = Math.exp(-de);
  for (let i = 254; i >= 1; i--) {
    de = -Math.log(ve / de + Math.exp(-de));
    KE[i + 1] = Math.floor((de / te) * m2);
    te = de;
    FE[i] = Math.exp(-de);
    WE[i] = de / m2;
  }
}

/** The ziggurat's fast test and value for loops that inline exponential(): jz < ZIG_KE[jz & 255] ⇒ Exp(1) = jz · ZIG_WE[jz & 255]. */
export { KE as ZIG_KE, WE as ZIG_WE };

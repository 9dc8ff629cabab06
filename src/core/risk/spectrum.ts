/** From a characteristic function on the FFT grid to a probability mass function (fft.js). */
import FFT from 'fft.js';

const plans = new Map<number, FFT>();

export function fftPlan(n: number): FFT {
  let f = plans.get(n);
  if (!f) {
    f = new FFT(n);
    plans.set(n, f);
  }
  return f;
}

/** Σ_m a[m]·e^{−2πi·jm/N} for j = 0…N−1, as interleaved (re, im). */
export function forward(a: Float64Array, n: number): Float64Array {
  const input = new Float64Array(2 * n);
  for (let m = 0; m < a.length && m < n; m++) input[2 * m] = a[m]!;
  const out = new Float64Array(2 * n);
  fftPlan(n).transform(out, input);
  return out;
}

/** pmf[k] = (1/N) Σ_j cf[j]·e^{+2πi·jk/N}; tiny negative round-off is clipped to 0. */
export function pmfFromCf(cf: Float64Array, n: number): Float64Array {
  const out = new Float64Array(2 * n);
  fftPlan(n).inverseTransform(out, cf);
  const pmf = new Float64Array(n);
  for (let k = 0; k < n; k++) pmf[k] = Math.max(out[2 * k]!, 0);
  return pmf;
}

/**
 * tailMeasures orders only the largest losses (a selection finds where they start); it must give
 * exactly what ordering every scenario gives, with ties, weights (importance sampling), tails
 * holding less than the target weight, and the empty case.
 */
import { describe, expect, it } from 'vitest';
import { kthLargest, tailMeasures } from './statistics';
import { Rng } from './random';

/** The reference: every scenario sorted, largest first, walked until the tail's weight passes (1 − α)·n. */
function reference(losses: number[], weights: number[], levels: number[]) {
  const n = losses.length;
  const order = losses.map((_, i) => i).sort((a, b) => losses[b]! - losses[a]!);
  return levels.map((level) => {
    const target = (1 - level) * n;
    let tail = 0;
    let tailSum = 0;
    for (let i = 0; i < n;) {
      const x = losses[order[i]!]!;
      let wx = 0;
      let j = i;
      while (j < n && losses[order[j]!] === x) wx += weights[order[j++]!]!;
      if (tail + wx > target)
        return { level, valueAtRisk: x, expectedShortfall: (tailSum + x * (target - tail)) / target };
      tail += wx;
      tailSum += wx * x;
      i = j;
    }
    const least = n ? losses[order[n - 1]!]! : 0;
    return { level, valueAtRisk: least, expectedShortfall: (tailSum + least * Math.max(target - tail, 0)) / target };
  });
}

describe('tailMeasures', () => {
  it('agrees with sorting every scenario, weighted or not, with ties', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rng.uniform() * 400);
      const distinct = 1 + Math.floor(rng.uniform() * 12); // few values: many ties
      const losses = Array.from({ length: n }, () =>
        rng.uniform() < 0.6 ? 0 : Math.floor(rng.uniform() * distinct) * 1000,
      );
      const weighted = trial % 2 === 1;
      // importance weights: small in the tail, large elsewhere; sometimes too little weight to fill a tail
      const scale = trial % 6 === 1 ? 0.01 : 1;
      const weights = losses.map((l) => (weighted ? scale * (l > 0 ? 0.05 + rng.uniform() : 1 + rng.uniform()) : 1));
      const levels = [0.5, 0.9, 0.95, 0.99, 0.999, 0.9999];
      const got = tailMeasures(Float64Array.from(losses), Float64Array.from(weights), levels);
      const want = reference(losses, weights, levels);
      for (let i = 0; i < levels.length; i++) {
        expect(got[i]!.valueAtRisk, `trial ${trial}, level ${levels[i]}`).toBe(want[i]!.valueAtRisk);
        expect(got[i]!.expectedShortfall, `trial ${trial}, level ${levels[i]}`).toBeCloseTo(
          want[i]!.expectedShortfall,
          6,
        );
      }
    }
  });

  it('answers zero for no scenarios', () => {
    expect(tailMeasures(new Float64Array(0), new Float64Array(0), [0.99])[0]!.valueAtRisk).toBe(0);
  });
});

describe('kthLargest', () => {
  it('finds the k-th largest of values with ties, for every k', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 50; trial++) {
      const xs = Array.from({ length: 1 + Math.floor(rng.uniform() * 60) }, () => Math.floor(rng.uniform() * 8));
      const sorted = [...xs].sort((a, b) => b - a);
      for (let k = 1; k <= xs.length; k++) expect(kthLargest(Float64Array.from(xs), k)).toBe(sorted[k - 1]);
    }
  });
});

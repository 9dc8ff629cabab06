/**
 * The fund rules' layout of the book (fund-book.ts): each cell's loans once each, grouped by class
 * of life, ordered by maturity; the runs found for a year are exactly the loans at risk all year,
 * those maturing within it, and (after) those matured — by the same subtraction the engine uses.
 */
import { describe, expect, it } from 'vitest';
import { loansOf } from './books.fixture';
import { fundBookOf, groupEnds, lifeClasses, templateEnds, templateOf } from './fund-book';
import { buildPortfolio } from './portfolio';
import { asFiledVariant } from './portfolio';

function book() {
  const loans = loansOf([
    { grade: 'A', sector: 's1', count: 97, exposureYuan: (i) => 100_000 * (1 + (i % 5)) },
    { grade: 'B', sector: 's1', count: 41, exposureYuan: (i) => 300_000 + 1000 * i },
  ]).map((l, i) => ({ ...l, remainingYears: ((i * 37) % 41) / 10, ageYears: ((i * 13) % 17) / 5, bank: `b${i % 3}` }));
  return buildPortfolio({
    loans,
    variants: [asFiledVariant(), asFiledVariant('60%', { ratioBp: 6000 })],
    pdByGrade: { A: 0.02, B: 0.05 },
  });
}

describe("the fund rules' layout of the book", () => {
  it('one multiplier repeated is one class', () => {
    expect(lifeClasses([1, 1, 1])).toBe(1);
    expect(lifeClasses([2])).toBe(1);
    expect(lifeClasses([0.6, 1.3, 1])).toBe(3);
  });

  it('holds each loan of a cell once, in its class, longest maturity first, with its own payouts, exposure and bank', () => {
    const p = book();
    const G = 3;
    const cohortSize = Int32Array.from(p.cells, (c) => Math.round(0.4 * c.count));
    const b = fundBookOf(p, true, G, cohortSize);
    const V = p.variants.length;
    expect(b.width).toBe(V + 3);
    p.cells.forEach((cell, j) => {
      const seen: number[] = [];
      for (let g = 0; g < G; g++) {
        for (let o = b.groupStart[j * G + g]!; o < b.groupStart[j * G + g + 1]!; o++) {
          const i = b.loan[o]!;
          seen.push(i);
          expect(Math.min(Math.floor(p.life!.ageYears[i]!), G - 1)).toBe(g);
          expect(b.key[o]).toBe(p.life!.remainingYears[i]);
          if (o > b.groupStart[j * G + g]!) expect(b.key[o]!).toBeLessThanOrEqual(b.key[o - 1]!);
          for (let v = 0; v < V; v++) expect(b.record[o * b.width + v]).toBe(p.payouts[i * V + v]);
          expect(b.record[o * b.width + V]).toBe(p.exposure[i]);
          expect(b.record[o * b.width + V + 1]).toBe(p.labels!.bank!.of[i]);
          expect(b.record[o * b.width + V + 2]).toBe(b.key[o]);
        }
      }
      expect(seen.sort((x, y) => x - y)).toEqual(Array.from({ length: cell.count }, (_, k) => cell.start + k));
      // the cohort's templates: the loans ⌊k·n/m⌋, by whole term (maturity + age), longest first
      const m = cohortSize[j]!;
      const templates = Array.from(b.loan.subarray(b.templateStart[j]!, b.templateStart[j + 1]!));
      expect(templates.sort((x, y) => x - y)).toEqual(
        Array.from({ length: m }, (_, k) => cell.start + templateOf(k, cell.count, m)).sort((x, y) => x - y),
      );
      for (let o = b.templateStart[j]!; o < b.templateStart[j + 1]!; o++) {
        const i = b.loan[o]!;
        expect(b.key[o]).toBe(p.life!.remainingYears[i]! + p.life!.ageYears[i]!);
      }
    });
  });

  it("holds each position's payouts and exposure in the engine's payload and its bank apart (one byte up to 256 banks)", () => {
    for (const banks of [3, 300]) {
      const loans = loansOf([{ grade: 'A', sector: 's1', count: 600, exposureYuan: (i) => 100_000 + 137 * i }]).map(
        (l, i) => ({
          ...l,
          remainingYears: ((i * 37) % 41) / 10,
          ageYears: ((i * 13) % 17) / 5,
          bank: `b${i % banks}`,
        }),
      );
      const p = buildPortfolio({
        loans,
        variants: [asFiledVariant(), asFiledVariant('60%', { ratioBp: 6000 })],
        pdByGrade: { A: 0.02 },
      });
      const cohortSize = Int32Array.from(p.cells, (c) => Math.round(0.4 * c.count));
      const b = fundBookOf(p, true, 3, cohortSize);
      const V = p.variants.length;
      expect(b.bank instanceof Uint8Array).toBe(banks <= 256);
      for (let o = 0; o < b.loan.length; o++) {
        const i = b.loan[o]!;
        for (let v = 0; v < V; v++) expect(b.payload[o * (V + 1) + v]).toBe(p.payouts[i * V + v]);
        expect(b.payload[o * (V + 1) + V]).toBe(p.exposure[i]);
        expect(b.bank[o]).toBe(p.labels!.bank!.of[i]);
      }
    }
  });

  it('splits each group, each year, into the loans at risk all year, those maturing in it, and the matured', () => {
    const p = book();
    const G = 3;
    const cohortSize = Int32Array.from(p.cells, (c) => Math.round(0.4 * c.count));
    const b = fundBookOf(p, true, G, cohortSize);
    let partial = 0;
    for (let y = 0; y < 5; y++) {
      const ends = groupEnds(b, y);
      for (let g = 0; g < p.cells.length * G; g++) {
        const [full, live] = [ends[2 * g]!, ends[2 * g + 1]!];
        for (let o = b.groupStart[g]!; o < b.groupStart[g + 1]!; o++) {
          const f = Math.min(1, Math.max(0, p.life!.remainingYears[b.loan[o]!]! - y));
          expect(o < full ? 'all year' : o < live ? 'part' : 'matured').toBe(
            f >= 1 ? 'all year' : f > 0 ? 'part' : 'matured',
          );
          if (o >= full && o < live) partial++;
        }
      }
      const cohort = templateEnds(b, y);
      for (let j = 0; j < p.cells.length; j++)
        for (let o = b.templateStart[j]!; o < b.templateStart[j + 1]!; o++) {
          const f = Math.min(1, Math.max(0, b.key[o]! - y));
          expect(o < cohort[2 * j]! ? 'all year' : o < cohort[2 * j + 1]! ? 'part' : 'matured').toBe(
            f >= 1 ? 'all year' : f > 0 ? 'part' : 'matured',
          );
        }
    }
    expect(partial).toBeGreaterThan(0);
  });

  it('without run-off and with one class keeps the book’s own order (the plain run’s draws)', () => {
    const p = book();
    const b = fundBookOf(p, false, 1, new Int32Array(p.cells.length));
    expect(Array.from(b.loan)).toEqual(Array.from({ length: p.loanCount }, (_, i) => i));
    expect(b.key.every((k) => k === Infinity)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { estimatePds, gammaP, gammaQuantile, gradeHistories, jeffreysPd, type LoanHistory } from './pd-history';
import { RiskInputError } from './portfolio';

const normal = (on: string) => ({ on, grade: 'normal' });
const sm = (on: string) => ({ on, grade: 'special-mention' });

// A hand-made history, as of 2024-01-01 (days counted by hand):
const loans: LoanHistory[] = [
  { from: '2020-01-01', grades: [normal('2020-01-01')] }, //                                   normal 1,461 days, still running
  { from: '2022-01-01', grades: [normal('2022-01-01'), sm('2023-01-01')], defaultedOn: '2023-07-01' }, // normal 365, special-mention 181, default in special-mention
  { from: '2021-01-01', grades: [normal('2021-01-01')], endedOn: '2022-01-01' }, //           normal 365, repaid
  { from: '2023-01-01', grades: [normal('2023-01-01')], defaultedOn: '2023-04-01' }, //       normal 90, default in normal
  { from: '2024-06-01', grades: [normal('2024-06-01')] }, //                                   disbursed after the day: nothing
  { from: '2023-01-01', grades: [normal('2023-01-01')], defaultedOn: '2024-03-01' }, //       normal 365; its default comes later: none yet
];

describe("PD from the book's history", () => {
  it('counts loan-years and defaults per grade by hand', () => {
    expect(gradeHistories(loans, '2024-01-01')).toEqual([
      { grade: 'normal', loans: 5, defaults: 1, loanYears: (1461 + 365 + 365 + 90 + 365) / 365.25 },
      { grade: 'special-mention', loans: 1, defaults: 1, loanYears: 181 / 365.25 },
    ]);
  });

  it('gamma quantiles are the published χ² ones (Gamma(k/2) = χ²_k / 2)', () => {
    expect(gammaQuantile(0.975, 0.5)).toBeCloseTo(5.0238862 / 2, 6);
    expect(gammaQuantile(0.025, 0.5)).toBeCloseTo(0.0009820691 / 2, 9);
    expect(gammaQuantile(0.025, 1.5)).toBeCloseTo(0.2157953 / 2, 6);
    expect(gammaQuantile(0.975, 1.5)).toBeCloseTo(9.3484036 / 2, 6);
    expect(gammaQuantile(0.5, 20.5)).toBeCloseTo(20.1675, 3);
    expect(gammaP(3, 2)).toBeCloseTo(0.3233235838, 10);
  });

  it("estimates a grade with enough history by the Jeffreys posterior and falls back to the manager's PD otherwise", () => {
    const T = 2646 / 365.25;
    const est = estimatePds(gradeHistories(loans, '2024-01-01'), {
      grades: ['normal', 'special-mention', 'doubtful'],
      managerPd: { 'special-mention': 0.12, doubtful: 0.3 },
    });
    expect(est[0]).toMatchObject({
      grade: 'normal',
      source: 'history',
      history: { loans: 5, defaults: 1, loanYears: T },
    });
    expect(est[0]!.pd).toBeCloseTo(1 - Math.exp(-1.5 / T), 12); // λ = 1.5 / 7.2444 = 0.20706
    expect(est[0]!.pd).toBeCloseTo(0.18703, 5);
    expect(est[0]!.history!.interval![0]).toBeCloseTo(1 - Math.exp(-0.10789765 / T), 7);
    expect(est[0]!.history!.interval![1]).toBeCloseTo(1 - Math.exp(-4.6742018 / T), 7);
    expect(est[0]!.managerPd).toBeUndefined();
    expect(est[1]).toEqual({
      grade: 'special-mention',
      source: 'manager',
      pd: 0.12,
      managerPd: 0.12,
      history: { loans: 1, defaults: 1, loanYears: 181 / 365.25 },
      note: "only 0.50 loan-years of history (1 needed): the manager's PD",
    });
    expect(est[2]).toMatchObject({
      grade: 'doubtful',
      source: 'manager',
      pd: 0.3,
      history: { loans: 0, defaults: 0, loanYears: 0 },
      note: "no history: the manager's PD",
    });
  });

  it('a grade with no default yet still gets a PD above 0, and a grade without history or manager PD is an input error', () => {
    const quiet = jeffreysPd(0, 50);
    expect(quiet.pd).toBeCloseTo(1 - Math.exp(-0.5 / 50), 12);
    expect(quiet.interval[0]).toBeGreaterThan(0);
    expect(quiet.interval[1]).toBeCloseTo(1 - Math.exp(-2.5119431 / 50), 7);
    expect(() => estimatePds([], { grades: ['normal'] })).toThrow(RiskInputError);
    expect(() => estimatePds([], { grades: ['normal'] })).toThrow(
      'pdByGrade.normal: has no history and no PD set by the manager',
    );
  });

  it('a smaller minimum uses a short history', () => {
    const est = estimatePds(gradeHistories(loans, '2024-01-01'), { grades: ['special-mention'], minLoanYears: 0.25 });
    expect(est[0]).toMatchObject({ source: 'history', history: { defaults: 1 } });
    expect(est[0]!.pd).toBeCloseTo(1 - Math.exp(-1.5 / (181 / 365.25)), 12);
  });
});

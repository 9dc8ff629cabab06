/**
 * npm run bench -- simulate [LOANS] [SCENARIOS] [rules]: the fund risk simulator on a synthetic
 * book ("rules": only step 7).
 *  1. Monte Carlo, sector-factor Gaussian copula, 1,000,000 loans × 10,000 one-year scenarios on
 *     worker threads (goal ≤ 3 s on 2 cores); then the report's Euler contributions of that run at
 *     99% (per loan; by bank, programme, sector and grade; the largest loans) in this thread
 *     (goal: ≤ 50% of the run's time);
 *  2. 500 loans × 100,000 scenarios in one thread, then on the 2 workers (goal ≤ 0.2 s);
 *  3. CreditRisk+ by FFT on the 1,000,000 loans (goal ≤ 2 s);
 *  4. the textbook one-factor Monte Carlo (per scenario the factors, each cell's conditional PD,
 *     one uniform per loan; src/core/risk/baseline-monte-carlo.ts) on the same book, with the same
 *     scenario count, seed and 2 workers, timed in this run between two runs of the simulator;
 *     goal: the simulator ≥ 25× faster. Both simulate the same model exactly, so the same number
 *     of scenarios gives the same accuracy; the expected losses of both are printed with their
 *     standard errors;
 *  5. the same two in this one thread, interleaved over 8 rounds of 100 scenarios, the fastest
 *     round of each (both sides see the same minutes of the machine);
 *  6. model risk on the big book, 2 workers, same seed, in turn: the Gaussian copula, the t copula
 *     (ν = 5), the Gaussian with the PD's uncertainty (each grade's posterior as if from 2,000
 *     loan-years with the grade's PD as default rate), the Gaussian again (its two runs' mean is
 *     the Gaussian's figure).
 *  7. the fund's rules (fund-rules.ts) over 5 years on the big book, 2 workers: run-off (years to
 *     maturity uniform 0–3), new filings 30% a year, a review of 15 working days, each of 20 banks'
 *     breakers (G4: 3%, 5,000,000 yuan), PD by year of life 0.6/1.3/1, φ = 0.5, cash 1.5 × a
 *     year's EL with a top-up of one EL a year; beside it the plain 5-year run (goal ≤ 10 s).
 * The book: 5 PD grades (0.3%–3.5%), 10 sectors, principals 100,000–10,000,000 yuan
 * (log-uniform), the 2023 programme's terms (30%, 40% with a qualification), ρ = 0.15, sector
 * factors correlated 0.5.
 * What is timed: (1) from the call to the merged result — copying the book's payouts into shared
 * memory and sending it to the workers (once per book), the scenarios, the merge; then the same
 * book again with another seed (the workers hold it: scenarios and merge only). Not timed:
 * building the book (the policy engine's bigint compensation per loan, printed apart) and
 * starting the workers (warmed first on another book, as the app keeps its pool). (2) the scenario
 * loop in this thread, then the same on the 2 workers. (3) the FFT model from a built portfolio.
 * (4) each of the three runs from the call to the merged result, the book already in the workers.
 */
import { loadavg, cpus } from 'node:os';
import {
  asFiledVariant,
  buildPortfolio,
  contributionsReport,
  expectedLoss,
  fundPathYears,
  creditRiskPlus,
  measuresOf,
  simulateScenarios,
  tailMeasures,
  weightedMean,
  yearLosses,
  type MonteCarloSpec,
  type RiskLoan,
} from '../src/core/risk';
import { simulateBaseline } from '../src/core/risk/baseline-monte-carlo';
import { runScenarios, warmWorkers } from '../src/adapters/workers/simulation-pool';
import { seededRandom } from '../src/modules/demo/prng';

const LOANS = Number(process.argv[2] ?? 1_000_000);
const SCENARIOS = Number(process.argv[3] ?? 10_000);
const WORKERS = 2;
const ONLY_RULES = process.argv[4] === 'rules';
const pdByGrade = { AA: 0.003, A: 0.006, BBB: 0.01, BB: 0.018, B: 0.035 };
const grades = Object.keys(pdByGrade);
const factors = { rho: 0.15, sectorCorrelation: 0.5 };
const secs = (t0: number) => (performance.now() - t0) / 1000;

// Seeded (the demo's mulberry32) so every run uses the same cases.
const random = seededRandom(20261125).next;
function book(n: number): RiskLoan[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `L${i}`,
    grade: grades[Math.floor(random() * grades.length)]!,
    sector: `sector-${Math.floor(random() * 10)}`,
    exposure: BigInt(Math.round(10 ** (5 + 2 * random()))) * 100n,
    bank: `bank-${i % 20}`,
    programme: `programme-${i % 3}`,
    filedTerms: {
      ratioBp: random() < 0.3 ? 4000 : 3000,
      rounding: 'half-up' as const,
      parties: [{ party: 'bank' as const, shareBp: 10_000 }],
    },
  }));
}

const loadBefore = Number(loadavg()[0]!.toFixed(1));
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
let t0 = performance.now();
const big = buildPortfolio({ loans: book(LOANS), variants: [asFiledVariant()], pdByGrade });
const buildSeconds = secs(t0);
console.log(
  `book: ${LOANS.toLocaleString('en')} loans, ${big.cells.length} grade × sector cells, built in ${buildSeconds.toFixed(2)} s (payouts by the policy engine)`,
);

// the small book first: it warms the workers (started here, not in any timed figure)
const small = buildPortfolio({ loans: book(500), variants: [asFiledVariant()], pdByGrade });
const spec: MonteCarloSpec = { factors, seed: 1, scenarios: SCENARIOS, years: 1, shift: 0 };
t0 = performance.now();
await warmWorkers(WORKERS);
await runScenarios(small, { ...spec, scenarios: 20_000 }, { workers: WORKERS });
console.log(`workers: ${WORKERS} started and warmed on the small book in ${secs(t0).toFixed(2)} s (not timed below)`);

const yuan0 = (fen: number) => (fen / 100).toFixed(0);
const figures: Record<string, number> = {};
if (!ONLY_RULES) {
  // 1. the big Monte Carlo on worker threads
  t0 = performance.now();
  const block = await runScenarios(big, spec, { workers: WORKERS });
  const mcSeconds = secs(t0);
  t0 = performance.now();
  await runScenarios(big, { ...spec, seed: 2 }, { workers: WORKERS });
  const mcAgainSeconds = secs(t0);
  const l = yearLosses(block, 0);
  const el = weightedMean(l, block.weights);
  const defaults = el.value / (Number(big.payouts.reduce((a, b) => a + b, 0)) / LOANS);
  console.log(
    `1. Monte Carlo ${LOANS.toLocaleString('en')} loans × ${SCENARIOS.toLocaleString('en')} scenarios on ${WORKERS} workers: ${mcSeconds.toFixed(2)} s with sending the book to the workers, ${mcAgainSeconds.toFixed(2)} s for another seed of the same book (about ${Math.round(defaults).toLocaleString('en')} defaults per scenario; goal ≤ 3 s)`,
  );
  console.log(
    `   EL ${(el.value / 100).toFixed(0)} ± ${(el.standardError / 100).toFixed(0)} yuan, VaR 99.9% ${(tailMeasures(l, block.weights)[2]!.valueAtRisk / 100).toFixed(0)} yuan`,
  );

  // 1b. the Euler contributions the report adds to that run: per loan at 99% (the tail's and the
  // neighbourhood's scenarios replayed), by bank, programme, sector and grade, the largest loans
  t0 = performance.now();
  const contributions = contributionsReport(big, spec, block, 0, 0.99);
  const contributionsSeconds = secs(t0);
  console.log(
    `   Euler contributions at 99% (${contributions.tailScenarios} tail and ${contributions.neighbourhood} neighbourhood scenarios replayed, by ${contributions.by.map((b) => b.dimension).join(', ')}, the ${contributions.topLoans.length} largest loans): ${contributionsSeconds.toFixed(2)} s in this thread, ${((100 * contributionsSeconds) / mcSeconds).toFixed(0)}% of the run (goal ≤ 50%)`,
  );

  // 2. a small book, many scenarios: one thread, then the app's way (2 workers)
  simulateScenarios(small, { ...spec, scenarios: 10_000 }, 0, 10_000);
  t0 = performance.now();
  simulateScenarios(small, { ...spec, scenarios: 100_000 }, 0, 100_000);
  const smallSeconds = secs(t0);
  t0 = performance.now();
  await runScenarios(small, { ...spec, scenarios: 100_000 }, { workers: WORKERS });
  const smallWorkersSeconds = secs(t0);
  console.log(
    `2. Monte Carlo 500 loans × 100,000 scenarios: ${smallSeconds.toFixed(3)} s in one thread, ${smallWorkersSeconds.toFixed(3)} s on ${WORKERS} workers (goal ≤ 0.2 s)`,
  );

  // 3. CreditRisk+
  creditRiskPlus(small, { sectorVariance: 1 });
  t0 = performance.now();
  const crp = measuresOf(creditRiskPlus(big, { sectorVariance: 1 }));
  const crpSeconds = secs(t0);
  console.log(
    `3. CreditRisk+ by FFT, ${LOANS.toLocaleString('en')} loans, 10 sectors: ${crpSeconds.toFixed(2)} s (goal ≤ 2 s); EL ${(crp.expectedLoss / 100).toFixed(0)} yuan, VaR 99.9% ${(crp.tail[2]!.valueAtRisk / 100).toFixed(0)} yuan`,
  );

  // 4. the textbook conditional-PD Monte Carlo on the same book, scenarios and workers, timed
  // between two runs of the simulator (same seed) so that both see the machine of the same minute
  await runScenarios(big, { ...spec, seed: 7, scenarios: 2 }, { workers: WORKERS }); // the book back in the workers
  const timed = async (method: 'simulator' | 'baseline') => {
    const t = performance.now();
    const b = await runScenarios(big, { ...spec, seed: 7 }, { workers: WORKERS, method });
    return { seconds: secs(t), el: weightedMean(yearLosses(b, 0), b.weights) };
  };
  const before = await timed('simulator');
  const baseline = await timed('baseline');
  const after = await timed('simulator');
  const simulatorSeconds = (before.seconds + after.seconds) / 2;
  const speedup = baseline.seconds / simulatorSeconds;
  console.log(
    `4. textbook conditional-PD Monte Carlo (one uniform per loan), ${LOANS.toLocaleString('en')} loans × ${SCENARIOS.toLocaleString('en')} scenarios on ${WORKERS} workers: ${baseline.seconds.toFixed(2)} s; the simulator on the same book, seed and workers just before and after: ${before.seconds.toFixed(2)} s, ${after.seconds.toFixed(2)} s`,
  );
  console.log(
    `   EL ${(baseline.el.value / 100).toFixed(0)} ± ${(baseline.el.standardError / 100).toFixed(0)} yuan (baseline), ${(before.el.value / 100).toFixed(0)} ± ${(before.el.standardError / 100).toFixed(0)} yuan (simulator); speed-up ${speedup.toFixed(1)}× (goal ≥ 25×)`,
  );
  // 5. the same comparison in this one thread, interleaved (simulator, baseline, simulator, …), 8
  // rounds of 100 scenarios, the fastest round of each: both see the same minutes of the machine,
  // and the fastest round is the one least disturbed by it
  const ROUND = Math.min(SCENARIOS, 100);
  let fastestSimulator = Infinity;
  let fastestBaseline = Infinity;
  for (let r = 0; r < 8; r++) {
    const roundSpec = { ...spec, seed: 100 + r, scenarios: ROUND };
    let t = performance.now();
    simulateScenarios(big, roundSpec, 0, ROUND);
    fastestSimulator = Math.min(fastestSimulator, secs(t));
    t = performance.now();
    simulateBaseline(big, roundSpec, 0, ROUND);
    fastestBaseline = Math.min(fastestBaseline, secs(t));
  }
  const oneThreadSpeedup = fastestBaseline / fastestSimulator;
  console.log(
    `5. one thread, interleaved, fastest of 8 rounds of ${ROUND} scenarios: simulator ${(1000 * fastestSimulator).toFixed(1)} ms, baseline ${(1000 * fastestBaseline).toFixed(1)} ms (${((1e9 * fastestBaseline) / (ROUND * LOANS)).toFixed(2)} ns per loan and scenario) → ${oneThreadSpeedup.toFixed(1)}×`,
  );
  // 6. model risk: the t copula and the PD's uncertainty beside the Gaussian, in turn on the same book
  const posterior = big.grades.map((g) => {
    const pd = pdByGrade[g as keyof typeof pdByGrade];
    return { shape: Math.round(-Math.log1p(-pd) * 2000) + 0.5, rate: 2000 };
  });
  const modelRun = async (s: MonteCarloSpec) => {
    const t = performance.now();
    const b = await runScenarios(big, s, { workers: WORKERS });
    const l6 = yearLosses(b, 0);
    return {
      seconds: secs(t),
      el: weightedMean(l6, b.weights),
      var999: tailMeasures(l6, b.weights)[2]!.valueAtRisk,
    };
  };
  const gaussianBefore = await modelRun({ ...spec, seed: 7 });
  const tRun = await modelRun({ ...spec, seed: 7, copula: { kind: 't', nu: 5 } });
  const uncertainRun = await modelRun({ ...spec, seed: 7, pdPosterior: posterior });
  const gaussianAfter = await modelRun({ ...spec, seed: 7 });
  const gaussianSeconds = (gaussianBefore.seconds + gaussianAfter.seconds) / 2;
  console.log(
    `6. model risk, ${LOANS.toLocaleString('en')} loans × ${SCENARIOS.toLocaleString('en')} scenarios on ${WORKERS} workers: Gaussian ${gaussianBefore.seconds.toFixed(2)} s / ${gaussianAfter.seconds.toFixed(2)} s (before / after), t copula ν = 5 ${tRun.seconds.toFixed(2)} s, Gaussian + PD uncertainty ${uncertainRun.seconds.toFixed(2)} s`,
  );
  console.log(
    `   VaR 99.9%: Gaussian ${yuan0(gaussianBefore.var999)}, t ${yuan0(tRun.var999)}, PD uncertainty ${yuan0(uncertainRun.var999)} yuan; EL ${[gaussianBefore, tRun, uncertainRun].map((r) => `${yuan0(r.el.value)} ± ${yuan0(r.el.standardError)}`).join(' / ')} yuan`,
  );
  Object.assign(figures, {
    monteCarloSeconds: Number(mcSeconds.toFixed(3)),
    monteCarloSameBookSeconds: Number(mcAgainSeconds.toFixed(3)),
    contributionsSeconds: Number(contributionsSeconds.toFixed(3)),
    smallBookSeconds: Number(smallSeconds.toFixed(3)),
    smallBookWorkersSeconds: Number(smallWorkersSeconds.toFixed(3)),
    creditRiskPlusSeconds: Number(crpSeconds.toFixed(3)),
    simulatorSeconds: Number(simulatorSeconds.toFixed(3)),
    baselineSeconds: Number(baseline.seconds.toFixed(3)),
    speedup: Number(speedup.toFixed(1)),
    oneThreadSpeedup: Number(oneThreadSpeedup.toFixed(1)),
    gaussianSeconds: Number(gaussianSeconds.toFixed(3)),
    tCopulaSeconds: Number(tRun.seconds.toFixed(3)),
    pdUncertaintySeconds: Number(uncertainRun.seconds.toFixed(3)),
  });
}
// 7. the fund's rules over 5 years: the big book with maturities, ages and banks (its own seeded draws)
const lifeRandom = seededRandom(20261207).next;
const ruledBook = {
  ...big,
  life: {
    remainingYears: Float64Array.from({ length: big.loanCount }, () => 3 * lifeRandom()),
    ageYears: Float64Array.from({ length: big.loanCount }, () => 2 * lifeRandom()),
  },
  labels: {
    ...big.labels,
    bank: {
      names: Array.from({ length: 20 }, (_, b) => `bank-${b}`),
      of: Int32Array.from({ length: big.loanCount }, () => Math.floor(20 * lifeRandom())),
    },
  },
};
const yearEl = expectedLoss(big, 0);
const rulesSpec: MonteCarloSpec = {
  ...spec,
  seed: 9,
  years: 5,
  factorPersistence: 0.5,
  fundRules: {
    plan: { cash: Math.round(1.5 * yearEl), topUps: [0, 1, 2, 3, 4].map(() => Math.round(yearEl)) },
    runOff: true,
    newFilingsPerYear: 0.3,
    reviewYears: 15 / 250,
    breaker: { claimRatioAboveBp: 300, netCompensationAbove: 500_000_000 },
    pdByYearOfLife: [0.6, 1.3, 1],
  },
};
await runScenarios(ruledBook, { ...rulesSpec, scenarios: 2 }, { workers: WORKERS }); // the book in the workers
const loadRules = Number(loadavg()[0]!.toFixed(1));
t0 = performance.now();
const ruled = await runScenarios(ruledBook, rulesSpec, { workers: WORKERS });
const rulesSeconds = secs(t0);
const { fundRules: _rules, ...plainFive } = rulesSpec;
t0 = performance.now();
await runScenarios(ruledBook, plainFive, { workers: WORKERS });
const plainFiveSeconds = secs(t0);
const path = fundPathYears(ruled, 0);
let claimsPerScenario = 0;
for (const v of ruled.fund!.due) claimsPerScenario += v;
claimsPerScenario /= SCENARIOS;
console.log(
  `7. the fund's rules, ${LOANS.toLocaleString('en')} loans × 5 years × ${SCENARIOS.toLocaleString('en')} scenarios on ${WORKERS} workers: ${rulesSeconds.toFixed(2)} s (load ${loadRules} at the start; about ${Math.round(claimsPerScenario).toLocaleString('en')} claims per scenario followed one by one; goal ≤ 10 s); the plain 5-year run of the same book ${plainFiveSeconds.toFixed(2)} s`,
);
console.log(
  `   per year: claims ${path.map((y) => yuan0(y.claims)).join(' / ')} yuan; paid ${path.map((y) => yuan0(y.paid)).join(' / ')}; held (G4) ${path.map((y) => yuan0(y.held)).join(' / ')}; P(a claim waits) ${path.map((y) => y.claimWaits.toFixed(3)).join(' / ')}`,
);
console.log(
  JSON.stringify({
    bench: 'simulate',
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    loans: LOANS,
    scenarios: SCENARIOS,
    workers: WORKERS,
    loadBefore: loadBefore,
    load: Number(loadavg()[0]!.toFixed(1)),
    buildSeconds: Number(buildSeconds.toFixed(2)),
    ...figures,
    fundRulesLoad: loadRules,
    fundRulesSeconds: Number(rulesSeconds.toFixed(3)),
    plainFiveYearsSeconds: Number(plainFiveSeconds.toFixed(3)),
  }),
);

/**
 * npm run bench -- evaluate [N] [R]: judge N (default 1,000,000) varied cases in process, as when a whole
 * portfolio is re-judged under a new policy. One core. Goal: ≥ 500,000 cases/s.
 * Then render R (default 50,000) decisions with renderDecision, as bulk filing does once per row:
 * a typical eligible case under each E-Town programme in turn, and the varied cases' decisions.
 */
import { addDays } from '../src/core/calendar';
import { evaluate, renderDecision, type Decision, type LoanCase } from '../src/core/policy';
import { loadPolicyFiles } from '../src/modules/programmes/policy-files';
import { seededRandom } from '../src/modules/demo/prng';

const total = Number(process.argv[2] ?? 1_000_000);
const renders = Number(process.argv[3] ?? 50_000);
const distinct = 200_000;
const policies = loadPolicyFiles().map((f) => f.policy);

// Seeded (the demo's mulberry32) so every run uses the same cases.
const random = seededRandom(20261125).next;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const kinds = ['credit', 'ip-pledge', 'receivables-pledge', 'credit', 'credit', 'mortgage'];
const sizes = ['micro', 'small', 'small', 'medium', 'large'] as const;
const industries = ['software', 'biomedicine', 'equipment', 'ic-design', 'finance', 'real-estate', 'new-energy'];
const quals = [
  'national-high-tech',
  'little-giant',
  'beijing-specialised-sme',
  'manufacturing-single-champion',
] as const;

const cases: LoanCase[] = [];
for (let i = 0; i < distinct; i++) {
  const disbursedOn = addDays('2025-07-10', Math.floor(random() * 500));
  const filedOn = addDays(disbursedOn, Math.floor(random() * 20) - 3);
  const riskSharing = random() < 0.2;
  const principal = BigInt(Math.round(10 ** (5 + 2.5 * random()))) * 100n; // 100,000 … 31,600,000 yuan, most of them small
  const qualifications =
    random() < 0.4
      ? [
          {
            kind: pick(quals),
            validFrom: addDays(filedOn, -Math.floor(random() * 900)),
            validTo: addDays(filedOn, Math.floor(random() * 900) - 100),
          },
        ]
      : [];
  cases.push({
    enterprise: {
      registeredInZone: random() < 0.97,
      size: pick(sizes),
      sciTech: random() < 0.7,
      industry: pick(industries),
      restrictedProcesses: random() < 0.01,
      qualifications,
    },
    loan: {
      kind: pick(kinds),
      principal,
      disbursedOn,
      filedOn,
      mode: riskSharing ? 'risk-sharing' : 'direct',
      ...(riskSharing ? { bankShareBp: 1500 + Math.floor(random() * 2000) } : {}),
    },
    ...(random() < 0.3
      ? {
          default: {
            outstandingPrincipal: (principal * BigInt(Math.floor(random() * 100))) / 100n,
            classifiedOn: addDays(disbursedOn, 400),
          },
        }
      : {}),
  });
}

let eligible = 0;
let paid = 0n;
const run = (n: number) => {
  for (let i = 0; i < n; i++) {
    const d = evaluate(cases[i % distinct]!, policies[i & 1]!);
    if (d.eligible) eligible++;
    if (d.compensation) paid += d.compensation.compensation;
  }
};
run(50_000); // warm up
eligible = 0;
paid = 0n;
const started = process.hrtime.bigint();
run(total);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const casesPerSecond = Math.round(total / seconds);
console.log(
  `evaluated ${total.toLocaleString('en')} cases (${distinct.toLocaleString('en')} distinct, 2 programmes) in ${seconds.toFixed(2)} s on one core`,
);
console.log(`eligible ${eligible.toLocaleString('en')}, compensation computed ${paid} fen in all`);
console.log(`${casesPerSecond.toLocaleString('en')} cases/s (goal ≥ 500,000)`);

// renderDecision: the decisions are made first, so only the rendering is timed.
const typical: LoanCase = {
  enterprise: {
    registeredInZone: true,
    size: 'small',
    sciTech: true,
    industry: 'software',
    restrictedProcesses: false,
    qualifications: [{ kind: 'national-high-tech', validFrom: '2024-01-01', validTo: '2026-12-31' }],
  },
  loan: { kind: 'credit', principal: 100_000_000n, disbursedOn: '2025-09-01', filedOn: '2025-09-03', mode: 'direct' },
};
const typicalDecisions = policies.map((p) => evaluate(typical, p));
if (!typicalDecisions.every((d) => d.eligible))
  throw new Error('the typical case should be eligible under every programme');
const mixed: [Decision, LoanCase][] = cases.slice(0, 20_000).map((c, i) => [evaluate(c, policies[i & 1]!), c]);
let reasonsRendered = 0;
const timeRenders = (pairs: readonly (readonly [Decision, LoanCase])[]) => {
  const render = (n: number) => {
    for (let i = 0; i < n; i++) {
      const [d, c] = pairs[i % pairs.length]!;
      reasonsRendered += renderDecision(d, c).reasons.length;
    }
  };
  render(Math.min(renders, 20_000)); // warm up
  const t0 = process.hrtime.bigint();
  render(renders);
  return Number(process.hrtime.bigint() - t0) / 1e3 / renders;
};
const renderMicros = timeRenders(typicalDecisions.map((d) => [d, typical] as const));
const renderMixedMicros = timeRenders(mixed);
console.log(
  `renderDecision: ${renderMicros.toFixed(2)} µs per call on a typical eligible case (both programmes in turn), ${renderMixedMicros.toFixed(2)} µs on the varied cases (${renders.toLocaleString('en')} calls each, ${reasonsRendered.toLocaleString('en')} reasons)`,
);
console.log(
  JSON.stringify({
    bench: 'evaluate',
    cases: total,
    seconds: Number(seconds.toFixed(3)),
    casesPerSecond,
    renders,
    renderMicros: Number(renderMicros.toFixed(2)),
    renderMixedMicros: Number(renderMixedMicros.toFixed(2)),
  }),
);

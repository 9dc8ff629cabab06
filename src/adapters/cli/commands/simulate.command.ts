/**
 * `backstop simulate`: the fund's loss distribution, exhaustion probability and a what-if of
 * policy variants, for a CSV portfolio or the live book. Progress on stderr, result on stdout.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import type { SimulationReport, StressFigures } from '../../../core/risk';
import { createBookLoader } from '../../../modules/simulation/book.repository';
import { loadPolicyFiles } from '../../../modules/programmes/policy-files';
import type { SimulationInput } from '../../../modules/simulation/simulation.schemas';
import {
  prepareSimulation,
  runSimulation,
  SimulationInputError,
} from '../../../modules/simulation/simulation.usecases';
import { openDatabase } from '../../db/database';
import { runScenarios } from '../../workers/simulation-pool';
import { fail } from '../cli-errors';

interface Opts {
  portfolio?: string;
  fund?: string;
  pd: string[];
  variant: string[];
  seed: string;
  scenarios: string;
  years: string;
  rho: string;
  sectorCorrelation?: string;
  sectorVariance: string;
  copula: 'gaussian' | 't';
  nu?: string;
  pdUncertainty?: boolean;
  shift: string;
  cash?: string;
  topUp: string[];
  recoveryRate?: string;
  recoveryDelay?: string;
  workers?: string;
  stress: string[];
  reverseStress?: string;
  solveTopUp?: string;
  factorPersistence?: string;
  runOff?: boolean;
  newFilings?: string;
  review?: string;
  breaker?: boolean;
  pdByYearOfLife?: string;
  format: 'json' | 'table';
  progress: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

function number(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) fail(`${flag}: must be a number, got "${text}"`);
  return n;
}

/** "A=0.01,B=0.03" (repeatable) → { A: 0.01, B: 0.03 }; the word "history" is the PD's source, not a grade. */
function pdByGrade(specs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of specs.flatMap((s) => s.split(',')).filter((p) => p.trim() !== 'history')) {
    const [grade, pd, extra] = part.split('=');
    if (!grade || pd === undefined || extra !== undefined)
      fail(`--pd: write GRADE=PD, e.g. --pd normal=0.015,special-mention=0.12 (got "${part}")`);
    out[grade.trim()] = number(pd, `--pd ${grade}`);
  }
  return out;
}

/** "as-filed" | "PROGRAMME" with ":ratio=0.5,cap=30000000|none,id=NAME". */
function variant(spec: string, i: number): NonNullable<SimulationInput['variants']>[number] {
  const [head = '', edits = ''] = spec.split(/:(.*)/s);
  const v: Record<string, unknown> = head === 'as-filed' || head === '' ? {} : { programme: head };
  for (const kv of edits.split(',').filter(Boolean)) {
    const [k, val] = kv.split('=');
    if (val === undefined) fail(`--variant ${i + 1}: write KEY=VALUE after the colon (got "${kv}")`);
    if (k === 'ratio') v.ratio = val;
    else if (k === 'cap') v.capPerLoan = val === 'none' ? null : val;
    else if (k === 'id') v.id = val;
    else fail(`--variant ${i + 1}: unknown edit ${k} (ratio, cap, id)`);
  }
  return v;
}

/** "KEY=VALUE,…" pairs of a flag, each key one of `keys`. */
function pairs(text: string, flag: string, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of text.split(',').filter(Boolean)) {
    const [k = '', val, extra] = kv.split('=');
    if (val === undefined || extra !== undefined) fail(`${flag}: write KEY=VALUE (got "${kv}")`);
    if (!keys.includes(k.trim())) fail(`${flag}: unknown key ${k} (${keys.join(', ')})`);
    out[k.trim()] = val.trim();
  }
  return out;
}

/** "pd=2", "rho=0.3", "sector=tech:3", combined with commas, optionally id=NAME. */
function stress(text: string, i: number): NonNullable<SimulationInput['stress']>[number] {
  const flag = `--stress ${i + 1}`;
  const kv = pairs(text, flag, ['pd', 'rho', 'sector', 'id']);
  const out: NonNullable<SimulationInput['stress']>[number] = {};
  if (kv.id !== undefined) out.id = kv.id;
  if (kv.pd !== undefined) out.pdMultiplier = number(kv.pd, `${flag} pd`);
  if (kv.rho !== undefined) out.rho = number(kv.rho, `${flag} rho`);
  if (kv.sector !== undefined) {
    const at = kv.sector.lastIndexOf(':');
    if (at <= 0) fail(`${flag}: write sector=SECTOR:MULTIPLIER, e.g. sector=manufacturing:3`);
    out.sectorShock = {
      sector: kv.sector.slice(0, at),
      pdMultiplier: number(kv.sector.slice(at + 1), `${flag} sector multiplier`),
    };
  }
  return out;
}

function reverseStress(text: string): NonNullable<SimulationInput['reverseStress']> {
  const flag = '--reverse-stress';
  const kv = pairs(text, flag, ['target', 'years', 'over', 'max', 'step']);
  if (kv.target === undefined || kv.years === undefined)
    fail(`${flag}: give target and years, e.g. target=0.05,years=3`);
  if (kv.over !== undefined && kv.over !== 'pd' && kv.over !== 'correlation')
    fail(`${flag} over: must be pd or correlation (got "${kv.over}")`);
  return {
    target: number(kv.target, `${flag} target`),
    years: number(kv.years, `${flag} years`),
    ...(kv.over !== undefined ? { over: kv.over as 'pd' | 'correlation' } : {}),
    ...(kv.max !== undefined ? { max: number(kv.max, `${flag} max`) } : {}),
    ...(kv.step !== undefined ? { step: number(kv.step, `${flag} step`) } : {}),
  };
}

function topUp(text: string): NonNullable<SimulationInput['topUp']> {
  const flag = '--solve-top-up';
  const kv = pairs(text, flag, ['target', 'years', 'step']);
  if (kv.target === undefined || kv.years === undefined)
    fail(`${flag}: give target and years, e.g. target=0.05,years=3`);
  return {
    target: number(kv.target, `${flag} target`),
    years: number(kv.years, `${flag} years`),
    ...(kv.step !== undefined ? { step: kv.step } : {}),
  };
}

/** --review policy | 3m (months) | 20d (working days). */
function review(text: string): NonNullable<NonNullable<SimulationInput['fundRules']>['review']> {
  if (text === 'policy') return 'policy';
  const m = /^(\d+(?:\.\d+)?)\s*(m|d)$/.exec(text.trim());
  if (!m) return fail(`--review: write policy, MONTHSm (e.g. 3m) or WORKING_DAYSd (e.g. 20d) (got "${text}")`);
  return m[2] === 'm' ? { months: Number(m[1]) } : { workingDays: Number(m[1]) };
}

/** The fund's rules of the flags, or nothing when none is given (the plain multi-year run). */
function fundRules(o: Opts): SimulationInput['fundRules'] {
  if (!o.runOff && o.newFilings === undefined && o.review === undefined && !o.breaker && !o.pdByYearOfLife)
    return undefined;
  return {
    ...(o.runOff ? { runOff: true } : {}),
    ...(o.newFilings !== undefined
      ? { newFilings: o.newFilings === 'history' ? 'history' : number(o.newFilings, '--new-filings') }
      : {}),
    ...(o.review !== undefined ? { review: review(o.review) } : {}),
    ...(o.breaker ? { breaker: true } : {}),
    ...(o.pdByYearOfLife
      ? { pdByYearOfLife: o.pdByYearOfLife.split(',').map((x, i) => number(x, `--pd-by-year-of-life ${i + 1}`)) }
      : {}),
  };
}

const pct = (p: number) => `${(p * 100).toPrecision(3)}%`;

function table(r: SimulationReport): string {
  const head = ['measure', ...r.variants.map((v) => v.variant)];
  const rows = [head, ...r.whatIf.map((w) => [w.measure, ...w.values])];
  const widths = head.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const pd = r.pd.map((e) => {
    const h = e.history;
    const facts = h
      ? ` (${h.loans} loans, ${h.defaults} defaults, ${h.loanYears.toFixed(1)} loan-years${h.interval ? `; 95% ${pct(h.interval[0])}–${pct(h.interval[1])}` : ''})`
      : '';
    return `PD ${e.grade}: ${pct(e.pd)} ${e.source === 'history' ? 'from history' : 'set by the manager'}${facts}${e.note ? ` — ${e.note}` : ''}`;
  });
  return [
    `${r.loans} loans, ${r.scenarios} scenarios, ${r.years} year(s), seed ${r.seed} — yuan`,
    ...pd,
    line(rows[0]!),
    ...rows.slice(1).map(line),
    ...(r.modelRisk ? ['', ...modelRiskTable(r)] : []),
    ...(r.stress ? ['', ...stressTable(r)] : []),
    ...(r.reverseStress ? ['', r.reverseStress.statement.zh, r.reverseStress.statement.en] : []),
    ...(r.topUp ? ['', r.topUp.statement.zh, r.topUp.statement.en] : []),
    ...(r.variants[0]?.fundPath ? ['', ...fundPathTable(r)] : []),
  ].join('\n');
}

/** The fund's path of the first variant with the fund's rules: one row per year. */
function fundPathTable(r: SimulationReport): string[] {
  const v = r.variants[0]!;
  const head = [`year (${v.variant})`, 'claims', 'paid', 'held (G4)', 'queued at end', 'P(queue)', 'P(claim waits)'];
  const rows = [
    head,
    ...v.fundPath!.map((y) => [
      String(y.year),
      y.claims,
      y.paid,
      y.held,
      y.queued,
      pct(y.queueProbability),
      pct(y.claimWaits),
    ]),
  ];
  const widths = head.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
}

/** The model-risk table of the first variant: each model's figures, then its difference from the Gaussian. */
function modelRiskTable(r: SimulationReport): string[] {
  const first = r.modelRisk![0]!.variants[0]!;
  const head = [
    `model (${first.variant})`,
    'EL',
    ...first.tail.flatMap((t) => [`VaR ${Number(t.level) * 100}%`, `ES ${Number(t.level) * 100}%`]),
    ...first.exhaustion.map((e) => `P(exh ≤${e.withinYears}y)`),
  ];
  const name = (m: NonNullable<SimulationReport['modelRisk']>[number]) =>
    `${m.copula === 't' ? `t (ν=${m.nu})` : 'Gaussian'}${m.pdUncertainty ? ' + PD uncertainty' : ''}`;
  const cells = (f: StressFigures) => [
    f.expectedLoss,
    ...f.tail.flatMap((t) => [t.valueAtRisk, t.expectedShortfall]),
    ...f.exhaustion.map((e) => e.probability.toPrecision(4)),
  ];
  const rows = [
    head,
    ...r.modelRisk!.flatMap((m, i) =>
      i === 0
        ? [[name(m), ...cells(m.variants[0]!)]]
        : [
            [name(m), ...cells(m.variants[0]!)],
            ['  − Gaussian', ...cells(m.difference[0]!)],
          ],
    ),
  ];
  const widths = head.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
}

/** The stress table of the first variant: one row per scenario. */
function stressTable(r: SimulationReport): string[] {
  const first = r.stress![0]!.variants[0]!;
  const head = [
    `stress (${first.variant})`,
    'EL',
    ...first.tail.flatMap((t) => [`VaR ${Number(t.level) * 100}%`, `ES ${Number(t.level) * 100}%`]),
    ...first.exhaustion.map((e) => `P(exh ≤${e.withinYears}y)`),
  ];
  const rows = [
    head,
    ...r.stress!.map((row) => {
      const f = row.variants[0]!;
      return [
        row.id,
        f.expectedLoss,
        ...f.tail.flatMap((t) => [t.valueAtRisk, t.expectedShortfall]),
        ...f.exhaustion.map((e) => e.probability.toPrecision(4)),
      ];
    }),
  ];
  const widths = head.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
  );
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description(
      "simulate the fund's losses, VaR/ES, P(exhausted) and a what-if of policy variants (CSV portfolio or the live book)",
    )
    .option(
      '--portfolio <FILE.csv>',
      'portfolio CSV: id,grade,sector,outstanding[,ratio,capPerLoan,mode,bankShare,kind,principal,size,sciTech,industry,registeredInZone,qualifications,bank,remainingYears,ageYears] (default: the live book in the database)',
    )
    .option('--fund <id>', "live book: only this fund's active filings")
    .option(
      '--pd <GRADE=PD,…|history>',
      'one-year default probability per grade (repeatable); the live book grades loans normal / special-mention. "history": estimate each grade\'s PD from the live book\'s history (the GRADE=PD given are used for grades with less than a loan-year of history)',
      collect,
      [],
    )
    .option(
      '--variant <SPEC>',
      'policy variant (repeatable): as-filed | PROGRAMME, optionally :ratio=0.5,cap=30000000|none,id=NAME',
      collect,
      [],
    )
    .option('--seed <n>', 'random seed', '1')
    .option('--scenarios <n>', 'Monte Carlo scenarios', '10000')
    .option('--years <n>', 'years per path (exhaustion within N years)', '1')
    .option('--rho <r>', 'asset correlation', '0.15')
    .option('--sector-correlation <c>', 'correlation between sector factors (1 = one factor)')
    .option('--sector-variance <v>', 'CreditRisk+ sector variance', '1')
    .addOption(
      new Option(
        '--copula <copula>',
        'gaussian, or t (with --nu): the result then has the Gaussian and the t side by side (model risk)',
      )
        .choices(['gaussian', 't'])
        .default('gaussian'),
    )
    .option('--nu <ν>', 'degrees of freedom of the t copula (1–1000; small = fat joint tails)')
    .option(
      '--pd-uncertainty',
      "with --pd history: each scenario draws each grade's PD from its Jeffreys posterior (the result also has the fixed-PD figures beside)",
    )
    .option('--shift <s>', 'importance-sampling shift of the global factor (0 = plain, -1…-3 for tails)', '0')
    .option('--cash <yuan>', 'fund cash at the start (yuan), for P(exhausted)')
    .option('--top-up <yuan>', 'top-up at the start of each following year (repeatable, year 1 first)', collect, [])
    .option('--recovery-rate <r>', 'share of payouts recovered')
    .option('--recovery-delay <years>', 'years until recoveries come back')
    .option(
      '--stress <SPEC>',
      'stress scenario (repeatable), a re-run with the same seed: pd=MULTIPLIER, rho=CORRELATION, sector=SECTOR:MULTIPLIER, combined with commas, optionally id=NAME',
      collect,
      [],
    )
    .option(
      '--reverse-stress <SPEC>',
      'the PD multiplier (over=pd) or correlation (over=correlation) at which P(exhausted within YEARS) reaches TARGET: target=0.05,years=3[,over=pd|correlation,max=10,step=0.01] (needs --cash)',
    )
    .option(
      '--solve-top-up <SPEC>',
      'the extra cash at the start keeping P(exhausted within YEARS) at most TARGET: target=0.05,years=3[,step=10000 yuan] (needs --cash)',
    )
    .option(
      '--factor-persistence <φ>',
      "φ of the global factor's AR(1) over the years: a bad year makes the next worse (0 = independent years)",
    )
    .option(
      '--run-off',
      "the fund's rules: loans mature at their maturity (needs --cash; a CSV's remainingYears column)",
    )
    .option(
      '--new-filings <SHARE|history>',
      "the fund's rules: new filings per year from year 2, alike to the book, as a share of its loans; history = the live book's own last year",
    )
    .option(
      '--review <policy|Nm|Nd>',
      "the fund's rules: time from default to payment — the programme's claim SLA (policy), N months or N working days",
    )
    .option('--breaker', "the fund's rules: each bank's circuit breaker (G4) with the programme's thresholds")
    .option('--pd-by-year-of-life <M1,M2,…>', "the fund's rules: PD multipliers by year of a loan's life")
    .option('--workers <n>', 'worker threads (default: one per core)')
    .addOption(new Option('--format <format>', 'output').choices(['json', 'table']).default('json'))
    .option('--no-progress', 'no progress bar')
    .action(async (o: Opts) => {
      const input: SimulationInput = {
        portfolio: o.portfolio
          ? { source: 'csv', csv: readCsv(o.portfolio) }
          : { source: 'book', ...(o.fund ? { fundId: o.fund } : {}) },
        ...(o.pd.some((s) => s.split(',').some((p) => p.trim() === 'history')) ? { pd: 'history' as const } : {}),
        pdByGrade: pdByGrade(o.pd),
        ...(o.variant.length ? { variants: o.variant.map(variant) } : {}),
        correlation: {
          rho: number(o.rho, '--rho'),
          ...(o.sectorCorrelation !== undefined
            ? { sectorCorrelation: number(o.sectorCorrelation, '--sector-correlation') }
            : {}),
        },
        creditRiskPlus: { sectorVariance: number(o.sectorVariance, '--sector-variance') },
        copula: { kind: o.copula, ...(o.nu !== undefined ? { nu: number(o.nu, '--nu') } : {}) },
        ...(o.pdUncertainty ? { pdUncertainty: true } : {}),
        seed: number(o.seed, '--seed'),
        scenarios: number(o.scenarios, '--scenarios'),
        years: number(o.years, '--years'),
        importanceShift: number(o.shift, '--shift'),
        ...(o.cash !== undefined
          ? {
              fund: {
                cash: o.cash,
                topUps: ['0', ...o.topUp],
                ...(o.recoveryRate !== undefined ? { recoveryRate: number(o.recoveryRate, '--recovery-rate') } : {}),
                ...(o.recoveryDelay !== undefined
                  ? { recoveryDelayYears: number(o.recoveryDelay, '--recovery-delay') }
                  : {}),
              },
            }
          : {}),
        ...(o.stress.length ? { stress: o.stress.map(stress) } : {}),
        ...(o.reverseStress !== undefined ? { reverseStress: reverseStress(o.reverseStress) } : {}),
        ...(o.solveTopUp !== undefined ? { topUp: topUp(o.solveTopUp) } : {}),
        ...(o.factorPersistence !== undefined
          ? { factorPersistence: number(o.factorPersistence, '--factor-persistence') }
          : {}),
      };
      const rules = fundRules(o);
      if (rules) input.fundRules = rules;
      const workers = o.workers === undefined ? undefined : number(o.workers, '--workers');
      if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0 && workers <= 64))
        fail('--workers: must be a whole number from 0 to 64');
      const database = input.portfolio.source === 'book' ? await openDatabase() : undefined;
      try {
        const prepared = await prepareSimulation({
          input,
          policies: loadPolicyFiles().map((f) => f.policy),
          ...(database ? { loadBook: createBookLoader({ db: database.db }) } : {}),
        }).catch((e: unknown) => {
          if (e instanceof SimulationInputError) fail(e.errors.map((x) => `${flagOf(x.field)}: ${x.en}`).join('; '));
          throw e;
        });
        const bar = o.progress
          ? new SingleBar({
              format: 'simulating [{bar}] {percentage}% | {value}/{total} scenarios | {duration_formatted}',
              stream: process.stderr,
              hideCursor: true,
            })
          : undefined;
        bar?.start(prepared.spec.scenarios, 0);
        const report = await runSimulation({
          prepared,
          runScenarios: (p, s, opts) => runScenarios(p, s, { ...opts, ...(workers !== undefined ? { workers } : {}) }),
          onProgress: (d, t) => {
            bar?.setTotal(t);
            bar?.update(d);
          },
        });
        bar?.stop();
        process.stdout.write(o.format === 'table' ? `${table(report)}\n` : `${JSON.stringify(report, null, 2)}\n`);
      } finally {
        await database?.close();
      }
    });
}

/** Fields of the request as the flags that set them, so the message names what the user typed. */
function flagOf(field: string): string {
  const variant = /^variants\[(\d+)\]/.exec(field);
  if (variant) return `--variant ${Number(variant[1]) + 1}`;
  if (field === 'pd') return '--pd history';
  const stressed = /^stress\[(\d+)\]\.?(.*)$/.exec(field);
  if (stressed) return `--stress ${Number(stressed[1]) + 1}${stressed[2] ? ` ${stressed[2]}` : ''}`;
  if (field === 'stress') return '--stress';
  const map: [RegExp, string][] = [
    [/^pdByGrade\.?/, '--pd '],
    [/^correlation\.rho$/, '--rho'],
    [/^correlation\.sectorCorrelation$/, '--sector-correlation'],
    [/^fund\.cash$/, '--cash'],
    [/^fund\.topUps\[(\d+)\]$/, '--top-up $1'],
    [/^fund\.recoveryRate$/, '--recovery-rate'],
    [/^fund\.recoveryDelayYears$/, '--recovery-delay'],
    [/^importanceShift$/, '--shift'],
    [/^creditRiskPlus\.sectorVariance$/, '--sector-variance'],
    [/^copula\.nu$/, '--nu'],
    [/^copula\.kind$/, '--copula'],
    [/^pdUncertainty$/, '--pd-uncertainty'],
    [/^(seed|scenarios|years)$/, '--$1'],
    [/^reverseStress\.?/, '--reverse-stress '],
    [/^topUp\.?/, '--solve-top-up '],
    [/^factorPersistence$/, '--factor-persistence'],
    [/^fundRules\.runOff$/, '--run-off'],
    [/^fundRules\.newFilings$/, '--new-filings'],
    [/^fundRules\.review\.?.*$/, '--review'],
    [/^fundRules\.breaker\.?.*$/, '--breaker'],
    [/^fundRules\.pdByYearOfLife\[(\d+)\]$/, '--pd-by-year-of-life $1'],
    [/^fundRules\.pdByYearOfLife$/, '--pd-by-year-of-life'],
    [/^fundRules$/, '--cash'],
  ];
  for (const [re, flag] of map) if (re.test(field)) return field.replace(re, flag).trim();
  return field;
}

function readCsv(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    fail(`--portfolio: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Use cases of the fund risk simulator: turn a request (a CSV portfolio or the live book, PDs per
 * grade, policy variants, the model) into a portfolio and a Monte Carlo spec, then run it and
 * report. The scenario runner is passed in (worker threads in the app and the CLI).
 */
import type { CompiledPolicy } from '../../core/policy';
import {
  asFiledVariant,
  baselineStressRow,
  buildPortfolio,
  buildReport as buildReportHere,
  checkFundRules,
  checkReverseStress,
  checkStress,
  checkTopUp,
  estimatePds,
  exhaustionWithin,
  gradeHistories,
  LEVELS,
  modelRiskTable,
  modelsOf,
  pdPosteriors,
  policyVariant,
  reverseStressEvaluations,
  RiskInputError,
  solveReverseStress,
  stressFactors,
  stressFigures,
  stressPortfolio,
  type CreditRiskPlusModel,
  type ReverseStressSpec,
  type StressFigures,
  type StressFiguresInput,
  type StressRow,
  type StressScenario,
  type TopUpSpec,
  type FundPlan,
  type FundRules,
  type ModelId,
  type MonteCarloSpec,
  type PdEstimate,
  type PolicyVariant,
  type Portfolio,
  type RiskLoan,
  type ScenarioBlock,
  type SimulationReport,
} from '../../core/risk';
import type { ReportInput } from '../../core/risk/report';
import { DECISION_WORKING_DAYS } from '../claims/claims.usecases';
import { beijingToday } from '../shared/clock';
import type { FieldError } from '../shared/problem';
import { fieldErrorsOf } from '../shared/request.errors';
import { simulationErrors } from './simulation.errors';
import type { BookLoader } from './book.repository';
import { parsePortfolioCsv } from './portfolio-csv';
import { simulationInput, type ParsedSimulationInput } from './simulation.schemas';

export class SimulationInputError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.en}`).join('; '));
    this.name = 'SimulationInputError';
  }
}

export type ScenarioRunner = (
  portfolio: Portfolio,
  spec: MonteCarloSpec,
  opts: { onProgress?: (done: number, total: number) => void },
) => Promise<ScenarioBlock>;

/** Builds the report from the merged scenarios (the server does it on a worker thread). */
export type ReportBuilder = (input: ReportInput) => SimulationReport | Promise<SimulationReport>;

/** The stress table's figures of a stressed run (the server does it on a worker thread; the block is moved there). */
export type StressSummarizer = (input: StressFiguresInput) => StressFigures[] | Promise<StressFigures[]>;

/** The top-up's rounding step when the request names none: 10,000 yuan. */
export const DEFAULT_TOP_UP_STEP_FEN = 1_000_000;

export interface PreparedSimulation {
  portfolio: Portfolio;
  spec: MonteCarloSpec;
  fund?: FundPlan;
  creditRiskPlus: CreditRiskPlusModel;
  /** Where each grade's PD came from, when estimated from history. */
  pd?: PdEstimate[];
  stress?: StressScenario[];
  reverseStress?: ReverseStressSpec;
  topUp?: TopUpSpec;
  /** The live book's loans named (loan number, borrower), for the report's largest loans. */
  nameLoans?: BookLoader['names'];
}

const trim = (x: number) => String(Number(x.toFixed(4)));

/** A stress scenario's name when the request gives none: the stress in words. */
function stressName(s: Omit<StressScenario, 'id'>): string {
  return [
    s.pdMultiplier !== undefined ? `PD ×${trim(s.pdMultiplier)}` : '',
    s.rho !== undefined ? `ρ ${trim(s.rho)}` : '',
    s.sectorShock ? `${s.sectorShock.sector} PD ×${trim(s.sectorShock.pdMultiplier)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** The stress, reverse stress and top-up of a request, checked against its portfolio and fund. */
function stressOf(
  req: ParsedSimulationInput,
  portfolio: Portfolio,
  spec: MonteCarloSpec,
  fund: FundPlan | undefined,
): Pick<PreparedSimulation, 'stress' | 'reverseStress' | 'topUp'> {
  const stress = req.stress?.map((s, i): StressScenario => {
    const { id, ...rest } = s;
    const scenario: StressScenario = { id: id ?? stressName(rest), ...rest };
    checkStress(portfolio, scenario, `stress[${i}]`);
    return scenario;
  });
  let reverseStress: ReverseStressSpec | undefined;
  if (req.reverseStress) {
    const r = req.reverseStress;
    if (!fund)
      throw new RiskInputError('reverseStress', 'needs a fund plan (fund.cash) to tell when the fund is exhausted');
    if (r.years > spec.years)
      throw new RiskInputError('reverseStress.years', `must be at most the run's years (${spec.years})`);
    reverseStress = {
      target: r.target,
      years: r.years,
      over: r.over,
      ...(r.max !== undefined ? { max: r.max } : {}),
      ...(r.step !== undefined ? { step: r.step } : {}),
    };
    checkReverseStress(reverseStress, r.over === 'pd' ? 1 : spec.factors.rho);
  }
  let topUp: TopUpSpec | undefined;
  if (req.topUp) {
    if (!fund) throw new RiskInputError('topUp', 'needs a fund plan (fund.cash) to tell when the fund is exhausted');
    topUp = {
      target: req.topUp.target,
      years: req.topUp.years,
      stepFen: req.topUp.step !== undefined ? Number(req.topUp.step) : DEFAULT_TOP_UP_STEP_FEN,
    };
    checkTopUp(topUp, spec.years);
  }
  return { ...(stress ? { stress } : {}), ...(reverseStress ? { reverseStress } : {}), ...(topUp ? { topUp } : {}) };
}

/** The newest version of each programme, by id. */
function latestPolicies(policies: readonly CompiledPolicy[]): Map<string, CompiledPolicy> {
  const out = new Map<string, CompiledPolicy>();
  for (const p of policies) {
    const seen = out.get(p.programme);
    if (!seen || seen.effectiveFrom < p.effectiveFrom) out.set(p.programme, p);
  }
  return out;
}

function variantsOf(
  input: ParsedSimulationInput,
  policies: readonly CompiledPolicy[],
  loans: readonly RiskLoan[],
): PolicyVariant[] {
  const latest = latestPolicies(policies);
  return (input.variants ?? [{}]).map((v, i) => {
    const overrides = {
      ...(v.ratio !== undefined ? { ratioBp: v.ratio } : {}),
      ...(v.capPerLoan !== undefined ? { capPerLoan: v.capPerLoan } : {}),
    };
    const edits = [
      v.ratio !== undefined ? `ratio ${v.ratio / 100}%` : '',
      v.capPerLoan === null ? 'no cap' : v.capPerLoan !== undefined ? `cap ${v.capPerLoan / 100n}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    if (v.programme === undefined) {
      const missing = loans.find((l) => !l.filedTerms);
      if (missing)
        throw new RiskInputError(
          `variants[${i}]`,
          `the terms as filed need a ratio for every loan (loan ${missing.id} has none); name a programme instead`,
        );
      return asFiledVariant(v.id ?? (edits ? `as filed, ${edits}` : 'as filed'), overrides);
    }
    const policy = latest.get(v.programme);
    if (!policy)
      throw new RiskInputError(
        `variants[${i}].programme`,
        `unknown programme ${v.programme} (known: ${[...latest.keys()].join(', ')})`,
      );
    return policyVariant(policy, overrides, v.id ?? (edits ? `${v.programme}, ${edits}` : v.programme));
  });
}

export async function prepareSimulation({
  input,
  policies,
  loadBook,
  today = () => beijingToday(),
}: {
  input: unknown;
  policies: readonly CompiledPolicy[];
  loadBook?: BookLoader;
  today?: () => string;
}): Promise<PreparedSimulation> {
  const parsed = simulationInput.safeParse(input);
  if (!parsed.success) throw new SimulationInputError(fieldErrorsOf(parsed.error, input));
  const req = parsed.data;
  try {
    let loans: RiskLoan[];
    if (req.portfolio.source === 'csv') loans = parsePortfolioCsv(req.portfolio.csv, 'portfolio.csv');
    else {
      if (!loadBook)
        throw new RiskInputError('portfolio.source', 'the live book is not available here; give a CSV portfolio');
      loans = await loadBook({ ...(req.portfolio.fundId ? { fundId: req.portfolio.fundId } : {}), asOf: today() });
      if (loans.length === 0)
        throw new RiskInputError(
          'portfolio',
          `the book has no active loans${req.portfolio.fundId ? ` in fund ${req.portfolio.fundId}` : ''}`,
        );
    }
    let pdByGrade: Record<string, number> = req.pdByGrade;
    let pd: PdEstimate[] | undefined;
    if (req.pd === 'history') {
      if (req.portfolio.source !== 'book' || !loadBook?.history)
        throw new RiskInputError(
          'pd',
          'a PD from history needs the live book ({ "source": "book" }); a CSV portfolio has no history',
        );
      const grades = [...new Set(loans.map((l) => l.grade))].sort();
      const histories = gradeHistories(
        await loadBook.history(req.portfolio.fundId ? { fundId: req.portfolio.fundId } : {}),
        today(),
      );
      pd = estimatePds(histories, { grades, managerPd: req.pdByGrade });
      pdByGrade = Object.fromEntries(pd.map((e) => [e.grade, e.pd]));
    }
    const portfolio = buildPortfolio({ loans, variants: variantsOf(req, policies, loans), pdByGrade });
    const duplicate = portfolio.variants.find((v, i) => portfolio.variants.indexOf(v) !== i);
    if (duplicate) throw new RiskInputError('variants', `two variants are named ${duplicate}; give them ids`);
    if (req.copula.kind === 't' && req.copula.nu === undefined)
      throw new RiskInputError('copula.nu', 'is needed for the t copula');
    if (req.pdUncertainty && !pd)
      throw new RiskInputError(
        'pdUncertainty',
        'needs PDs from history (pd "history"): the uncertainty is that of the estimate',
      );
    const spec: MonteCarloSpec = {
      factors: req.correlation,
      seed: req.seed,
      scenarios: req.scenarios,
      years: req.years,
      shift: req.importanceShift,
      ...(req.copula.kind === 't' ? { copula: { kind: 't' as const, nu: req.copula.nu! } } : {}),
      ...(req.pdUncertainty && pd ? { pdPosterior: pdPosteriors(portfolio, pd) } : {}),
      ...(req.factorPersistence !== 0 ? { factorPersistence: req.factorPersistence } : {}),
    };
    const fund: FundPlan | undefined = req.fund && {
      cash: Number(req.fund.cash),
      ...(req.fund.topUps ? { topUps: req.fund.topUps.map(Number) } : {}),
      ...(req.fund.recoveryRate !== undefined ? { recoveryRate: req.fund.recoveryRate } : {}),
      ...(req.fund.recoveryDelayYears !== undefined ? { recoveryDelayYears: req.fund.recoveryDelayYears } : {}),
    };
    if (req.fundRules) {
      if (!fund) throw new RiskInputError('fundRules', 'needs a fund plan (fund.cash) to pay the claims from');
      if (req.topUp)
        throw new RiskInputError('topUp', "is solved on the year's totals; not with the fund's rules (fundRules) on");
      spec.fundRules = await fundRulesOf({
        rules: req.fundRules,
        plan: fund,
        policies: relevantPolicies(policies, loans, req),
        ...(req.portfolio.source === 'book' && loadBook?.filingRate
          ? {
              filingRate: () =>
                loadBook.filingRate!({
                  ...(req.portfolio.source === 'book' && req.portfolio.fundId ? { fundId: req.portfolio.fundId } : {}),
                  asOf: today(),
                }),
            }
          : {}),
      });
      checkFundRules(portfolio, spec.fundRules);
    }
    return {
      portfolio,
      spec,
      creditRiskPlus: req.creditRiskPlus,
      ...(fund ? { fund } : {}),
      ...(pd ? { pd } : {}),
      ...stressOf(req, portfolio, spec, fund),
      ...(req.portfolio.source === 'book' && loadBook?.names ? { nameLoans: loadBook.names } : {}),
    };
  } catch (e) {
    if (e instanceof RiskInputError) throw new SimulationInputError([simulationErrors.riskInput(e)]);
    throw e;
  }
}

/**
 * Runs the simulation and builds its report; then each stress scenario (a re-run with the same
 * seed, its figures summarised by `summarizeStress`) and the reverse stress (a re-run per bisection
 * step). The top-up is solved inside the report, on the run's own scenarios. Progress counts the
 * scenarios of every run (the reverse stress's at most, as its bisection may stop early).
 */
export async function runSimulation({
  prepared,
  runScenarios,
  buildReport = buildReportHere,
  summarizeStress = stressFigures,
  onProgress,
}: {
  prepared: PreparedSimulation;
  runScenarios: ScenarioRunner;
  buildReport?: ReportBuilder;
  summarizeStress?: StressSummarizer;
  onProgress?: (done: number, total: number) => void;
}): Promise<SimulationReport> {
  const { portfolio, spec, fund, stress = [], reverseStress, topUp } = prepared;
  const reverseRuns = reverseStress ? reverseStressEvaluations(reverseStress, reverseBaseline(prepared)) : 0;
  const models = modelsOf(spec.copula, spec.pdPosterior !== undefined);
  const runs = 1 + stress.length + reverseRuns + Math.max(0, models.length - 1);
  const S = spec.scenarios;
  let done = 0;
  const run = async (p: Portfolio, s: MonteCarloSpec) => {
    const block = await runScenarios(p, s, onProgress ? { onProgress: (d) => onProgress(done * S + d, runs * S) } : {});
    done++;
    return block;
  };
  const block = await run(portfolio, spec);
  // P at the baseline for the reverse stress over the PD, before the report takes the block
  const atBaseline =
    reverseStress && fund && reverseStress.over === 'pd'
      ? exhaustionWithin(block, 0, fund, reverseStress.years)
      : undefined;
  const report = await buildReport({
    portfolio,
    spec,
    block,
    creditRiskPlus: prepared.creditRiskPlus,
    ...(fund ? { fund } : {}),
    ...(prepared.pd ? { pd: prepared.pd } : {}),
    ...(topUp ? { topUp } : {}),
  });
  let table: StressRow[] | undefined;
  if (stress.length > 0) {
    table = [baselineStressRow(report)];
    for (const s of stress) {
      const { id, ...applied } = s;
      const b = await run(stressPortfolio(portfolio, s), { ...spec, factors: stressFactors(spec.factors, s) });
      table.push({
        id,
        stress: applied,
        variants: await summarizeStress({
          variants: portfolio.variants,
          block: b,
          ...(fund ? { fund } : {}),
          levels: LEVELS,
        }),
      });
    }
  }
  const reverse =
    reverseStress && fund
      ? await solveReverseStress({
          spec: reverseStress,
          baseline: reverseBaseline(prepared),
          variant: portfolio.variants[0]!,
          ...(atBaseline ? { atBaseline } : {}),
          probability: async (x) => {
            const b =
              reverseStress.over === 'pd'
                ? await run(stressPortfolio(portfolio, { pdMultiplier: x }), spec)
                : await run(portfolio, { ...spec, factors: stressFactors(spec.factors, { rho: x }) });
            return exhaustionWithin(b, 0, fund, reverseStress.years);
          },
        })
      : undefined;
  // model risk: the other models on the same book and seed; the run itself is the last of them
  let modelRisk: SimulationReport['modelRisk'];
  if (models.length > 0) {
    const rows: { id: ModelId; variants: StressFigures[] }[] = [];
    for (const id of models.slice(0, -1)) {
      const { copula: _c, pdPosterior: _p, ...gaussian } = spec;
      const s: MonteCarloSpec = {
        ...gaussian,
        ...(id.startsWith('t') ? { copula: spec.copula! } : {}),
        ...(id.endsWith('pd-uncertainty') ? { pdPosterior: spec.pdPosterior! } : {}),
      };
      const b = await run(portfolio, s);
      rows.push({
        id,
        variants: await summarizeStress({
          variants: portfolio.variants,
          block: b,
          ...(fund ? { fund } : {}),
          levels: LEVELS,
        }),
      });
    }
    rows.push({ id: models[models.length - 1]!, variants: baselineStressRow(report).variants });
    modelRisk = modelRiskTable(rows, spec.copula);
  }
  onProgress?.(runs * S, runs * S);
  return {
    ...(prepared.nameLoans ? await withLoanNames(report, prepared.nameLoans) : report),
    ...(table ? { stress: table } : {}),
    ...(reverse ? { reverseStress: reverse } : {}),
    ...(modelRisk ? { modelRisk } : {}),
  };
}

/** The report's largest loans with their loan numbers and borrowers, read once for every variant. */
async function withLoanNames(
  report: SimulationReport,
  nameLoans: NonNullable<PreparedSimulation['nameLoans']>,
): Promise<SimulationReport> {
  const names = await nameLoans([
    ...new Set(report.variants.flatMap((v) => v.contributions.topLoans.map((l) => l.key))),
  ]);
  return {
    ...report,
    variants: report.variants.map((v) => ({
      ...v,
      contributions: {
        ...v.contributions,
        topLoans: v.contributions.topLoans.map((l) => ({ ...l, ...names.get(l.key) })),
      },
    })),
  };
}

/** The programmes whose rules (G4, R23) a run of the book follows: the loans', else the variants', else every one's newest. */
function relevantPolicies(
  policies: readonly CompiledPolicy[],
  loans: readonly RiskLoan[],
  req: ParsedSimulationInput,
): CompiledPolicy[] {
  const latest = latestPolicies(policies);
  const named = new Set<string>(loans.flatMap((l) => (l.programme ? [l.programme] : [])));
  for (const v of req.variants ?? []) if (v.programme) named.add(v.programme);
  const found = [...named].flatMap((id) => (latest.has(id) ? [latest.get(id)!] : []));
  return found.length > 0 ? found : [...latest.values()];
}

/** Working days in a year, for a review given in working days (China: 365 − weekends − 11 public holidays + make-up days ≈ 250). */
export const WORKING_DAYS_PER_YEAR = 250;

/**
 * The fund's rules of a request: the breaker's thresholds are the strictest of the programmes'
 * (G4, as the claims module applies them), the review the slowest programme's: the claim's
 * decision SLA or its sign-off stages (R23), whichever is longer.
 */
async function fundRulesOf({
  rules,
  plan,
  policies,
  filingRate,
}: {
  rules: NonNullable<ParsedSimulationInput['fundRules']>;
  plan: FundPlan;
  policies: readonly CompiledPolicy[];
  filingRate?: () => Promise<number>;
}): Promise<FundRules> {
  let newFilingsPerYear: number;
  if (rules.newFilings === 'history') {
    if (!filingRate)
      throw new RiskInputError(
        'fundRules.newFilings',
        'the book\'s own filing volume needs the live book ({ "source": "book" }); give a share instead',
      );
    newFilingsPerYear = await filingRate();
  } else newFilingsPerYear = rules.newFilings;
  const r = rules.review;
  const reviewYears =
    r === undefined
      ? 0
      : r === 'policy'
        ? Math.max(
            ...policies.map((p) =>
              Math.max(
                DECISION_WORKING_DAYS,
                p.claimStages.reduce((t, st) => t + st.workingDays, 0),
              ),
            ),
          ) / WORKING_DAYS_PER_YEAR
        : 'months' in r
          ? r.months / 12
          : r.workingDays / WORKING_DAYS_PER_YEAR;
  if (rules.breaker && policies.length === 0)
    throw new RiskInputError('fundRules.breaker', 'no programme is loaded to take the thresholds (G4) from');
  return {
    plan,
    runOff: rules.runOff,
    newFilingsPerYear,
    reviewYears,
    ...(rules.breaker
      ? {
          breaker: {
            claimRatioAboveBp: Math.min(...policies.map((p) => p.circuitBreaker.claimRatioAboveBp)),
            netCompensationAbove: Number(
              policies.map((p) => p.circuitBreaker.netCompensationAbove).reduce((a, b) => (a < b ? a : b)),
            ),
          },
        }
      : {}),
    ...(rules.pdByYearOfLife ? { pdByYearOfLife: rules.pdByYearOfLife } : {}),
  };
}

/** The reverse stress's parameter today: PD multiplier 1, or the run's correlation. */
function reverseBaseline(p: PreparedSimulation): number {
  return p.reverseStress?.over === 'correlation' ? p.spec.factors.rho : 1;
}

/**
 * Use cases of the fund risk simulator: turn a request (a CSV portfolio or the live book, PDs per
 * grade, policy variants, the model) into a portfolio and a Monte Carlo spec, then run it and
 * report. The scenario runner is passed in (worker threads in the app and the CLI).
 */
import type { CompiledPolicy } from '../../core/policy';
import { allIssues } from '../../core/policy';
import {
  asFiledVariant,
  buildPortfolio,
  buildReport,
  estimatePds,
  gradeHistories,
  policyVariant,
  RiskInputError,
  type CreditRiskPlusModel,
  type FundPlan,
  type MonteCarloSpec,
  type PdEstimate,
  type PolicyVariant,
  type Portfolio,
  type RiskLoan,
  type ScenarioBlock,
  type SimulationReport,
} from '../../core/risk';
import { beijingToday } from '../shared/clock';
import type { FieldError } from '../shared/problem';
import type { BookLoader } from './book.repository';
import { parsePortfolioCsv } from './portfolio-csv';
import { simulationInput, type ParsedSimulationInput } from './simulation.schemas';

export class SimulationInputError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'SimulationInputError';
  }
}

export type ScenarioRunner = (
  portfolio: Portfolio,
  spec: MonteCarloSpec,
  opts: { onProgress?: (done: number, total: number) => void },
) => Promise<ScenarioBlock>;

export interface PreparedSimulation {
  portfolio: Portfolio;
  spec: MonteCarloSpec;
  fund?: FundPlan;
  creditRiskPlus: CreditRiskPlusModel;
  /** Where each grade's PD came from, when estimated from history. */
  pd?: PdEstimate[];
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
  if (!parsed.success) throw new SimulationInputError(allIssues(parsed.error));
  const req = parsed.data;
  try {
    let loans: RiskLoan[];
    if (req.portfolio.source === 'csv') loans = parsePortfolioCsv(req.portfolio.csv, 'portfolio.csv');
    else {
      if (!loadBook)
        throw new RiskInputError('portfolio.source', 'the live book is not available here; give a CSV portfolio');
      loans = await loadBook(req.portfolio.fundId ? { fundId: req.portfolio.fundId } : {});
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
    const spec: MonteCarloSpec = {
      factors: req.correlation,
      seed: req.seed,
      scenarios: req.scenarios,
      years: req.years,
      shift: req.importanceShift,
    };
    const fund: FundPlan | undefined = req.fund && {
      cash: Number(req.fund.cash),
      ...(req.fund.topUps ? { topUps: req.fund.topUps.map(Number) } : {}),
      ...(req.fund.recoveryRate !== undefined ? { recoveryRate: req.fund.recoveryRate } : {}),
      ...(req.fund.recoveryDelayYears !== undefined ? { recoveryDelayYears: req.fund.recoveryDelayYears } : {}),
    };
    return { portfolio, spec, creditRiskPlus: req.creditRiskPlus, ...(fund ? { fund } : {}), ...(pd ? { pd } : {}) };
  } catch (e) {
    if (e instanceof RiskInputError)
      throw new SimulationInputError([{ field: e.field, message: e.message.slice(e.field.length + 2) }]);
    throw e;
  }
}

export async function runSimulation({
  prepared,
  runScenarios,
  onProgress,
}: {
  prepared: PreparedSimulation;
  runScenarios: ScenarioRunner;
  onProgress?: (done: number, total: number) => void;
}): Promise<SimulationReport> {
  const block = await runScenarios(prepared.portfolio, prepared.spec, onProgress ? { onProgress } : {});
  return buildReport({
    portfolio: prepared.portfolio,
    spec: prepared.spec,
    block,
    creditRiskPlus: prepared.creditRiskPlus,
    ...(prepared.fund ? { fund: prepared.fund } : {}),
    ...(prepared.pd ? { pd: prepared.pd } : {}),
  });
}

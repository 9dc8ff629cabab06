/**
 * Turns a policy file into a compiled policy: values parsed by their fact's type, every rule a
 * closure over the operator table. Compiling once keeps evaluation cheap (re-judging a whole
 * portfolio under a new policy is a real job).
 */
import type { z } from 'zod';
import { isIsoDate, type IsoDate } from '../calendar/dates';
import type { WorkingCalendar } from '../calendar/working-days';
import { parseRate, parseYuan, type BasisPoints, type Fen, type Rounding } from '../money/money';
import { FACTS, QUALIFICATION_KINDS, type FactName, type FactType, type LoanCase } from './facts';
import { OPERATORS, type OperandValue, type Operator, type OperatorName, type Scalar } from './operators';
import {
  policyFileSchema,
  RETURN_WORKING_DAYS_DEFAULT,
  type ParsedPolicyFile,
  type STAGE_ROLES,
} from './policy.schema';
import { allIssues } from './zod-fields';
import type { Bilingual } from '../text';

/** A policy file's text in both languages (core/text.ts). */
export type I18n = Bilingual;
export type StageRole = (typeof STAGE_ROLES)[number];

/** R23's default: one sign-off after preparation, by a manager or reviewer (the checker), within 5 working days. */
export const DEFAULT_STAGE = {
  id: 'approval',
  title: { zh: '复核批准', en: 'Approval' },
  by: ['manager', 'reviewer'] as StageRole[],
  workingDays: 5,
  cites: ['R18', 'R23'],
};

export interface CompiledCondition {
  fact: FactName;
  op: OperatorName;
  value: OperandValue;
  ref?: FactName;
  test: (c: LoanCase) => boolean;
}

export interface CompiledRule extends CompiledCondition {
  id: string;
  cites: string[];
  when?: CompiledCondition;
  message: I18n;
  quote?: string;
}

export interface CompiledUplift {
  id: string;
  cites: string[];
  when: CompiledCondition;
  addBp: BasisPoints;
  message: I18n;
}

export interface CompiledPolicy {
  programme: string;
  version: string;
  title: I18n;
  effectiveFrom: IsoDate;
  effectiveTo: IsoDate | null;
  rules: CompiledRule[];
  compensation: {
    baseBp: BasisPoints;
    baseCites: string[];
    baseMessage: I18n;
    uplifts: CompiledUplift[];
    maxBp: BasisPoints;
    capPerLoan?: Fen;
    riskSharing: { fundCoversBankShareUpToBp: BasisPoints; cites: string[]; message: I18n } | null;
    rounding: Rounding;
    roundingCites: string[];
  };
  limits: { liabilityMultipleBp: number; perEnterprisePerBank: Fen | null };
  circuitBreaker: { claimRatioAboveBp: BasisPoints; netCompensationAbove: Fen };
  nonPerforming: { overdueDaysAbove: number; classifications: string[] };
  /** R8, R19: whether the bank's costs of recovering come off what is shared with the fund. */
  recoveries: { costsDeducted: boolean };
  /** The dossier a claim needs (申请材料), in the file's order. */
  claimMaterials: { id: string; title: I18n; required: boolean; cites: string[]; note?: I18n }[];
  /** The sign-offs a prepared claim needs, in order; the last approves it (R23). Never empty. */
  claimStages: { id: string; title: I18n; by: StageRole[]; workingDays: number; cites: string[] }[];
  /** The working days a bank has to complete a claim sent back to it (退回补正, R21). */
  returnWorkingDays: number;
  /** The due-diligence findings that cut a claim's compensation (尽职审查, R22), each cut in basis points. */
  dueDiligence: { id: string; title: I18n; cutBp: BasisPoints; cites: string[]; note?: I18n }[];
  /** The file as written, for display and diffs. */
  source: ParsedPolicyFile;
  /** The working days its deadlines are counted on (G6): the calendar in force when it was compiled. */
  calendar: WorkingCalendar;
}

export class PolicyFileError extends Error {
  constructor(readonly issues: { field: string; message: string }[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'PolicyFileError';
  }
}

type Issues = { field: string; message: string }[];

function parseTyped(type: FactType, raw: unknown, field: string, issues: Issues): Scalar | undefined {
  try {
    switch (type) {
      case 'boolean':
        if (typeof raw === 'boolean') return raw;
        break;
      case 'string':
        if (typeof raw === 'string' && raw) return raw;
        break;
      case 'money':
        if (typeof raw === 'string') return parseYuan(raw);
        break;
      case 'rate':
        if (typeof raw === 'string') return parseRate(raw);
        break;
      case 'date':
        if (isIsoDate(raw)) return raw;
        break;
      default:
        break;
    }
  } catch (e) {
    issues.push({ field, message: (e as Error).message });
    return undefined;
  }
  issues.push({ field, message: `must be a ${type} value` });
  return undefined;
}

function parseOperand(
  op: Operator,
  type: FactType,
  raw: unknown,
  field: string,
  issues: Issues,
): OperandValue | undefined {
  switch (op.value) {
    case 'same':
      return parseTyped(type, raw, field, issues);
    case 'list':
      if (!Array.isArray(raw) || raw.length === 0) {
        issues.push({ field, message: 'must be a non-empty list' });
        return undefined;
      }
      return raw
        .map((r, i) => parseTyped(type, r, `${field}[${i}]`, issues))
        .filter((v): v is Scalar => v !== undefined);
    case 'working-days':
      if (Number.isInteger(raw) && (raw as number) >= 0) return raw as number;
      issues.push({ field, message: 'must be a whole number of working days' });
      return undefined;
    case 'qualification-kinds':
      if (
        Array.isArray(raw) &&
        raw.length > 0 &&
        raw.every((k) => (QUALIFICATION_KINDS as readonly unknown[]).includes(k))
      )
        return raw as string[];
      issues.push({ field, message: `must be a non-empty list of ${QUALIFICATION_KINDS.join(', ')}` });
      return undefined;
  }
}

function compileCondition(
  c: { fact: FactName; op: OperatorName; value: unknown; ref?: FactName | undefined },
  field: string,
  issues: Issues,
  calendar: WorkingCalendar,
): CompiledCondition {
  const op: Operator = OPERATORS[c.op];
  const fact = FACTS[c.fact];
  if (!op.types.includes(fact.type))
    issues.push({ field: `${field}.op`, message: `${c.op} does not apply to ${c.fact} (a ${fact.type})` });
  if (op.ref && (!c.ref || FACTS[c.ref].type !== op.ref))
    issues.push({ field: `${field}.ref`, message: `${c.op} needs ref naming a ${op.ref} fact` });
  if (!op.ref && c.ref) issues.push({ field: `${field}.ref`, message: `${c.op} takes no ref` });
  const value = parseOperand(op, fact.type, c.value, `${field}.value`, issues) ?? false;
  const get = fact.get;
  const getRef = c.ref ? FACTS[c.ref].get : () => undefined;
  return {
    fact: c.fact,
    op: c.op,
    value,
    ...(c.ref ? { ref: c.ref } : {}),
    test: (lc) => op.test(get(lc), value, getRef(lc), calendar),
  };
}

function bp(raw: string, field: string, issues: Issues, max = 10_000): BasisPoints {
  const [whole = '0', frac = ''] = raw.split('.');
  if (frac.length > 4) {
    issues.push({ field, message: 'at most four decimals (basis points)' });
    return 0;
  }
  const value = Number(whole) * 10_000 + Number(frac.padEnd(4, '0'));
  if (value > max) issues.push({ field, message: `must not exceed ${max / 10_000}` });
  return value;
}

function money(raw: string | null, field: string, issues: Issues): Fen | undefined {
  if (raw === null) return undefined;
  try {
    return parseYuan(raw);
  } catch (e) {
    issues.push({ field, message: (e as Error).message });
    return undefined;
  }
}

/**
 * Every {name} in a message must be one its renderer fills: a misspelt placeholder would otherwise
 * reach banks as written. What a rule's message may show depends on its condition.
 */
function checkPlaceholders(message: I18n, allowed: readonly string[], field: string, issues: Issues): void {
  for (const lang of ['zh', 'en'] as const) {
    for (const [, name] of message[lang].matchAll(/\{(\w+)\}/g)) {
      if (!allowed.includes(name!))
        issues.push({
          field: `${field}.message.${lang}`,
          message: `unknown placeholder {${name}}; this message may use ${allowed.map((a) => `{${a}}`).join(', ')}`,
        });
    }
  }
}

function conditionPlaceholders(c: { op: string; ref?: string | undefined }): string[] {
  return ['actual', 'value', ...(c.ref ? ['ref'] : []), ...(c.op === 'withinWorkingDaysAfter' ? ['deadline'] : [])];
}

/**
 * A policy file as the engine runs it, or every issue with it. `stored`: a revision accepted before
 * (R3: never edited) is compiled as it was then, without checks added since (its messages'
 * placeholders), so that a newer check never stops a server holding an older revision.
 */
export function compilePolicy(
  file: unknown,
  { calendar, stored = false }: { calendar: WorkingCalendar; stored?: boolean },
): CompiledPolicy {
  const parsed = policyFileSchema.safeParse(file);
  if (!parsed.success) throw new PolicyFileError(allIssues(parsed.error as z.ZodError));
  const p = parsed.data;
  const issues: Issues = [];
  const ids = new Set<string>();
  const rules = p.eligibility.map((r, i): CompiledRule => {
    if (ids.has(r.id)) issues.push({ field: `eligibility[${i}].id`, message: `duplicate rule id ${r.id}` });
    ids.add(r.id);
    const when = r.when ? compileCondition(r.when, `eligibility[${i}].when`, issues, calendar) : undefined;
    return {
      ...compileCondition(r, `eligibility[${i}]`, issues, calendar),
      id: r.id,
      cites: r.cites,
      ...(when ? { when } : {}),
      message: r.message,
      ...(r.quote ? { quote: r.quote } : {}),
    };
  });
  const c = p.compensation;
  if (!stored) {
    p.eligibility.forEach((r, i) =>
      checkPlaceholders(r.message, conditionPlaceholders(r), `eligibility[${i}]`, issues),
    );
    c.uplifts.forEach((u, i) =>
      checkPlaceholders(
        u.message,
        [...conditionPlaceholders(u.when), 'add', 'applied'],
        `compensation.uplifts[${i}]`,
        issues,
      ),
    );
    checkPlaceholders(c.base.message, ['ratio'], 'compensation.base', issues);
    if (c.riskSharing)
      checkPlaceholders(c.riskSharing.message, ['bankShare', 'ratio', 'cap'], 'compensation.riskSharing', issues);
  }
  const compiled: CompiledPolicy = {
    programme: p.programme,
    version: p.version,
    title: p.title,
    effectiveFrom: p.effectiveFrom,
    effectiveTo: p.effectiveTo,
    rules,
    compensation: {
      baseBp: bp(c.base.ratio, 'compensation.base.ratio', issues),
      baseCites: c.base.cites,
      baseMessage: c.base.message,
      uplifts: c.uplifts.map((u, i) => ({
        id: u.id,
        cites: u.cites,
        when: compileCondition(u.when, `compensation.uplifts[${i}].when`, issues, calendar),
        addBp: bp(u.add, `compensation.uplifts[${i}].add`, issues),
        message: u.message,
      })),
      maxBp: c.maxRatio ? bp(c.maxRatio, 'compensation.maxRatio', issues) : 10_000,
      ...(c.capPerLoan ? { capPerLoan: money(c.capPerLoan, 'compensation.capPerLoan', issues)! } : {}),
      riskSharing: c.riskSharing
        ? {
            fundCoversBankShareUpToBp: bp(
              c.riskSharing.fundCoversBankShareUpTo,
              'compensation.riskSharing.fundCoversBankShareUpTo',
              issues,
            ),
            cites: c.riskSharing.cites,
            message: c.riskSharing.message,
          }
        : null,
      rounding: c.rounding.mode,
      roundingCites: c.rounding.cites,
    },
    limits: {
      liabilityMultipleBp: bp(
        p.limits.liabilityMultiple.value,
        'limits.liabilityMultiple.value',
        issues,
        10_000 * 1000,
      ),
      perEnterprisePerBank:
        money(p.limits.perEnterprisePerBank?.value ?? null, 'limits.perEnterprisePerBank.value', issues) ?? null,
    },
    circuitBreaker: {
      claimRatioAboveBp: bp(p.circuitBreaker.claimRatioAbove, 'circuitBreaker.claimRatioAbove', issues),
      netCompensationAbove:
        money(p.circuitBreaker.netCompensationAbove, 'circuitBreaker.netCompensationAbove', issues) ?? 0n,
    },
    nonPerforming: p.nonPerforming,
    recoveries: { costsDeducted: p.recoveries?.costsDeducted ?? false },
    claimMaterials: p.claimMaterials.map((m) => ({
      id: m.id,
      title: m.title,
      required: m.required,
      cites: m.cites ?? [],
      ...(m.note ? { note: m.note } : {}),
    })),
    claimStages: (p.claimWorkflow?.stages ?? [DEFAULT_STAGE]).map((st) => ({
      id: st.id,
      title: st.title,
      by: [...st.by],
      workingDays: st.workingDays,
      cites: st.cites ?? [],
    })),
    returnWorkingDays: p.claimWorkflow?.returnWorkingDays ?? RETURN_WORKING_DAYS_DEFAULT,
    dueDiligence: p.dueDiligence.map((d, i) => ({
      id: d.id,
      title: d.title,
      cutBp: bp(d.cut, `dueDiligence[${i}].cut`, issues),
      cites: d.cites ?? [],
      ...(d.note ? { note: d.note } : {}),
    })),
    source: p,
    calendar,
  };
  const materialIds = new Set<string>();
  p.claimMaterials.forEach((m, i) => {
    if (materialIds.has(m.id)) issues.push({ field: `claimMaterials[${i}].id`, message: `duplicate item id ${m.id}` });
    materialIds.add(m.id);
  });
  const stageIds = new Set<string>();
  (p.claimWorkflow?.stages ?? []).forEach((st, i) => {
    if (stageIds.has(st.id))
      issues.push({ field: `claimWorkflow.stages[${i}].id`, message: `duplicate stage id ${st.id}` });
    stageIds.add(st.id);
  });
  const findingIds = new Set<string>();
  p.dueDiligence.forEach((d, i) => {
    if (findingIds.has(d.id)) issues.push({ field: `dueDiligence[${i}].id`, message: `duplicate finding id ${d.id}` });
    findingIds.add(d.id);
    if (compiled.dueDiligence[i]!.cutBp === 0)
      issues.push({
        field: `dueDiligence[${i}].cut`,
        message: 'must be more than 0 (a finding that cuts nothing is not one)',
      });
  });
  if (p.effectiveTo !== null && p.effectiveTo <= p.effectiveFrom)
    issues.push({ field: 'effectiveTo', message: 'must be after effectiveFrom' });
  if (issues.length) throw new PolicyFileError(issues);
  return compiled;
}

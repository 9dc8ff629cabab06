/**
 * The oracle for drizzle/0034: core/policy/render.ts as it was before decisions were split into a
 * template and values (commit c2a2e1d), kept verbatim so the decisions read back can be compared
 * with what the code stored whole.
 */
import { CalendarRangeError, type WorkingCalendar } from '../../src/core/calendar';
import { formatRate, formatYuan, formatYuanGrouped } from '../../src/core/money/money';
import type { CompiledCondition } from '../../src/core/policy/compile';
import type { Decision, Reason } from '../../src/core/policy/evaluate';
import { FACTS, type FactType, type FactValue, type LoanCase, type Qualification } from '../../src/core/policy/facts';
import type { OperandValue } from '../../src/core/policy/operators';
import { label, type Lang } from '../../src/core/policy/labels';
import type { Bilingual } from '../../src/core/text';

/** One rule's outcome for a case, its text in Chinese and English (`zh`, `en`). */
export interface RenderedReason extends Bilingual {
  rule: string;
  /** The POLICY.md id the rule rests on first; `cites` lists them all. */
  fact: string;
  cites: string[];
  ok: boolean;
  /** For rules with a condition and for uplifts: whether it applied to this case. */
  applies?: boolean;
}

export interface RenderedDecision {
  programme: string;
  policyVersion: string;
  eligible: boolean;
  reasons: RenderedReason[];
  ratio: string;
  compensation?: string;
  parties?: { party: string; share: string; amount: string }[];
}

function show(value: FactValue | OperandValue, type: string, lang: Lang): string {
  if (value === undefined) return lang === 'zh' ? '（无）' : '(none)';
  if (Array.isArray(value)) {
    if (type === 'qualifications') {
      const qs = value as Qualification[];
      if (qs.length === 0) return lang === 'zh' ? '无' : 'none';
      return qs.map((q) => `${label(q.kind, lang)} ${q.validFrom}~${q.validTo}`).join(lang === 'zh' ? '；' : '; ');
    }
    return (value as OperandValue[]).map((v) => show(v as FactValue, type, lang)).join(lang === 'zh' ? '、' : ', ');
  }
  switch (type) {
    case 'money':
      return formatYuanGrouped(value as bigint);
    case 'rate':
      return `${formatRate(value as number)} (${(value as number) / 100}%)`;
    case 'boolean':
      return value ? (lang === 'zh' ? '是' : 'yes') : lang === 'zh' ? '否' : 'no';
    default:
      return typeof value === 'string' ? label(value, lang) : String(value);
  }
}

/**
 * A message template split once at its placeholders, by the pattern messages were filled with
 * before: literal text at even indices, names at odd ones ('a {x} b' → ['a ', 'x', ' b']).
 */
const PLACEHOLDER = /\{(\w+)\}/;
const templates = new Map<string, string[]>();

function pieces(template: string): string[] {
  let p = templates.get(template);
  if (p === undefined) {
    if (templates.size >= 1000) templates.clear(); // policies have a few dozen; a bound all the same
    templates.set(template, (p = template.split(PLACEHOLDER)));
  }
  return p;
}

/** What one condition's message may show about one case, each value worked out only if a template asks for it. */
class Slots {
  private readonly get: (c: LoanCase) => FactValue;
  private readonly type: FactType;
  private readonly ref: FactValue;
  private deadlineTexts: { zh?: string; en?: string } | undefined;

  constructor(
    private readonly cond: CompiledCondition,
    private readonly c: LoanCase,
    private readonly calendar: WorkingCalendar,
    private readonly add?: string,
    private readonly applies?: boolean,
  ) {
    const fact = FACTS[cond.fact];
    this.get = fact.get;
    this.type = fact.type;
    this.ref = cond.ref ? FACTS[cond.ref].get(c) : undefined;
  }

  fill(template: string, lang: Lang): string {
    const p = pieces(template);
    let out = p[0]!;
    for (let i = 1; i < p.length; i += 2) out += this.slot(p[i]!, lang) + p[i + 1]!;
    return out;
  }

  private slot(name: string, lang: Lang): string {
    const cond = this.cond;
    switch (name) {
      case 'actual':
        return show(this.get(this.c), this.type, lang);
      case 'value':
        return valueText(cond, this.type, lang);
      case 'ref':
        return show(this.ref, 'date', lang);
      case 'deadline':
        return ((this.deadlineTexts ??= {})[lang] ??= deadline(this.calendar, this.ref, cond.value, lang));
    }
    if (this.add !== undefined) {
      if (name === 'add') return this.add;
      if (name === 'applied')
        return this.applies ? (lang === 'zh' ? '适用' : 'applies') : lang === 'zh' ? '不适用' : 'does not apply';
    }
    return `{${name}}`; // unreachable from a policy file: compilePolicy refuses unknown placeholders
  }
}

// A condition's value reads the same for every case: shown once per language. Compiled conditions
// are not changed after compiling (their `test` closes over the value too).
const valueTexts = new WeakMap<CompiledCondition, { zh?: string; en?: string }>();

function valueText(cond: CompiledCondition, factType: FactType, lang: Lang): string {
  let texts = valueTexts.get(cond);
  if (texts === undefined) valueTexts.set(cond, (texts = {}));
  return (texts[lang] ??= show(
    cond.value,
    cond.op === 'withinWorkingDaysAfter' ? 'number' : cond.op === 'anyValidOn' ? 'string' : factType,
    lang,
  ));
}

/** A provisional deadline (past the holiday calendar) says so; one before the calendar reads '?'. */
function deadline(calendar: WorkingCalendar, ref: FactValue, days: OperandValue, lang: Lang): string {
  try {
    const d = calendar.workingDayDeadline(ref as string, days as number);
    if (!d.provisional) return d.date;
    return lang === 'zh'
      ? `${d.date}，暂按周末推算，${d.date.slice(0, 4)} 年放假安排未收录`
      : `${d.date}, provisional: weekends only, no ${d.date.slice(0, 4)} holiday notice yet`;
  } catch (e) {
    if (e instanceof CalendarRangeError) return '?';
    throw e;
  }
}

function renderReason(r: Reason, d: Decision, c: LoanCase): RenderedReason {
  const comp = d.policy.compensation;
  switch (r.kind) {
    case 'eligibility': {
      const { rule } = r;
      const slots = new Slots(rule, c, d.policy.calendar);
      const zh = slots.fill(rule.message.zh, 'zh');
      const en = slots.fill(rule.message.en, 'en');
      return rule.when
        ? { rule: rule.id, fact: rule.cites[0]!, cites: rule.cites, ok: r.ok, applies: r.applies, zh, en }
        : { rule: rule.id, fact: rule.cites[0]!, cites: rule.cites, ok: r.ok, zh, en };
    }
    case 'base-ratio': {
      const ratio = `${comp.baseBp / 100}%`;
      return {
        rule: 'base-ratio',
        fact: comp.baseCites[0]!,
        cites: comp.baseCites,
        ok: true,
        zh: comp.baseMessage.zh.replace('{ratio}', ratio),
        en: comp.baseMessage.en.replace('{ratio}', ratio),
      };
    }
    case 'uplift': {
      const { uplift } = r;
      const slots = new Slots(uplift.when, c, d.policy.calendar, `${uplift.addBp / 100}`, r.applies);
      return {
        rule: uplift.id,
        fact: uplift.cites[0]!,
        cites: uplift.cites,
        ok: true,
        applies: r.applies,
        zh: slots.fill(uplift.message.zh, 'zh'),
        en: slots.fill(uplift.message.en, 'en'),
      };
    }
    case 'risk-sharing': {
      const rs = comp.riskSharing!;
      const bankShare = `${r.bankShareBp / 100}%`;
      const ratio = `${r.ratioBp / 100}%`;
      const cap = `${rs.fundCoversBankShareUpToBp / 100}%`;
      return {
        rule: 'risk-sharing-share',
        fact: rs.cites[0]!,
        cites: rs.cites,
        ok: true,
        zh: rs.message.zh.replace('{bankShare}', bankShare).replace('{ratio}', ratio).replace('{cap}', cap),
        en: rs.message.en.replace('{bankShare}', bankShare).replace('{ratio}', ratio).replace('{cap}', cap),
      };
    }
  }
}

export function renderDecision(d: Decision, c: LoanCase): RenderedDecision {
  const out: RenderedDecision = {
    programme: d.policy.programme,
    policyVersion: d.policy.version,
    eligible: d.eligible,
    reasons: d.reasons.map((r) => renderReason(r, d, c)),
    ratio: formatRate(d.terms.ratioBp),
  };
  if (d.compensation) {
    out.compensation = formatYuan(d.compensation.compensation);
    out.parties = d.compensation.parties.map((p) => ({
      party: p.party,
      share: formatRate(p.shareBp),
      amount: formatYuan(p.amount),
    }));
  }
  return out;
}

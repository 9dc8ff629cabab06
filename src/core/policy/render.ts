/** A decision as the public JSON of `backstop evaluate` / `POST /api/evaluate` (DESIGN.md). */
import { CalendarRangeError, type WorkingCalendar } from '../calendar';
import { formatRate, formatYuan, formatYuanGrouped } from '../money/money';
import type { CompiledCondition } from './compile';
import type { Decision, Reason } from './evaluate';
import { FACTS, type FactType, type FactValue, type LoanCase, type Qualification } from './facts';
import type { OperandValue } from './operators';
import { label, type Lang } from './labels';
import type { Bilingual } from '../text';

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

/**
 * A text as stored apart from its loan (drizzle/0034): literal text, and at a number the loan's own
 * value with that index (`['贷款金额 ', 0, ' 元']` with values `['8,000,000.00']`).
 */
export type TemplateText = (string | number)[];
export type TemplateReason = Omit<RenderedReason, 'zh' | 'en'> & { zh: TemplateText; en: TemplateText };
/** A decision with the loan's own values taken out: what many loans share, stored once. */
export type DecisionTemplate = Omit<RenderedDecision, 'reasons'> & { reasons: TemplateReason[] };

/** A rendered decision in two parts: `fillDecision(template, values)` gives it back. */
export interface SplitDecision {
  template: DecisionTemplate;
  values: string[];
}

/**
 * The placeholders whose text is the loan's own (a fact of the case, a date from it, a deadline
 * counted from it); the others read the same for every loan judged by the rule (the rule's value,
 * an uplift's addition, whether it applied) and stay in the template.
 */
const OWN = new Set(['actual', 'ref', 'deadline']);

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

  /** The message with the loan's own values put in `values` (one index per name and text, shared by the two languages). */
  fill(template: string, lang: Lang, values: string[]): TemplateText {
    const p = pieces(template);
    const out = new TextBuilder();
    out.literal(p[0]!);
    for (let i = 1; i < p.length; i += 2) {
      const name = p[i]!;
      const text = this.slot(name, lang);
      if (OWN.has(name)) out.value(this.indexOf(name, text, values));
      else out.literal(text);
      out.literal(p[i + 1]!);
    }
    return out.done();
  }

  private indexes: Map<string, number> | undefined;

  private indexOf(name: string, text: string, values: string[]): number {
    const key = `${name}\u0000${text}`;
    let i = (this.indexes ??= new Map()).get(key);
    if (i === undefined) {
      this.indexes.set(key, (i = values.length));
      values.push(text);
    }
    return i;
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

/** Builds a TemplateText: adjacent literals joined, empty ones left out. */
class TextBuilder {
  private readonly out: TemplateText = [];
  private pending = '';

  literal(s: string): void {
    this.pending += s;
  }

  value(i: number): void {
    if (this.pending) this.out.push(this.pending);
    this.pending = '';
    this.out.push(i);
  }

  done(): TemplateText {
    if (this.pending) this.out.push(this.pending);
    this.pending = '';
    return this.out;
  }
}

/**
 * `message.replace(token, text)` in order (each replaces the first occurrence left, as
 * String.replace does with a string pattern); a number stands for the loan's own value of that index.
 */
function replaced(message: string, parts: [token: string, text: string | number][]): TemplateText {
  let t: TemplateText = [message];
  for (const [token, text] of parts) {
    const at = t.findIndex((p) => typeof p === 'string' && p.includes(token));
    if (at < 0) continue;
    const s = t[at] as string;
    const k = s.indexOf(token);
    const b = new TextBuilder();
    for (const p of t.slice(0, at))
      if (typeof p === 'number') b.value(p);
      else b.literal(p);
    b.literal(s.slice(0, k));
    if (typeof text === 'number') b.value(text);
    else b.literal(text);
    b.literal(s.slice(k + token.length));
    for (const p of t.slice(at + 1))
      if (typeof p === 'number') b.value(p);
      else b.literal(p);
    t = b.done();
  }
  return t;
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

function templateReason(r: Reason, d: Decision, c: LoanCase, values: string[]): TemplateReason {
  const comp = d.policy.compensation;
  switch (r.kind) {
    case 'eligibility': {
      const { rule } = r;
      const slots = new Slots(rule, c, d.policy.calendar);
      const zh = slots.fill(rule.message.zh, 'zh', values);
      const en = slots.fill(rule.message.en, 'en', values);
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
        zh: replaced(comp.baseMessage.zh, [['{ratio}', ratio]]),
        en: replaced(comp.baseMessage.en, [['{ratio}', ratio]]),
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
        zh: slots.fill(uplift.message.zh, 'zh', values),
        en: slots.fill(uplift.message.en, 'en', values),
      };
    }
    case 'risk-sharing': {
      const rs = comp.riskSharing!;
      const bankShare = `${r.bankShareBp / 100}%`;
      const ratio = `${r.ratioBp / 100}%`;
      const cap = `${rs.fundCoversBankShareUpToBp / 100}%`;
      // The loan's share and the ratio it gives: its own values, one each for both languages.
      const parts: [string, string | number][] = [
        ['{bankShare}', values.push(bankShare) - 1],
        ['{ratio}', values.push(ratio) - 1],
        ['{cap}', cap],
      ];
      return {
        rule: 'risk-sharing-share',
        fact: rs.cites[0]!,
        cites: rs.cites,
        ok: true,
        zh: replaced(rs.message.zh, parts),
        en: replaced(rs.message.en, parts),
      };
    }
  }
}

/**
 * The decision as renderDecision gives it, split: the template (rule ids, cites, ok and applies,
 * the texts with the loan's own values taken out, the programme, version, eligibility and ratio)
 * and those values, in order.
 */
export function splitDecision(d: Decision, c: LoanCase): SplitDecision {
  const values: string[] = [];
  const reasons = d.reasons.map((r) => templateReason(r, d, c, values));
  const template: DecisionTemplate = {
    programme: d.policy.programme,
    policyVersion: d.policy.version,
    eligible: d.eligible,
    reasons,
    ratio: formatRate(d.terms.ratioBp),
  };
  if (d.compensation) {
    template.compensation = formatYuan(d.compensation.compensation);
    template.parties = d.compensation.parties.map((p) => ({
      party: p.party,
      share: formatRate(p.shareBp),
      amount: formatYuan(p.amount),
    }));
  }
  return { template, values };
}

function fillText(t: TemplateText, values: readonly string[]): string {
  let s = '';
  for (const p of t) {
    if (typeof p === 'string') s += p;
    else {
      const v = values[p];
      if (v === undefined) throw new Error(`a decision's text names value ${p} of ${values.length}`);
      s += v;
    }
  }
  return s;
}

/**
 * A split decision put back together, its keys in the template's order (a template moved from an
 * older row keeps that row's order): the texts filled, everything else as the template has it.
 */
export function fillDecision(template: DecisionTemplate, values: readonly string[]): RenderedDecision {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(template)) {
    if (k !== 'reasons') out[k] = v;
    else
      out[k] = (v as TemplateReason[]).map((r) => {
        const reason: Record<string, unknown> = {};
        for (const [rk, rv] of Object.entries(r))
          reason[rk] = rk === 'zh' || rk === 'en' ? fillText(rv as TemplateText, values) : rv;
        return reason;
      });
  }
  return out as unknown as RenderedDecision;
}

export function renderDecision(d: Decision, c: LoanCase): RenderedDecision {
  const { template, values } = splitDecision(d, c);
  return fillDecision(template, values);
}

/** A decision as the public JSON of `backstop evaluate` / `POST /api/evaluate` (DESIGN.md). */
import { addWorkingDays, CalendarRangeError } from '../calendar';
import { formatRate, formatYuan, formatYuanGrouped } from '../money/money';
import type { CompiledCondition, I18n } from './compile';
import type { Decision, Reason } from './evaluate';
import { FACTS, type FactValue, type LoanCase, type Qualification } from './facts';
import type { OperandValue } from './operators';
import { label, type Lang } from './labels';

export interface RenderedReason {
  rule: string;
  /** The POLICY.md id the rule rests on first; `cites` lists them all. */
  fact: string;
  cites: string[];
  ok: boolean;
  /** For rules with a condition and for uplifts: whether it applied to this case. */
  applies?: boolean;
  message: string;
  messageEn: string;
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
    case 'money': return formatYuanGrouped(value as bigint);
    case 'rate': return `${formatRate(value as number)} (${(value as number) / 100}%)`;
    case 'boolean': return value ? (lang === 'zh' ? '是' : 'yes') : (lang === 'zh' ? '否' : 'no');
    default: return typeof value === 'string' ? label(value, lang) : String(value);
  }
}

function fill(template: string, cond: CompiledCondition, c: LoanCase, lang: Lang, extra: Record<string, string> = {}): string {
  const fact = FACTS[cond.fact];
  const valueType = cond.op === 'withinWorkingDaysAfter' ? 'number' : cond.op === 'anyValidOn' ? 'string' : fact.type;
  const ref = cond.ref ? FACTS[cond.ref].get(c) : undefined;
  const vars: Record<string, () => string> = {
    actual: () => show(fact.get(c), fact.type, lang),
    value: () => show(cond.value, valueType, lang),
    ref: () => show(ref, 'date', lang),
    deadline: () => {
      try { return addWorkingDays(ref as string, cond.value as number); } catch (e) { if (e instanceof CalendarRangeError) return '?'; throw e; }
    },
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, () => v])),
  };
  return template.replace(/\{(\w+)\}/g, (m, name: string) => vars[name]?.() ?? m);
}

function both(message: I18n, render: (t: string, lang: Lang) => string): { message: string; messageEn: string } {
  return { message: render(message.zh, 'zh'), messageEn: render(message.en, 'en') };
}

function renderReason(r: Reason, d: Decision, c: LoanCase): RenderedReason {
  const comp = d.policy.compensation;
  switch (r.kind) {
    case 'eligibility':
      return {
        rule: r.rule.id, fact: r.rule.cites[0]!, cites: r.rule.cites, ok: r.ok,
        ...(r.rule.when ? { applies: r.applies } : {}),
        ...both(r.rule.message, (t, lang) => fill(t, r.rule, c, lang)),
      };
    case 'base-ratio':
      return { rule: 'base-ratio', fact: comp.baseCites[0]!, cites: comp.baseCites, ok: true, ...both(comp.baseMessage, (t) => t.replace('{ratio}', `${comp.baseBp / 100}%`)) };
    case 'uplift':
      return {
        rule: r.uplift.id, fact: r.uplift.cites[0]!, cites: r.uplift.cites, ok: true, applies: r.applies,
        ...both(r.uplift.message, (t, lang) => fill(t, r.uplift.when, c, lang, {
          add: `${r.uplift.addBp / 100}`,
          applied: r.applies ? (lang === 'zh' ? '适用' : 'applies') : (lang === 'zh' ? '不适用' : 'does not apply'),
        })),
      };
    case 'risk-sharing':
      return {
        rule: 'risk-sharing-share', fact: comp.riskSharing!.cites[0]!, cites: comp.riskSharing!.cites, ok: true,
        ...both(comp.riskSharing!.message, (t) => t.replace('{bankShare}', `${r.bankShareBp / 100}%`).replace('{ratio}', `${r.ratioBp / 100}%`).replace('{cap}', `${comp.riskSharing!.fundCoversBankShareUpToBp / 100}%`)),
      };
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
    out.parties = d.compensation.parties.map((p) => ({ party: p.party, share: formatRate(p.shareBp), amount: formatYuan(p.amount) }));
  }
  return out;
}

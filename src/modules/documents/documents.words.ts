/** The words the printed documents share: amounts in figures and uppercase, statuses, rule results. */
import { CLAIM_STATE_ZH, type ClaimState } from '../../core/claims/claim-state';
import { STATUS_ZH, type LoanStatus } from '../../core/loans/loan-life';
import { formatPercent, formatYuanGrouped, parseRate, parseYuan } from '../../core/money/money';
import { yuanInChineseUppercase } from '../../core/money/uppercase';
import { label } from '../../core/policy';

/** "1200000.00" (the API's yuan) → "1,200,000.00 元". */
export const yuan = (text: string) => `${formatYuanGrouped(parseYuan(text, { allowNegative: true }))} 元`;

/** "1200000.00" → "人民币壹佰贰拾万元整". */
export const yuanUpper = (text: string) => `人民币${yuanInChineseUppercase(parseYuan(text, { allowNegative: true }))}`;

/** Figures and words together, as a form prints an amount: "1,200,000.00 元（人民币壹佰贰拾万元整）". */
export const amount = (text: string) => `${yuan(text)}（${yuanUpper(text)}）`;

/** "0.5" → "50%". */
export const percent = (rate: string) => formatPercent(parseRate(rate));

export const zh = (value: string | null | undefined) => (value ? label(value, 'zh') : '—');

export const loanStatus = (s: string) => STATUS_ZH[s as LoanStatus] ?? s;
export const claimState = (s: string) => CLAIM_STATE_ZH[s as ClaimState] ?? s;

/** A rule's result: 符合 / 不符合, or 适用 / 不适用 for a rule that applies only to some loans. */
export function ruleResult(r: { ok: boolean; applies?: boolean }): string {
  if (r.applies === false) return '不适用';
  if (!r.ok) return '不符合';
  return r.applies === true ? '适用' : '符合';
}

/** "2025-09-01" stays as it is; nothing is "—". */
export const day = (d: string | null | undefined) => d ?? '—';

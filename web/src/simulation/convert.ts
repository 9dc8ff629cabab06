/**
 * Form text → API values. Percentages become decimal strings by string arithmetic ("50" → "0.5")
 * and yuan stay strings; only probabilities (PD, recovery rate, correlation) are numbers, as the
 * API takes them — never money.
 */
import { inLanguage, type FieldError } from '../api/client';
import { isMoney } from '../lib/money';

const PERCENT = /^\d+(\.\d{1,2})?$/;

/** "50" → "0.5", "12.5" → "0.125", "100" → "1"; null when not a percentage with ≤ 2 decimals. */
export function percentToRate(text: string): string | null {
  const s = text.trim().replace(/%$/, '');
  if (!PERCENT.test(s)) return null;
  const [i, f = ''] = s.split('.');
  const full = (i! + f).padStart(f.length + 3, '0');
  const cut = full.length - f.length - 2;
  const whole = full.slice(0, cut).replace(/^0+(?=\d)/, '');
  const frac = full.slice(cut).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

/** A percentage as a probability number (decimal exponent, no float division); null when not one or above 100. */
export function percentToProbability(text: string): number | null {
  const s = text.trim().replace(/%$/, '');
  if (!/^\d+(\.\d{1,4})?$/.test(s)) return null;
  const p = Number(`${s}e-2`);
  return p <= 1 ? p : null;
}

export const cleanMoney = (text: string) => text.trim().replace(/,/g, '');
export const moneyOk = (text: string) => isMoney(text);

/** The first error for an API field name: exact, or any field below it (`x.y`, `x[0]`). */
export function errorFor(errors: readonly FieldError[], field: string): string | undefined {
  const hit =
    errors.find((e) => e.field === field) ??
    errors.find((e) => e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`));
  return hit && inLanguage(hit);
}

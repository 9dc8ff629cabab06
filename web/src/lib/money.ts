/**
 * Money in the browser: the API sends yuan as decimal strings ("8000000.00"). They are formatted
 * with string operations and converted with BigInt — never parsed to a float for arithmetic or
 * display. Only chart series are numbers, derived here from BigInt fen for plotting.
 */

const MONEY = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** Integer fen of a yuan decimal string; null when the string is not money. */
export function toFen(yuan: string | null | undefined): bigint | null {
  const m = MONEY.exec((yuan ?? '').trim().replace(/,/g, ''));
  if (!m) return null;
  const fen = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/** Yuan string with two decimals of integer fen. */
export function fenToYuan(fen: bigint): string {
  const neg = fen < 0n;
  const abs = neg ? -fen : fen;
  return `${neg ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** "8000000" → "8,000,000.00"; anything that is not money is returned as it came (or "—"). */
export function formatYuan(yuan: string | null | undefined): string {
  if (yuan === null || yuan === undefined || yuan === '') return '—';
  const fen = toFen(yuan);
  if (fen === null) return yuan;
  const [int, dec] = fenToYuan(fen).split('.');
  const neg = int!.startsWith('-');
  return `${neg ? '-' : ''}${group(neg ? int!.slice(1) : int!)}.${dec}`;
}

export type ChartUnit = 'wan' | 'yi';
const UNIT_FEN: Record<ChartUnit, bigint> = { wan: 1_000_000n, yi: 10_000_000_000n };

/** 亿 when the largest amount is at least 1 亿 yuan, else 万 — chosen on BigInt fen. */
export function chartUnit(amounts: (string | null | undefined)[]): ChartUnit {
  let max = 0n;
  for (const a of amounts) {
    const f = toFen(a);
    if (f !== null && (f < 0n ? -f : f) > max) max = f < 0n ? -f : f;
  }
  return max >= UNIT_FEN.yi ? 'yi' : 'wan';
}

/**
 * An amount in 万元 or 亿元 as a number FOR PLOTTING ONLY: the quotient is taken in BigInt to four
 * decimals and only then turned into a JS number for ECharts. Never add these up or show them as
 * money; the tables beside each chart show the exact strings.
 */
export function toChartNumber(yuan: string | null | undefined, unit: ChartUnit): number {
  const fen = toFen(yuan);
  if (fen === null) return 0;
  const scaled = (fen * 10_000n) / UNIT_FEN[unit]; // 1/10000 of the unit, exact integer
  return Number(scaled) / 10_000;
}

/** n ÷ d rounded half-up (halves away from zero), in BigInt: the one rounding of displayed figures. */
export function divHalfUp(n: bigint, d: bigint): bigint {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) return divHalfUp(-n, -d);
  const neg = n < 0n;
  const abs = neg ? -n : n;
  const q = (abs * 2n + d) / (2n * d);
  return neg ? -q : q;
}

/** An integer count of 1/10^decimals as a grouped decimal string: (61337n, 2) → "613.37". */
function scaled(units: bigint, decimals: number): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(decimals + 1, '0');
  const int = group(digits.slice(0, digits.length - decimals));
  const dec = decimals ? `.${digits.slice(digits.length - decimals)}` : '';
  return `${neg ? '-' : ''}${int}${dec}`;
}

/**
 * A decimal string × 10^shift, rounded half-up in BigInt to `digits` decimals and grouped:
 * ("18.6951") → "18.70", ("0.035", 2, 2) → "3.50"; null when the string is not a decimal.
 */
export function formatDecimal(text: string, digits = 2, shift = 0): string | null {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const frac = m[3] ?? '';
  const value = BigInt(m[2]! + frac) * (m[1] ? -1n : 1n); // text × 10^frac.length
  return scaled(divHalfUp(value * 10n ** BigInt(digits + shift), 10n ** BigInt(frac.length)), digits);
}

/**
 * A rate string such as "0.035" as a percentage with exactly `digits` decimals, rounded half-up in
 * BigInt: "3.50%". Every percentage in the app goes through here, so they all carry two decimals.
 */
export function formatRate(rate: string | null | undefined, digits = 2): string {
  if (rate === null || rate === undefined || rate === '') return '—';
  const pct = formatDecimal(rate, digits, 2);
  return pct === null ? rate : `${pct}%`;
}

/** Basis points (an integer) as formatRate shows a rate: 3000 → "30.00%". */
export const formatBasisPoints = (bp: number, digits = 2): string =>
  formatRate(`${Math.trunc(bp / 10_000)}.${String(bp % 10_000).padStart(4, '0')}`, digits);

/** a ÷ b of two yuan strings as a percentage with `digits` decimals (BigInt fen, half-up); "—" when b is 0 or not money. */
export function percentOf(a: string | null | undefined, b: string | null | undefined, digits = 2): string {
  const x = toFen(a);
  const y = toFen(b);
  if (x === null || y === null || y === 0n) return '—';
  return `${scaled(divHalfUp(x * 10n ** BigInt(digits + 2), y), digits)}%`;
}

export type AmountUnit = 'yi' | 'wan' | 'bn' | 'm';
/** Yuan in one of each unit. */
const UNIT_YUAN: Record<AmountUnit, bigint> = { yi: 100_000_000n, wan: 10_000n, bn: 1_000_000_000n, m: 1_000_000n };

/** An amount in `unit` to two decimals, rounded half-up on its BigInt fen: ("613369000.00", 'yi') → "6.13". */
export function inUnit(yuan: string | null | undefined, unit: AmountUnit): string | null {
  const fen = toFen(yuan);
  if (fen === null) return null;
  return scaled(divHalfUp(fen, UNIT_YUAN[unit]), 2); // fen ÷ (yuan per unit) = hundredths of the unit
}

/**
 * How a person reads a large amount: 亿元 from 1 亿, 万元 from 1 万 (million / billion in English),
 * the yuan themselves below that. `unit` null means the exact yuan (formatYuan).
 */
export function readableAmount(
  yuan: string | null | undefined,
  lang: string,
): { value: string; unit: AmountUnit | null } | null {
  const fen = toFen(yuan);
  if (fen === null) return null;
  const abs = fen < 0n ? -fen : fen;
  const units: AmountUnit[] = lang.startsWith('zh') ? ['yi', 'wan'] : ['bn', 'm'];
  for (const u of units) if (abs >= UNIT_YUAN[u] * 100n) return { value: inUnit(yuan, u)!, unit: u };
  return { value: formatYuan(yuan), unit: null };
}

/** The sum of yuan strings in BigInt fen, as a yuan string; strings that are not money are left out. */
export function sumYuan(values: (string | null | undefined)[]): string {
  let fen = 0n;
  for (const v of values) fen += toFen(v) ?? 0n;
  return fenToYuan(fen);
}

/** A rate as a number of percent, for plotting only (see toChartNumber). */
export function rateForChart(rate: string | null | undefined): number {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec((rate ?? '').trim());
  if (!m) return 0;
  const bp = BigInt(m[2]!) * 1_000_000n + BigInt((m[3] ?? '').padEnd(6, '0').slice(0, 6));
  return (m[1] ? -1 : 1) * (Number(bp) / 10_000);
}

/** Is the string a yuan amount with at most two decimals? (form validation) */
export const isMoney = (s: string) => /^\d+(\.\d{1,2})?$/.test(s.trim().replace(/,/g, ''));

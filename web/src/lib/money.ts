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

/** A rate string such as "0.035" shown as a percentage with string arithmetic: "3.5%". */
export function formatRate(rate: string | null | undefined, digits = 2): string {
  if (rate === null || rate === undefined || rate === '') return '—';
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!m) return rate;
  const frac = (m[3] ?? '').padEnd(digits + 2, '0');
  const whole = (m[2]! + frac.slice(0, 2)).replace(/^0+(?=\d)/, '');
  const rest = frac.slice(2, 2 + digits).replace(/0+$/, '');
  return `${m[1] ?? ''}${whole}${rest ? `.${rest}` : ''}%`;
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

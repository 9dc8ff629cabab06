/**
 * Money is integer fen (`bigint`); rates are integer basis points (1 bp = 0.01%). POLICY R10.
 * Decimal strings are the only way money enters or leaves: no floats anywhere.
 */
export type Fen = bigint;
export type BasisPoints = number;
export type Rounding = 'half-up' | 'half-even';

export const BP_PER_UNIT = 10_000;

export class MoneyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyFormatError';
  }
}

const YUAN = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/** Parses yuan as a decimal string with at most two decimals ("8000000", "0.01") into fen. */
export function parseYuan(text: string, { allowNegative = false } = {}): Fen {
  if (typeof text !== 'string') throw new MoneyFormatError('must be a decimal string of yuan, e.g. "1000000.00"');
  const match = YUAN.exec(text);
  if (!match) {
    if (/^-?\d+\.\d{3,}$/.test(text))
      throw new MoneyFormatError('has more than two decimals (the smallest unit is 0.01 yuan)');
    throw new MoneyFormatError('must be a decimal string of yuan with at most two decimals, e.g. "1000000.00"');
  }
  const [, sign, whole, decimals = ''] = match;
  if (sign && !allowNegative) throw new MoneyFormatError('must not be negative');
  const fen = BigInt(whole!) * 100n + BigInt(decimals.padEnd(2, '0'));
  return sign ? -fen : fen;
}

/** Formats fen as yuan with exactly two decimals ("1500000.00"). */
export function formatYuan(fen: Fen): string {
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  const whole = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${cents}`;
}

/** Formats fen as yuan with thousands separators ("1,500,000.00"), for people. */
export function formatYuanGrouped(fen: Fen): string {
  const plain = formatYuan(fen);
  const digitsFrom = fen < 0n ? 1 : 0;
  let i = plain.length - 3; // where ".cents" starts
  let grouped = plain.slice(i);
  for (; i - 3 > digitsFrom; i -= 3) grouped = `,${plain.slice(i - 3, i)}${grouped}`;
  return plain.slice(0, i) + grouped;
}

const RATE = /^(\d+)(?:\.(\d{1,4}))?$/;

/** Parses a rate as a decimal fraction ("0.2", "0.05") into basis points; at most four decimals, 0..1. */
export function parseRate(text: string): BasisPoints {
  if (typeof text !== 'string') throw new MoneyFormatError('must be a decimal string such as "0.2"');
  const match = RATE.exec(text);
  if (!match) throw new MoneyFormatError('must be a decimal fraction with at most four decimals, such as "0.2"');
  const bp = Number(match[1]) * BP_PER_UNIT + Number((match[2] ?? '').padEnd(4, '0'));
  if (bp > BP_PER_UNIT) throw new MoneyFormatError('must not exceed 1');
  return bp;
}

/** Formats basis points as the shortest decimal fraction: 5000 → "0.5", 2500 → "0.25", 10000 → "1". */
export function formatRate(bp: BasisPoints): string {
  const whole = Math.trunc(bp / BP_PER_UNIT);
  const rest = (bp % BP_PER_UNIT).toString().padStart(4, '0').replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : `${whole}`;
}

/** Formats basis points as a percentage for people: 2424 → "24.24%", 300 → "3%", 5 → "0.05%". */
export function formatPercent(bp: BasisPoints): string {
  const rest = (bp % 100).toString().padStart(2, '0').replace(/0+$/, '');
  return `${Math.trunc(bp / 100)}${rest ? `.${rest}` : ''}%`;
}

/** Divides with one rounding: half-up (away from zero at .5) or half-even (banker's). */
export function divideRounded(numerator: bigint, denominator: bigint, rounding: Rounding = 'half-up'): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let q = n / denominator;
  const twiceRemainder = (n % denominator) * 2n;
  if (twiceRemainder > denominator || (twiceRemainder === denominator && (rounding === 'half-up' || q % 2n === 1n)))
    q += 1n;
  return negative ? -q : q;
}

/** amount × rate, rounded once to the fen. */
export function applyRate(amount: Fen, bp: BasisPoints, rounding: Rounding = 'half-up'): Fen {
  if (!Number.isInteger(bp) || bp < 0)
    throw new RangeError('rate must be a non-negative integer number of basis points');
  return divideRounded(amount * BigInt(bp), BigInt(BP_PER_UNIT), rounding);
}

/**
 * Splits an amount by weights with the largest-remainder method: every part is within one fen of
 * its exact share and the parts always add up to the amount. Ties go to the earlier weight.
 */
export function splitByWeights(amount: Fen, weights: readonly bigint[]): Fen[] {
  if (amount < 0n) throw new RangeError('amount must not be negative');
  if (weights.length === 0 || weights.some((w) => w < 0n)) throw new RangeError('weights must be non-negative');
  const total = weights.reduce((a, b) => a + b, 0n);
  if (total === 0n) throw new RangeError('weights must not all be zero');
  const parts = weights.map((w) => (amount * w) / total);
  const remainders = weights.map((w, i) => ({ i, r: (amount * w) % total }));
  let left = amount - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) parts[remainders[k]!.i]! += 1n;
  return parts;
}

/**
 * An amount in Chinese uppercase (人民币大写), as printed on payment and approval forms: the rules of
 * the People's Bank's 《正确填写票据和结算凭证的基本规定》 —
 * - digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟, sections 万 and 亿 (万亿 above that);
 * - “1 拾” is written 壹拾 (壹拾万, not 拾万);
 * - zeros between digits are one 零 (1,000,001 → 壹佰万零壹元); zeros at the end of the whole yuan
 *   part write nothing (1,200,000 → 壹佰贰拾万元);
 * - an amount ending at 元 ends in 整, one ending at 角 too (伍角整); one with 分 does not;
 * - 角 zero and 分 not: 元 is followed by 零 (壹万陆仟肆佰零玖元零贰分).
 * Pure; the caller prints “人民币” before it where the form has no printed prefix.
 */
import type { Fen } from './money';

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const PLACES = ['', '拾', '佰', '仟'] as const;
/**
 * The unit of each group of four digits, from the lowest: 元's group has none of its own; above 亿
 * the count of 亿 is written with 万 again (1,0001,0000,0000 → 壹万零壹亿).
 */
const GROUPS = ['', '万', '亿', '万'] as const;

/** The whole yuan in words, without 元 ("" for 0). */
function wholeYuan(yuan: bigint): string {
  if (yuan === 0n) return '';
  const digits = yuan.toString();
  if (digits.length > GROUPS.length * 4) throw new RangeError('the amount is too large to write in words');
  let out = '';
  let zeroPending = false;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    const fromRight = digits.length - 1 - i;
    const place = fromRight % 4;
    const group = Math.floor(fromRight / 4);
    if (d === 0) {
      if (out) zeroPending = true;
    } else {
      if (zeroPending) out += '零';
      zeroPending = false;
      out += DIGITS[d]! + PLACES[place]!;
    }
    // A group's unit follows its last digit, if the group has any digit but zeros; 亿 also follows
    // a count of 亿 in the ten thousands whose own group is zeros (贰万亿).
    if (place === 0 && group > 0) {
      const groupDigits = digits.slice(Math.max(0, i - 3), i + 1);
      if (/[1-9]/.test(groupDigits)) out += GROUPS[group]!;
      else if (group === 2 && /[1-9]/.test(digits.slice(0, i - 3))) out += '亿';
    }
  }
  return out;
}

/** 1200000_00n → "壹佰贰拾万元整"; 5n → "伍分"; 0n → "零元整"; negative amounts start with 负. */
export function yuanInChineseUppercase(fen: Fen): string {
  if (fen < 0n) return `负${yuanInChineseUppercase(-fen)}`;
  const yuan = fen / 100n;
  const jiao = Number((fen / 10n) % 10n);
  const cents = Number(fen % 10n);
  const whole = wholeYuan(yuan);
  if (jiao === 0 && cents === 0) return `${whole || '零'}元整`;
  let out = whole ? `${whole}元` : '';
  if (jiao > 0) out += `${DIGITS[jiao]}角`;
  else if (whole) out += '零';
  if (cents > 0) out += `${DIGITS[cents]}分`;
  else out += '整';
  return out;
}

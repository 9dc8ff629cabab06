import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYuan } from './money';
import { yuanInChineseUppercase } from './uppercase';

describe('yuanInChineseUppercase (人民币大写)', () => {
  it.each([
    ['0', '零元整'],
    ['0.05', '伍分'],
    ['0.50', '伍角整'],
    ['1', '壹元整'],
    ['10', '壹拾元整'],
    ['15', '壹拾伍元整'],
    ['100', '壹佰元整'],
    ['101', '壹佰零壹元整'],
    ['1001', '壹仟零壹元整'],
    ['10005', '壹万零伍元整'],
    ['100000', '壹拾万元整'],
    ['1200000', '壹佰贰拾万元整'],
    ['1200000.00', '壹佰贰拾万元整'],
    ['1000001', '壹佰万零壹元整'],
    ['1500000', '壹佰伍拾万元整'],
    ['10000000', '壹仟万元整'],
    ['100000000', '壹亿元整'],
    ['100000001', '壹亿零壹元整'],
    ['110000000.50', '壹亿壹仟万元伍角整'],
    ['1680.32', '壹仟陆佰捌拾元叁角贰分'],
    ['16409.02', '壹万陆仟肆佰零玖元零贰分'],
    ['107000.53', '壹拾万零柒仟元伍角叁分'],
    ['325.04', '叁佰贰拾伍元零肆分'],
    ['30000000', '叁仟万元整'],
    ['2000000000000', '贰万亿元整'],
    ['1000100000000', '壹万零壹亿元整'],
    ['100010000', '壹亿零壹万元整'],
  ])('%s yuan → %s', (yuan, words) => expect(yuanInChineseUppercase(parseYuan(yuan))).toBe(words));

  it('writes a negative amount with 负', () => expect(yuanInChineseUppercase(-150n)).toBe('负壹元伍角整'));

  /** An independent reader of the words: what they say, in fen. */
  function read(words: string): bigint {
    const digit: Record<string, bigint> = {
      零: 0n,
      壹: 1n,
      贰: 2n,
      叁: 3n,
      肆: 4n,
      伍: 5n,
      陆: 6n,
      柒: 7n,
      捌: 8n,
      玖: 9n,
    };
    const place: Record<string, bigint> = { 拾: 10n, 佰: 100n, 仟: 1000n };
    const [whole, rest = ''] = words.includes('元') ? words.split('元') : ['', words];
    let total = 0n;
    let wan = 0n;
    let section = 0n;
    let d = 0n;
    for (const ch of whole!) {
      if (ch in digit) d = digit[ch]!;
      else if (ch in place) {
        section += d * place[ch]!;
        d = 0n;
      } else if (ch === '万') {
        wan = (section + d) * 10_000n;
        section = 0n;
        d = 0n;
      } else if (ch === '亿') {
        total = (wan + section + d) * 100_000_000n;
        wan = 0n;
        section = 0n;
        d = 0n;
      }
    }
    total += wan + section + d;
    const jiao = /(.)角/.exec(rest);
    const fen = /(.)分/.exec(rest);
    return total * 100n + (jiao ? digit[jiao[1]!]! * 10n : 0n) + (fen ? digit[fen[1]!]! : 0n);
  }

  it('says the amount it was given, with no zero at either end (0 itself is 零元整) and never two zeros together', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }), (fen) => {
        const words = yuanInChineseUppercase(fen);
        expect(read(words)).toBe(fen);
        expect(words).not.toMatch(/零零|零元|零万|零亿|^零[^元]/);
        expect(words).toMatch(fen % 10n === 0n ? /整$/ : /分$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an amount it cannot write', () => {
    expect(() => yuanInChineseUppercase(10n ** 18n)).toThrow(RangeError);
  });
});

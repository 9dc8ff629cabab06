import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { creditCodeCheckCharacter, creditCodeProblem, isCreditCode, maskCreditCode } from './credit-code';

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(['91350100M000100Y43', '91110000802100433B'])('accepts %s', (code) =>
    expect(creditCodeProblem(code)).toBeNull(),
  );

  it.each([
    ['91350100M000100Y44', /check character/],
    ['91350100M000100Y4', /18 characters/],
    ['91350100M00010OY43', /not allowed/],
    ['01350100M000100Y43', /not allowed/],
    ['9135010AM000100Y43', /not allowed/],
  ])('rejects %s', (code, why) => expect(creditCodeProblem(code)).toMatch(why));

  it('catches every single-character change', () => {
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 16 }), fc.integer({ min: 0, max: 30 }), (pos, k) => {
        const valid = '91350100M000100Y43';
        const changed = valid.slice(0, pos) + alphabet[k] + valid.slice(pos + 1);
        expect(isCreditCode(changed)).toBe(changed === valid);
      }),
    );
  });

  it('computes a check character that validates', () => {
    const base = '91110108MA0000001';
    expect(isCreditCode(base + creditCodeCheckCharacter(base))).toBe(true);
  });

  it('masks the code for logs', () => expect(maskCreditCode('91350100M000100Y43')).toBe('913501********0Y43'));
});

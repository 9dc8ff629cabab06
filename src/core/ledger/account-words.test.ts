/** Every account the fund operations open has its code in words (issue 18). */
import { describe, expect, it } from 'vitest';
import { ACCOUNT_CODES, accountName } from './account-words';
import {
  enterpriseCapAccounts,
  exposureAccount,
  fundAccounts,
  limitShortfallAccount,
  payableAccount,
  quotaAccount,
} from './fund-operations';

describe('ledger accounts in words', () => {
  it('names every code an account is opened with, in both languages', () => {
    const specs = [
      ...fundAccounts('f'),
      limitShortfallAccount('f'),
      payableAccount('f', 'bank'),
      quotaAccount('f', 'a'),
      exposureAccount('f', 'l'),
      ...enterpriseCapAccounts('f', 'k'),
    ];
    for (const s of specs) {
      expect(ACCOUNT_CODES[s.code], s.code).toBeDefined();
      expect(ACCOUNT_CODES[s.code]!.zh).toMatch(/\p{Script=Han}/u);
    }
  });

  it('joins the fund, the word and the record', () => {
    expect(accountName({ zh: '资金', en: 'Fund' }, 'payable', { zh: '甲银行', en: 'Bank A' })).toEqual({
      zh: '资金 · 应付补偿 · 甲银行',
      en: 'Fund · payable to bank · Bank A',
    });
    expect(accountName({ zh: '资金', en: 'Fund' }, 'cash', null)).toEqual({ zh: '资金 · 现金', en: 'Fund · cash' });
  });
});

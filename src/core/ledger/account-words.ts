/**
 * A fund's ledger accounts in words (issue 18), by their code (core/ledger/fund-operations.ts
 * `accountId`): what people call them, where the ids say `etown:cash` or `etown:quota:<uuid>`.
 */
import type { Bilingual } from '../text';

export const ACCOUNT_CODES: Record<string, Bilingual> = {
  limit: { zh: '责任限额', en: 'liability limit' },
  'limit-shortfall': { zh: '限额缺口', en: 'limit shortfall' },
  capacity: { zh: '可用责任额度', en: 'free capacity' },
  quota: { zh: '合作银行额度', en: 'bank quota' },
  exposure: { zh: '贷款代偿责任', en: 'loan exposure' },
  'enterprise-cap-source': { zh: '单户上限来源', en: 'enterprise-cap source' },
  'enterprise-cap': { zh: '单户上限', en: 'enterprise cap' },
  'enterprise-used': { zh: '单户已用', en: 'enterprise cap used' },
  capital: { zh: '资本金', en: 'capital' },
  cash: { zh: '现金', en: 'cash' },
  expense: { zh: '补偿支出', en: 'compensation paid' },
  payable: { zh: '应付补偿', en: 'payable to bank' },
  'recovery-income': { zh: '追偿返还', en: 'recovery refunds' },
};

/** An account's name: its fund, its code in words, and the record it is for when it is not the fund itself. */
export function accountName(fund: Bilingual, code: string, record: Bilingual | null): Bilingual {
  const word = ACCOUNT_CODES[code] ?? { zh: code, en: code };
  const parts = [fund, word, ...(record ? [record] : [])];
  return { zh: parts.map((p) => p.zh).join(' · '), en: parts.map((p) => p.en).join(' · ') };
}

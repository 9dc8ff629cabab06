import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zhOf } from './messages-zh';

/**
 * Every English message a use case, schema or route writes as a literal: `message: '…'`,
 * `error: '…'`, the message of a zod check (`.regex(…, '…')`, `.refine(…, '…')`, `.min(…, '…')` …)
 * and of a money format error.
 */
function writtenMessages(): string[] {
  const root = join(import.meta.dirname, '../..');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
    (f) =>
      f.endsWith('.ts') &&
      !f.endsWith('.test.ts') &&
      (f.startsWith('modules') ||
        f.startsWith('adapters/http') ||
        f.startsWith('core/policy/zod') ||
        f.startsWith('core/policy/case') ||
        f.startsWith('core/money')),
  );
  const found = new Set<string>();
  const literal =
    /(?:message: |error: |\.(?:regex|refine|min|max|length|int|positive|nonnegative)\([^'()]*(?:\([^()]*\))?[^'()]*, |new MoneyFormatError\()'([^'\\]{3,})'/g;
  for (const f of files) {
    for (const m of readFileSync(join(root, f), 'utf8').matchAll(literal)) {
      if (/^[\x20-\x7e’–]+$/.test(m[1]!)) found.add(m[1]!);
    }
  }
  return [...found];
}

describe('the Chinese of the API’s messages', () => {
  it('has every field message the modules write as a literal', () => {
    const messages = writtenMessages();
    // The schemas' checks; a feature's refusals are written in both languages in its errors file.
    expect(messages.length).toBeGreaterThan(30);
    expect(messages.filter((m) => zhOf(m) === undefined)).toEqual([]);
  });

  it.each([
    ['has more than two decimals (the smallest unit is 0.01 yuan)', '金额最多两位小数（最小单位 0.01 元）'],
    ['Too big: expected string to have <=100 characters', '不能超过 100 个字符'],
    ['Invalid input: expected boolean, received string', '类型错误：应为 布尔值，收到 文本'],
    ['Invalid option: expected one of "credit"|"ip-pledge"', '须为以下之一：credit、ip-pledge'],
    ['must be at most 1,000,000,000,000.00 yuan', '不能超过 1,000,000,000,000.00 元'],
    [
      '(the name) must not contain control characters (U+0000–U+001F other than tab and line breaks, or U+007F)',
      '（字段名）不能含控制字符（U+0000–U+001F，制表符和换行除外，及 U+007F）',
    ],
    [
      "the holiday calendar has no data for 2027 (covered: 2023–2026); the fund manager enters the year from the State Council's holiday notice",
      '节假日日历尚无 2027 年的数据，暂无法判断（G6）；请托管机构按国务院办公厅放假安排通知录入该年',
    ],
    ['is required', '必填'],
    [
      'recoveries would exceed the compensated principal 6000000.00 (already 1000000.00)',
      '追偿金额将超过已补偿的本金 6000000.00 元（已追偿 1000000.00 元）',
    ],
    ['must not be after today (2025-12-01)', '不能晚于今天（2025-12-01）'],
    ['must not be more than a year after the filing date (2026-12-05)', '不能晚于备案日（2026-12-05）一年以上'],
    ['the loan is withdrawn', '贷款状态为“已撤销”'],
    ['is under-review', '当前状态为“审核中”'],
    ['Too small: expected number to be >0', '须大于 0'],
    ['Too small: expected number to be >=1', '须不小于 1'],
    ['Too big: expected number to be <1', '须小于 1'],
    ['Too big: expected number to be <=500', '须不大于 500'],
    ['must be a decimal string such as "0.35"', '须为小数形式的文本，例如 "0.35"'],
    ['g-9 is not a registered guarantor', 'g-9 不是已登记的担保机构'],
    [
      "must be 2027, the year after the calendar's last (2023–2026), or a year it holds",
      '须为 2027 年（日历现有 2023–2026 年的下一年），或日历已有的年份',
    ],
    [
      '2027-02-03 is a weekday: a make-up working day is a Saturday or Sunday that is worked',
      '2027-02-03 是工作日：调休上班日须为周六或周日',
    ],
    ['overlaps holidays[1] (春节)', '与第 2 个假期（春节）重叠'],
  ])('%s → %s', (en, zh) => expect(zhOf(en)).toBe(zh));

  it('has none for a message it does not know', () => {
    expect(zhOf('something new')).toBeUndefined();
  });
});

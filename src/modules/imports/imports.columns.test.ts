import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeaderProblem, mapHeader, tidyDate, tidyMoney, tidyRate } from './imports.columns';
import { judgeRow } from './imports.usecases';
import { readRows } from './rows';

describe('bank file columns', () => {
  it('tidies money, dates and rates as text, never through a float', () => {
    expect(tidyMoney('1,234,567.80')).toBe('1234567.80');
    expect(tidyMoney('¥ 1500000 元')).toBe('1500000');
    expect(tidyDate('2025/9/1')).toBe('2025-09-01');
    expect(tidyDate('2025年9月1日')).toBe('2025-09-01');
    expect(tidyDate('20250901')).toBe('2025-09-01');
    expect(tidyDate('2025-02-30')).toBe('2025-02-30'); // the schema refuses it
    expect(tidyRate('20%')).toBe('0.20');
    expect(tidyRate('12.5%')).toBe('0.125');
    expect(tidyRate('5%')).toBe('0.05');
    expect(tidyRate('100%')).toBe('1.00');
    expect(tidyRate('0.3')).toBe('0.3');
  });

  it('maps Chinese and English headers, and names what is missing or doubled', () => {
    expect(mapHeader(['合同编号 *', 'USCC', '贷款类型', '金额（元）', '放款日', '备注'])).toEqual({
      bankRef: '合同编号 *',
      creditCode: 'USCC',
      kind: '贷款类型',
      principal: '金额（元）',
      disbursedOn: '放款日',
    });
    expect(() => mapHeader(['bankRef', 'creditCode', 'kind', 'principal'])).toThrow(
      /lacks the column 放款日期 \(disbursedOn\)/,
    );
    expect(() => mapHeader(['bankRef', '合同编号', 'creditCode', 'kind', 'principal', 'disbursedOn'])).toThrow(
      HeaderProblem,
    );
  });

  it('the shipped template is judged valid row by row', async () => {
    let columns;
    const judged = [];
    for await (const raw of readRows(join(import.meta.dirname, 'filings-template.csv'))) {
      columns ??= mapHeader(Object.keys(raw.values));
      judged.push(judgeRow(raw, columns));
    }
    expect(judged.map((r) => ('errors' in r ? r.errors : 'ok'))).toEqual(['ok', 'ok']);
    const second = judged[1] as {
      input: { loan: { principal: bigint; bankShare: number; mode: string; parties: unknown[] } };
    };
    expect(second.input.loan).toMatchObject({
      principal: 150_000_000n,
      bankShare: 2000,
      mode: 'risk-sharing',
      parties: [{ party: 'guarantor', institutionId: 'guarantor-bjg', share: 8000 }],
    });
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectEncoding, MAX_LINE_CHARS, readRows, type RawRow } from './rows';

const dir = mkdtempSync(join(tmpdir(), 'backstop-rows-'));
const collect = async (it: AsyncIterable<RawRow>) => {
  const out: RawRow[] = [];
  for await (const r of it) out.push(r);
  return out;
};
const csv =
  '统一社会信用代码,企业名称,贷款本金（元）\n91350100M000100Y43,北京亦庄智造科技有限公司,8000000.00\n\n91110000802100433B,"某某, 有限公司",1500000\n';

describe('bulk file rows', () => {
  it('reads UTF-8 CSV with a BOM, quoted commas and blank lines', async () => {
    const path = join(dir, 'utf8.csv');
    writeFileSync(path, `\uFEFF${csv}`);
    expect(await detectEncoding(path)).toBe('utf8');
    const rows = await collect(readRows(path));
    expect(rows).toEqual([
      {
        line: 2,
        values: {
          统一社会信用代码: '91350100M000100Y43',
          企业名称: '北京亦庄智造科技有限公司',
          '贷款本金（元）': '8000000.00',
        },
      },
      {
        line: 4,
        values: { 统一社会信用代码: '91110000802100433B', 企业名称: '某某, 有限公司', '贷款本金（元）': '1500000' },
      },
    ]);
  });

  it('reads GBK CSV as Excel writes it on a Chinese Windows', async () => {
    const path = join(dir, 'gbk.csv');
    writeFileSync(path, iconv.encode(csv.replace(/\n/g, '\r\n'), 'gbk'));
    expect(await detectEncoding(path)).toBe('gb18030');
    const rows = await collect(readRows(path));
    expect(rows.map((r) => r.values['企业名称'])).toEqual(['北京亦庄智造科技有限公司', '某某, 有限公司']);
  });

  it('reads XLSX with numbers, dates and text cells as strings', async () => {
    const path = join(dir, 'filings.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('备案');
    ws.addRow(['统一社会信用代码', '贷款本金（元）', '放款日']);
    ws.addRow(['91350100M000100Y43', 8000000.5, new Date(Date.UTC(2025, 8, 1))]);
    ws.addRow([]);
    ws.addRow(['91110000802100433B', '1500000.00', '2025-09-02']);
    await wb.xlsx.writeFile(path);
    const rows = await collect(readRows(path));
    expect(rows).toEqual([
      {
        line: 2,
        values: { 统一社会信用代码: '91350100M000100Y43', '贷款本金（元）': '8000000.5', 放款日: '2025-09-01' },
      },
      {
        line: 4,
        values: { 统一社会信用代码: '91110000802100433B', '贷款本金（元）': '1500000.00', 放款日: '2025-09-02' },
      },
    ]);
  });

  it('names a ZIP archive without a worksheet as not a readable XLSX file (not as a file without rows)', async () => {
    const path = join(dir, 'no-sheet.xlsx');
    await new ExcelJS.Workbook().xlsx.writeFile(path);
    await expect(collect(readRows(path))).rejects.toThrow(/not a readable XLSX file: it has no worksheet/);
  });

  it('names a broken file as such', async () => {
    const path = join(dir, 'broken.xlsx');
    writeFileSync(path, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100, 7)]));
    await expect(collect(readRows(path))).rejects.toThrow(/not a readable XLSX file/);
    const bad = join(dir, 'broken.csv');
    writeFileSync(bad, 'a,b\n"unterminated,1\n');
    await expect(collect(readRows(bad))).rejects.toThrow(/not a readable CSV file/);
  });

  it('refuses a line longer than MAX_LINE_CHARS, naming it: a 5 MB CSV on one line, a long third line, a long XLSX row; a long real row passes', async () => {
    expect(MAX_LINE_CHARS).toBe(65_536);
    const oneLine = join(dir, 'one-line.csv');
    writeFileSync(oneLine, 'x'.repeat(5 * 1024 * 1024));
    await expect(collect(readRows(oneLine))).rejects.toThrow(
      'not a readable CSV file: line 1 is longer than 65536 characters, the most a row may have',
    );
    const third = join(dir, 'long-third.csv');
    writeFileSync(third, `a,b,备注\n1,2,short\n3,4,"${'长'.repeat(70_000)}"\n5,6,x\n`);
    await expect(collect(readRows(third))).rejects.toThrow(/^not a readable CSV file: line 3 is longer than 65536/);

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('s');
    sheet.addRow(['a', 'b']);
    sheet.addRow(['1', 'y'.repeat(1024 * 1024)]);
    const xlsx = join(dir, 'long-row.xlsx');
    await workbook.xlsx.writeFile(xlsx);
    await expect(collect(readRows(xlsx))).rejects.toThrow(
      'not a readable XLSX file: line 2 is longer than 65536 characters, the most a row may have',
    );

    // A bank's row with a long remark (20,000 characters of Chinese) is well inside.
    const remark = join(dir, 'remark.csv');
    writeFileSync(remark, `a,备注\n1,${'备注'.repeat(10_000)}\n`);
    expect((await collect(readRows(remark)))[0]!.values['备注']).toHaveLength(20_000);
  });
});

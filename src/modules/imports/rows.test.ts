import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { checkXlsxArchive, detectEncoding, MAX_LINE_CHARS, MAX_XLSX_ENTRIES, readRows, type RawRow } from './rows';

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

  it('refuses a ZIP bomb by its directory before unpacking it: a sheet that unpacks 1,000 to 1, 3 GB declared, too many entries', async () => {
    // 64 MB of zeros deflate to ~64 KB: a real (small) bomb, refused by its ratio.
    const bomb = join(dir, 'bomb.xlsx');
    writeFileSync(bomb, zip([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(64 * 1024 * 1024, 0x20) }]));
    await expect(collect(readRows(bomb))).rejects.toThrow(/not a readable XLSX file: an entry unpacks to more than/);
    // Entries whose directory claims 1.5 GB each (the check reads the directory only).
    const big = join(dir, 'declared.xlsx');
    writeFileSync(
      big,
      zip(
        [1, 2].map((i) => ({ name: `xl/worksheets/sheet${i}.xml`, data: Buffer.from('<x/>') })),
        { unpacked: 1.5 * 1024 ** 3, packed: 100 * 1024 * 1024 },
      ),
    );
    await expect(collect(readRows(big))).rejects.toThrow(/it unpacks to more than \d+ bytes/);
    const many = join(dir, 'many.xlsx');
    writeFileSync(
      many,
      zip(Array.from({ length: MAX_XLSX_ENTRIES + 1 }, (_, i) => ({ name: `e${i}`, data: Buffer.from('') }))),
    );
    await expect(collect(readRows(many))).rejects.toThrow(`it has ${MAX_XLSX_ENTRIES + 1} entries, more than`);
    // A real workbook passes.
    const path = join(dir, 'ok.xlsx');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('s').addRow(['a', 'b']);
    await wb.xlsx.writeFile(path);
    expect((await checkXlsxArchive(path)).entries).toBeGreaterThan(3);
  });
});

/** A minimal ZIP writer (deflate); `declared` overrides the sizes in the central directory. */
function zip(files: { name: string; data: Buffer }[], declared?: { unpacked: number; packed: number }) {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name);
    const packed = deflateRawSync(f.data);
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, packed);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(8, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(declared?.packed ?? packed.length, 20);
    c.writeUInt32LE(declared?.unpacked ?? f.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + packed.length;
  }
  const dirBuf = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dirBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dirBuf, end]);
}

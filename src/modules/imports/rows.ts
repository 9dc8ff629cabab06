/**
 * Reads a bank's bulk file row by row, streaming (a million rows never sit in memory): CSV in UTF-8
 * (with or without BOM) or GBK/GB18030 (what Excel writes on a Chinese Windows), and XLSX. Every
 * value comes out as a string; the first row is the header.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export interface RawRow {
  /** 1-based line of the file, the header being line 1. */
  line: number;
  values: Record<string, string>;
}

export type FileFormat = 'csv' | 'xlsx';

/**
 * The most characters one line (row) of a bank file may hold, cells together. A bank's row is a few
 * hundred characters, a few tens of thousands with long remarks; a longer one means the file is not
 * one loan per line (a 50 MB CSV on one line took 39 s of CPU to refuse), so the file is refused
 * at that line, at once.
 */
export const MAX_LINE_CHARS = 65_536;
const tooLong = (line: number) => `line ${line} is longer than ${MAX_LINE_CHARS} characters, the most a row may have`;

export class FileFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileFormatError';
  }
}

export async function detectFormat(path: string): Promise<FileFormat> {
  const head = await readHead(path, 4);
  return head[0] === 0x50 && head[1] === 0x4b ? 'xlsx' : 'csv';
}

/** The first `bytes` bytes of a file (fewer when it is shorter). */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** UTF-8 when the first 64 KiB decode as UTF-8 (a multi-byte character cut at the end is fine), else GB18030. */
export async function detectEncoding(path: string): Promise<'utf8' | 'gb18030'> {
  const head = await readHead(path, 64 * 1024);
  let end = head.length;
  // Step back over a UTF-8 sequence cut by the 64 KiB boundary.
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = head[end - i]!;
    if ((b & 0xc0) === 0xc0) {
      end -= i;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return 'utf8';
  } catch {
    return 'gb18030';
  }
}

export async function* readCsvRows(path: string): AsyncGenerator<RawRow> {
  const encoding = await detectEncoding(path);
  const source =
    encoding === 'utf8' ? createReadStream(path) : createReadStream(path).pipe(iconv.decodeStream('gb18030'));
  const parser = source.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      max_record_size: MAX_LINE_CHARS,
    }),
  );
  try {
    for await (const rec of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: rec.info.lines, values: rec.record };
    }
  } catch (e) {
    const { code, lines } = e as { code?: string; lines?: number };
    if (code === 'CSV_MAX_RECORD_SIZE') throw new FileFormatError(`not a readable CSV file: ${tooLong(lines ?? 1)}`);
    throw new FileFormatError(`not a readable CSV file: ${(e as Error).message}`);
  }
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  // A numeric cell holds the decimal text Excel wrote; String() gives back that shortest form,
  // which is then parsed as a decimal string like any other (never used as a float).
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'object' && 'richText' in v)
    return v.richText
      .map((t) => t.text)
      .join('')
      .trim();
  if (typeof v === 'object' && 'text' in v) return String(v.text).trim();
  if (typeof v === 'object' && 'result' in v) return cellText(v.result as ExcelJS.CellValue);
  return String(v);
}

/**
 * The most an XLSX may unpack to, by its ZIP directory. A bank's workbook has a dozen entries and its
 * sheet XML is some 10–20 times the file; 200 MB of XLSX (the upload limit) is ~2 GB of XML at
 * most. A zip bomb (a few KB that unpack to gigabytes, or a million entries) is refused before any
 * of it is unpacked. Zip64 archives (over 4 GB or 65,535 entries) are refused for the same reason.
 */
export const MAX_XLSX_UNPACKED_BYTES = 2 * 1024 ** 3;
export const MAX_XLSX_ENTRIES = 10_000;
/** No entry of a real workbook over 16 MB packs tighter than this (sheet XML packs at 10–50 to 1, repeated rows at up to ~200); deflate tops out near 1,030. */
export const MAX_XLSX_RATIO = 500;

/**
 * Reads the ZIP's central directory (end of the file) and refuses the archive when its entries,
 * their unpacked size, or one entry's compression ratio are beyond the limits above.
 */
export async function checkXlsxArchive(path: string): Promise<{ entries: number; unpackedBytes: number }> {
  const bad = (why: string) => new FileFormatError(`not a readable XLSX file: ${why}`);
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    if (eocd < 0) throw bad('its ZIP directory is missing (is the file cut short?)');
    const entries = tail.readUInt16LE(eocd + 10);
    const dirSize = tail.readUInt32LE(eocd + 12);
    const dirOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff)
      throw bad(`it is a ZIP64 archive (more than ${MAX_XLSX_ENTRIES} entries or 4 GB), larger than any workbook`);
    if (entries > MAX_XLSX_ENTRIES) throw bad(`it has ${entries} entries, more than ${MAX_XLSX_ENTRIES}`);
    if (dirOffset + dirSize > size) throw bad('its ZIP directory points outside the file');
    const dir = Buffer.alloc(dirSize);
    await fh.read(dir, 0, dirSize, dirOffset);
    let unpacked = 0;
    let at = 0;
    for (let n = 0; n < entries; n++) {
      if (at + 46 > dirSize || dir.readUInt32LE(at) !== 0x02014b50) throw bad('its ZIP directory is damaged');
      const packed = dir.readUInt32LE(at + 20);
      const entryUnpacked = dir.readUInt32LE(at + 24);
      if (entryUnpacked === 0xffffffff || packed === 0xffffffff)
        throw bad('it is a ZIP64 archive (an entry over 4 GB), larger than any workbook');
      unpacked += entryUnpacked;
      if (unpacked > MAX_XLSX_UNPACKED_BYTES)
        throw bad(`it unpacks to more than ${MAX_XLSX_UNPACKED_BYTES} bytes (a ZIP bomb?)`);
      if (entryUnpacked > 16 * 1024 * 1024 && entryUnpacked > packed * MAX_XLSX_RATIO)
        throw bad(`an entry unpacks to more than ${MAX_XLSX_RATIO} times its size (a ZIP bomb?)`);
      at += 46 + dir.readUInt16LE(at + 28) + dir.readUInt16LE(at + 30) + dir.readUInt16LE(at + 32);
    }
    return { entries, unpackedBytes: unpacked };
  } finally {
    await fh.close();
  }
}

export async function* readXlsxRows(path: string): AsyncGenerator<RawRow> {
  await checkXlsxArchive(path);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  try {
    for await (const sheet of reader) {
      let header: string[] | undefined;
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const cells = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
        if (cells.reduce((n, c) => n + c.length, 0) > MAX_LINE_CHARS) throw new Error(tooLong(row.number));
        if (!header) {
          header = cells.map((h) => h.trim());
          continue;
        }
        if (cells.every((c) => c === '')) continue;
        yield { line: row.number, values: Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])) };
      }
      return; // the first worksheet only
    }
  } catch (e) {
    throw new FileFormatError(`not a readable XLSX file: ${(e as Error).message}`);
  }
  // A ZIP archive without a worksheet: another kind of file with an .xlsx name.
  throw new FileFormatError('not a readable XLSX file: it has no worksheet (is it a ZIP archive of something else?)');
}

export async function* readRows(path: string, format?: FileFormat): AsyncGenerator<RawRow> {
  const f = format ?? (await detectFormat(path));
  yield* f === 'xlsx' ? readXlsxRows(path) : readCsvRows(path);
}

/**
 * Looks a whole bank file over before anything is filed: that it is CSV (UTF-8 or GBK) or XLSX,
 * that its header has the required columns and that every line decodes. A broken file is refused
 * as a whole (400 naming the problem) and nothing is written. Streams: nothing is kept but counts.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Problem } from '../shared/problem';
import { HeaderProblem, mapHeader, type ColumnMap } from './imports.columns';
import { detectEncoding, detectFormat, FileFormatError, readHead, readRows, type FileFormat } from './rows';

export interface FileInspection {
  format: FileFormat;
  columns: ColumnMap;
  /** Data rows (the header not counted) and the last line, for progress. */
  rows: number;
  lastLine: number;
}

const fileProblem = (message: string) =>
  Problem.invalid([{ field: 'file', message }], `The file cannot be imported: ${message}.`);

export async function inspectFile(path: string): Promise<FileInspection> {
  const start = await readHead(path, 8192);
  if (start.length === 0) throw fileProblem('is empty');
  const format = await detectFormat(path);
  if (format === 'csv') {
    if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff))
      throw fileProblem('is UTF-16 text; save it as “CSV UTF-8” or as an Excel workbook (.xlsx)');
    if (start.includes(0)) throw fileProblem('is not a CSV or XLSX spreadsheet (it has binary content)');
  }
  let columns: ColumnMap | undefined;
  let rows = 0;
  let lastLine = 0;
  try {
    for await (const row of readRows(path, format)) {
      columns ??= mapHeader(Object.keys(row.values));
      for (const v of Object.values(row.values)) {
        if (v.includes('\uFFFD'))
          throw fileProblem(
            `line ${row.line} is neither UTF-8 nor GBK (GB18030) text; save the file as “CSV UTF-8” or .xlsx`,
          );
      }
      rows++;
      lastLine = row.line;
    }
  } catch (e) {
    if (e instanceof HeaderProblem)
      throw fileProblem(
        format === 'csv' && (await detectEncoding(path)) === 'gb18030'
          ? `${e.message} (the file is not valid UTF-8 and was read as GBK: check its encoding)`
          : e.message,
      );
    if (e instanceof FileFormatError)
      throw fileProblem(
        e.message.replace(/^not a readable (CSV|XLSX) file: /, (_m, f: string) => `is not a readable ${f} file: `),
      );
    throw e;
  }
  if (!columns) throw fileProblem('has no rows under its header');
  return { format, columns, rows, lastLine };
}

/** The file's content hash (sha256, hex) and size, streaming: the same content is the same job. */
export async function hashFile(path: string): Promise<{ hash: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hash: hash.digest('hex'), bytes };
}

/**
 * Looks a whole bank file over before anything is filed: that it is CSV (UTF-8 or GBK) or XLSX,
 * that its header has the required columns and that every line decodes. A broken file is refused
 * as a whole (400 naming the problem) and nothing is written. Streams: nothing is kept but counts.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { importErrors } from './imports.errors';
import { HeaderProblem, mapHeader, type ColumnMap } from './imports.columns';
import { detectEncoding, detectFormat, FileFormatError, readHead, readRows, type FileFormat } from './rows';

export interface FileInspection {
  format: FileFormat;
  columns: ColumnMap;
  /** Data rows (the header not counted) and the last line, for progress. */
  rows: number;
  lastLine: number;
}

export async function inspectFile(path: string): Promise<FileInspection> {
  const start = await readHead(path, 8192);
  if (start.length === 0) throw importErrors.fileEmpty();
  const format = await detectFormat(path);
  if (format === 'csv') {
    if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff))
      throw importErrors.fileUtf16();
    if (start.includes(0)) throw importErrors.fileBinary();
  }
  let columns: ColumnMap | undefined;
  let rows = 0;
  let lastLine = 0;
  try {
    for await (const row of readRows(path, format)) {
      columns ??= mapHeader(Object.keys(row.values));
      for (const v of Object.values(row.values)) {
        if (v.includes('\uFFFD')) throw importErrors.lineNotDecodable(row.line);
      }
      rows++;
      lastLine = row.line;
    }
  } catch (e) {
    if (e instanceof HeaderProblem)
      throw importErrors.header(
        format === 'csv' && (await detectEncoding(path)) === 'gb18030'
          ? {
              en: `${e.text.en} (the file is not valid UTF-8 and was read as GBK: check its encoding)`,
              zh: `${e.text.zh}（该文件不是有效的 UTF-8，已按 GBK 读取：请检查其编码）`,
            }
          : e.text,
      );
    if (e instanceof FileFormatError)
      throw importErrors.unreadable(
        e.message.replace(/^not a readable (CSV|XLSX) file: /, (_m, f: string) => `is not a readable ${f} file: `),
      );
    throw e;
  }
  if (!columns) throw importErrors.noRows();
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

/**
 * The downloadable error report: CSV in UTF-8 with a BOM (so Excel on a Chinese Windows opens it
 * right), one line per bad cell — its reason in Chinese and English and its stable code — with the row's original values. Cells that a spreadsheet would run
 * as a formula (starting with = + - @, tab or CR) are written with a leading apostrophe.
 * Streams a page of errors at a time, whatever the number.
 */
import type { Db } from '../shared/db';
import { createImportsRepository } from './imports.repository';

export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

export async function* errorReportLines({
  db,
  jobId,
  pageSize = 5000,
}: {
  db: Db;
  jobId: string;
  pageSize?: number;
}): AsyncGenerator<string> {
  const repo = createImportsRepository({ db });
  let after: { line: number; column: string } | null = null;
  let headers: string[] | null = null;
  yield '\uFEFF';
  for (;;) {
    const page = await repo.errors(jobId, after, pageSize);
    for (const e of page) {
      const cells = (e.values ?? []) as [string, string][];
      const values = Object.fromEntries(cells);
      if (!headers) {
        headers = cells.map(([h]) => h);
        yield csvLine(['行号 line', '列 column', '原因', 'reason', '代码 code', ...headers]);
      }
      yield csvLine([e.line, e.column, e.zh, e.en, e.code, ...headers.map((h) => values[h] ?? '')]);
    }
    if (page.length < pageSize) break;
    after = { line: page.at(-1)!.line, column: page.at(-1)!.column };
  }
  if (!headers) yield csvLine(['行号 line', '列 column', '原因', 'reason', '代码 code']);
}

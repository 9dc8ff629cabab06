/**
 * Report export: CSV (UTF-8 with a BOM, so Excel on a Chinese Windows opens it right) and XLSX
 * (exceljs). Money stays a decimal string of yuan, never a float. A text cell that starts with
 * `=`, `+`, `-`, `@` (or a tab or carriage return) is prefixed with `'` so a spreadsheet never
 * runs it as a formula (CSV/formula injection).
 */
import ExcelJS from 'exceljs';

export type Cell = string | number | boolean | null;
export interface ReportTable {
  name: string;
  columns: string[];
  rows: Cell[][];
}

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Rows of objects as one table with the given columns (from the report's row schema); nested objects fill `key.sub` columns. */
export function tableOf(
  name: string,
  columns: readonly string[],
  items: readonly Record<string, unknown>[],
): ReportTable {
  const flat = items.map((item) => flatten(item));
  return { name, columns: [...columns], rows: flat.map((r) => columns.map((c) => r[c] ?? null)) };
}

function flatten(o: Record<string, unknown>, prefix = ''): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v))
      Object.assign(out, flatten(v as Record<string, unknown>, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = v === undefined ? null : Array.isArray(v) ? JSON.stringify(v) : (v as Cell);
  }
  return out;
}

/** A cell as text that no spreadsheet will evaluate. */
export function safeText(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const csvField = (value: Cell) => {
  const text = safeText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function toCsv(table: ReportTable): Buffer {
  const lines = [table.columns, ...table.rows].map((r) => r.map(csvField).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** One sheet per table; every cell is text or a number of loans (never a money float). */
export async function toXlsx(tables: readonly ReportTable[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Backstop';
  for (const t of tables) {
    const sheet = book.addWorksheet(t.name.slice(0, 31));
    sheet.addRow(t.columns);
    sheet.getRow(1).font = { bold: true };
    for (const r of t.rows)
      sheet.addRow(r.map((v) => (typeof v === 'number' || typeof v === 'boolean' ? v : safeText(v))));
    t.columns.forEach((_, i) => {
      sheet.getColumn(i + 1).width = 18;
    }); // sheet.columns is null for a sheet with no cells
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

export const CONTENT_TYPES: Record<Exclude<ExportFormat, 'json'>, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

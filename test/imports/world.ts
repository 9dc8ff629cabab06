/** Bulk-file helpers for the import tests: bank files as banks write them, and running an import to the end. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Actor } from '../../src/modules/auth/access';
import { hashFile } from '../../src/modules/imports/imports.file';
import { openImport, runImport, type RunHooks } from '../../src/modules/imports/imports.usecases';
import type { Db } from '../../src/modules/shared/db';
import type { PolicyCatalog } from '../../src/modules/programmes/programmes.usecases';
import { rowsOf, type Row } from '../../src/modules/shared/rows';

export const dir = mkdtempSync(join(tmpdir(), 'backstop-imports-'));

export const HEADER = [
  '银行合同编号',
  '统一社会信用代码',
  '企业名称',
  '贷款种类',
  '金额(元)',
  '放款日期',
  '到期日',
  '模式',
  '银行分担比例',
];

const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export const csvText = (rows: string[][], header = HEADER) =>
  [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';

let n = 0;
export function writeCsv(
  rows: string[][],
  { encoding = 'utf8', header = HEADER }: { encoding?: 'utf8' | 'gbk'; header?: string[] } = {},
): string {
  const path = join(dir, `file-${++n}.csv`);
  const text = csvText(rows, header);
  writeFileSync(path, encoding === 'gbk' ? iconv.encode(text, 'gbk') : `\uFEFF${text}`);
  return path;
}

export function writeRaw(bytes: Buffer | string, ext = 'csv'): string {
  const path = join(dir, `raw-${++n}.${ext}`);
  writeFileSync(path, bytes);
  return path;
}

export async function importFile({
  db,
  catalog,
  actor,
  today,
  path,
  bankId,
  chunkRows,
  hooks,
  signal,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  today: string;
  path: string;
  bankId?: string;
  chunkRows?: number;
  hooks?: RunHooks;
  signal?: AbortSignal;
}) {
  const { hash, bytes } = await hashFile(path);
  const { job, created, inspection } = await openImport({
    db,
    actor,
    bankId,
    fileName: path.split('/').at(-1)!,
    path,
    fileHash: hash,
    bytes,
  });
  const done = await runImport({
    db,
    catalog,
    actor,
    today,
    job,
    path,
    inspection,
    ...(chunkRows ? { chunkRows } : {}),
    ...(hooks ? { hooks } : {}),
    ...(signal ? { signal } : {}),
  });
  return { job: done, created };
}

type Rows = Row[];

export async function query(db: Db, text: string): Promise<Rows> {
  return rowsOf(await db.execute(text as never));
}

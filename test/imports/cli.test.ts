/** `backstop import filings FILE --bank ID` as an operator runs it, on a data directory (or DATABASE_URL under test:pg). */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beijingToday } from '../../src/modules/shared/clock';
import { openDatabase } from '../../src/adapters/db/database';
import { openTestDatabase, onPostgres } from '../../src/adapters/db/testing';
import { addDays } from '../../src/core/calendar';
import { parseYuan } from '../../src/core/money/money';
import { createFund, signAgreement } from '../../src/modules/funds/funds.usecases';
import { loadPolicyFiles } from '../../src/modules/programmes/policy-files';
import { createProgrammesRepository } from '../../src/modules/programmes/programmes.repository';
import { syncPolicyFiles } from '../../src/modules/programmes/programmes.usecases';
import { createRegistryRepository } from '../../src/modules/registry/registry.repository';
import { registerEnterprise, registerInstitution } from '../../src/modules/registry/registry.usecases';
import { runCli } from '../cli/run-cli';
import { creditCode, manager } from '../operations/fixture';
import { writeCsv, writeRaw } from './world';

const dataDir = mkdtempSync(join(tmpdir(), 'backstop-cli-import-'));
let env: Record<string, string>;
let close = async () => {};

beforeAll(async () => {
  const database = onPostgres ? await openTestDatabase() : await openDatabase({ dataDir, url: '' });
  env = onPostgres
    ? { DATABASE_URL: (database as { url?: string }).url! }
    : { BACKSTOP_DATA: dataDir, DATABASE_URL: '' };
  const db = database.db;
  await syncPolicyFiles({ repo: createProgrammesRepository({ db }), files: loadPolicyFiles() });
  const registry = createRegistryRepository({ db });
  await registerInstitution({
    repo: registry,
    input: { id: 'bank-icbc', kind: 'bank', name: '工商银行亦庄支行', registeredInZone: true },
  });
  await createFund({
    db,
    actor: manager,
    input: {
      id: 'etown',
      name: '亦庄风险补偿资金',
      programmes: ['etown-2025-sci-tech'],
      liabilityMultipleBp: 100_000,
      capital: parseYuan('100000000.00'),
      on: '2024-01-02',
    },
  });
  await signAgreement({
    db,
    actor: manager,
    input: { fundId: 'etown', programmeId: 'etown-2025-sci-tech', institutionId: 'bank-icbc', signedOn: '2024-01-01' },
  });
  for (const i of [1, 2]) {
    await registerEnterprise({
      repo: registry,
      actor: manager,
      input: {
        creditCode: creditCode(i),
        name: `企业${i}`,
        size: 'small',
        industry: 'software',
        sciTech: true,
        registeredInZone: true,
        restrictedProcesses: false,
        qualifications: [],
      },
    });
  }
  if (onPostgres) close = database.close;
  else await database.close();
});
afterAll(async () => {
  await close();
  rmSync(dataDir, { recursive: true, force: true });
});

const on = addDays(beijingToday(), -2);

describe('backstop import filings', () => {
  it('files the good rows, writes the error report and prints the summary', async () => {
    const path = writeCsv([
      ['CLI-1', creditCode(1), '企业1', '信用贷款', '1000000.00', on, '', '直接补偿', ''],
      ['CLI-2', creditCode(2), '企业2', '信用贷款', '-1.00', on, '', '直接补偿', ''],
      ['CLI-3', creditCode(2), '企业2', '知识产权质押贷款', '500000', on, '', '直接补偿', ''],
    ]);
    const r = runCli(['import', 'filings', path, '--bank', 'bank-icbc'], { env });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^imported: 3 rows in .* for bank-icbc — filed 2, duplicates 0, rejected 1; error report .*\.errors\.csv/,
    );
    const report = readFileSync(`${path}.errors.csv`, 'utf8');
    expect(report.startsWith('\uFEFF行号 line')).toBe(true);
    expect(report).toContain('3,金额(元),不能为负数,must not be negative,request.invalid,CLI-2');

    const again = runCli(['import', 'filings', path, '--bank', 'bank-icbc'], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/imported before/);
    expect(again.stdout).toMatch(/filed 2, duplicates 0, rejected 1/);
  }, 120_000);

  it('exits 2 naming the problem on bad input, writing nothing', () => {
    const missing = runCli(['import', 'filings', '/nonexistent/loans.csv', '--bank', 'bank-icbc'], { env });
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'backstop: /nonexistent/loans.csv: no such file']);
    const good = writeCsv([['X-1', creditCode(1), '', 'credit', '1.00', on, '', '', '']]);
    const bank = runCli(['import', 'filings', good, '--bank', 'bank-nope'], { env });
    expect([bank.code, bank.stderr.trim()]).toEqual([2, 'backstop: --bank: is not a registered bank: bank-nope']);
    const png = writeRaw(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'csv');
    const notSheet = runCli(['import', 'filings', png, '--bank', 'bank-icbc'], { env });
    expect(notSheet.code).toBe(2);
    expect(notSheet.stderr).toMatch(/^backstop: .*\.csv: is not a CSV or XLSX spreadsheet/);
    expect(existsSync(`${png}.errors.csv`)).toBe(false);
  }, 120_000);
});

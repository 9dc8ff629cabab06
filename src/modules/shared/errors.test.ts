/**
 * The refusals a user can get are made by the named constructors of each feature's errors file,
 * each with a stable code and its text in both languages (docs/API.md "Error codes").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authErrors } from '../auth/auth.errors';
import { claimErrors } from '../claims/claims.errors';
import { filingErrors } from '../filings/filings.errors';
import { importErrors } from '../imports/imports.errors';
import { ledgerErrors } from '../ledger/ledger.errors';
import { simulationErrors } from '../simulation/simulation.errors';
import { Problem } from './problem';

const root = join(import.meta.dirname, '../..');
const sources = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
  (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
);

describe('the refusals', () => {
  it('are built in the errors files only: no problem is made inline elsewhere', () => {
    const inline = sources.filter(
      (f) =>
        !f.endsWith('.errors.ts') &&
        !f.endsWith('shared/problem.ts') &&
        /new Problem\(|\bnotFound\(\{/.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(inline).toEqual([]);
  });

  it('have their detail and every field error in both languages, with a code', () => {
    const made: Problem[] = [
      filingErrors.notFound('4f1c'),
      simulationErrors.notFound(),
      ledgerErrors.accountNotFound('etown:cash'),
      authErrors.forbidden('bank', 'fund:write'),
      filingErrors.notAmendable('withdrawn'),
      claimErrors.wrongState('approve', 'paid'),
      filingErrors.filedAlready('ICBC-1'),
      importErrors.fileTooLarge(104857600, 'upload'),
      authErrors.rateLimited(45),
      authErrors.rateLimited(600),
    ];
    expect(made.map((p) => p.detail.zh)).toEqual([
      '未找到备案 4f1c。',
      '未找到模拟任务。',
      '未找到账户 etown:cash。',
      '“银行”角色无权执行此操作。',
      '“已撤销”的贷款不能修改。',
      '状态为“已支付”的代偿申请不能执行此操作。',
      '本行贷款 ICBC-1 已备案。',
      '上传内容不能超过 104857600 字节。',
      '登录失败次数过多，请 45 秒后再试。',
      '登录失败次数过多，请 10 分钟后再试。',
    ]);
    for (const p of made) {
      expect(p.errors.length).toBeGreaterThan(0);
      for (const e of p.errors) {
        expect(e.code).toMatch(/^[a-z_]+\.[a-z_]+$/);
        expect(e.zh).toBeTruthy();
        expect(e.en).toBeTruthy();
      }
    }
  });
});

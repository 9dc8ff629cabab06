/**
 * POLICY.md's six worked examples, run as a user would: `backstop evaluate CASE.json`.
 */
import { describe, expect, it } from 'vitest';
import { runCli, writeCase } from './run-cli';

const smallFirm = {
  registeredInZone: true,
  size: 'small',
  sciTech: false,
  industry: 'software',
  qualifications: [] as unknown[],
};
const sciTechFirm = { ...smallFirm, size: 'medium', sciTech: true };
const A = 'etown-2023-small-micro';
const B = 'etown-2025-sci-tech';

function evaluate(c: unknown, programme?: string) {
  const r = runCli(['evaluate', writeCase(c), ...(programme ? ['--programme', programme] : [])]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

// Each example starts a process: room for a loaded 2-core machine.
describe('POLICY.md worked examples through `backstop evaluate`', { timeout: 120_000 }, () => {
  it('1. A, credit 8,000,000, no qualification, 5,000,000 outstanding → 30% → 1,500,000.00 (F7, F6)', () => {
    const out = evaluate({
      programme: A,
      enterprise: smallFirm,
      loan: { kind: 'credit', principal: '8000000', disbursedOn: '2024-03-01', filedOn: '2024-03-05', mode: 'direct' },
      default: { outstandingPrincipal: '5000000', classifiedOn: '2025-01-10' },
    });
    expect(out).toMatchObject({
      programme: A,
      policyVersion: '2023-12',
      eligible: true,
      ratio: '0.3',
      compensation: '1500000.00',
    });
    expect(out.parties).toEqual([
      { party: 'fund', share: '0.3', amount: '1500000.00' },
      { party: 'bank', share: '0.7', amount: '3500000.00' },
    ]);
    expect(out.reasons.every((r: { ok: boolean }) => r.ok)).toBe(true);
  });

  it('2. the same, national high-tech certificate valid on the filing date → 40% → 2,000,000.00 (F7, R4)', () => {
    const out = evaluate({
      programme: A,
      enterprise: {
        ...smallFirm,
        qualifications: [{ kind: 'national-high-tech', validFrom: '2022-12-01', validTo: '2025-11-30' }],
      },
      loan: { kind: 'credit', principal: '8000000', disbursedOn: '2024-03-01', filedOn: '2024-03-05', mode: 'direct' },
      default: { outstandingPrincipal: '5000000', classifiedOn: '2025-01-10' },
    });
    expect(out).toMatchObject({ eligible: true, ratio: '0.4', compensation: '2000000.00' });
    expect(out.reasons.find((r: { rule: string }) => r.rule === 'qualification-uplift')).toMatchObject({
      applies: true,
      fact: 'F7',
    });
  });

  it('3. A, a 12,000,000 loan → not eligible, with the reason (F8, R1)', () => {
    const out = evaluate({
      programme: A,
      enterprise: smallFirm,
      loan: { kind: 'credit', principal: '12000000', disbursedOn: '2024-03-01', filedOn: '2024-03-05', mode: 'direct' },
    });
    expect(out.eligible).toBe(false);
    expect(out.ratio).toBe('0');
    const failing = out.reasons.filter((r: { ok: boolean }) => !r.ok);
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({ rule: 'size-limit', fact: 'F8' });
    expect(failing[0].zh).toContain('12,000,000.00');
  });

  it('4. B, IP-pledge 30,000,000 to a sci-tech SME, 20,000,000 outstanding → 50% → 10,000,000.00 (F11, F13)', () => {
    const out = evaluate({
      programme: B,
      enterprise: sciTechFirm,
      loan: {
        kind: 'ip-pledge',
        principal: '30000000',
        disbursedOn: '2025-09-01',
        filedOn: '2025-09-03',
        mode: 'direct',
      },
      default: { outstandingPrincipal: '20000000', classifiedOn: '2026-06-30' },
    });
    expect(out).toMatchObject({
      programme: B,
      policyVersion: '2025-07',
      eligible: true,
      ratio: '0.5',
      compensation: '10000000.00',
    });
  });

  it('5. B, risk sharing, 10,000,000, bank 20%, 6,000,000 outstanding → guarantee side 4,800,000; fund pays 1,200,000.00 (F15, F16)', () => {
    const out = evaluate({
      programme: B,
      enterprise: sciTechFirm,
      loan: {
        kind: 'credit',
        principal: '10000000',
        disbursedOn: '2025-09-01',
        filedOn: '2025-09-03',
        mode: 'risk-sharing',
        bankShare: '0.2',
      },
      default: { outstandingPrincipal: '6000000', classifiedOn: '2026-06-30' },
    });
    expect(out).toMatchObject({ eligible: true, ratio: '0.2', compensation: '1200000.00' });
    expect(out.parties).toEqual([
      { party: 'fund', share: '0.2', amount: '1200000.00' },
      { party: 'guarantee-side', share: '0.8', amount: '4800000.00' },
      { party: 'bank', share: '0', amount: '0.00' },
    ]);
  });

  it('6. B, a mortgage loan → not eligible (F5, F12)', () => {
    const out = evaluate({
      programme: B,
      enterprise: sciTechFirm,
      loan: {
        kind: 'mortgage',
        principal: '5000000',
        disbursedOn: '2025-09-01',
        filedOn: '2025-09-03',
        mode: 'direct',
      },
    });
    expect(out.eligible).toBe(false);
    expect(out.reasons.filter((r: { ok: boolean }) => !r.ok).map((r: { rule: string }) => r.rule)).toEqual([
      'loan-kind',
    ]);
  });

  it('R2: without --programme, every programme in force is judged and the most favourable comes first', () => {
    const out = evaluate({
      enterprise: { ...smallFirm, sciTech: true },
      loan: { kind: 'credit', principal: '8000000', disbursedOn: '2025-09-01', filedOn: '2025-09-03', mode: 'direct' },
      default: { outstandingPrincipal: '5000000', classifiedOn: '2026-01-10' },
    });
    expect(out).toMatchObject({ programme: B, compensation: '2500000.00' });
    expect(out.alternatives).toEqual([
      { programme: A, policyVersion: '2023-12', eligible: true, ratio: '0.3', compensation: '1500000.00' },
    ]);
  });
});

describe('bad input: exit 2, one line on stderr naming the field, never a stack trace', () => {
  const good = {
    enterprise: smallFirm,
    loan: { kind: 'credit', principal: '1000000', disbursedOn: '2024-03-01', filedOn: '2024-03-05', mode: 'direct' },
  };
  const cases: [string, unknown, RegExp][] = [
    [
      'three decimals',
      { ...good, loan: { ...good.loan, principal: '0.001' } },
      /^backstop: loan\.principal: has more than two decimals \(the smallest unit is 0\.01 yuan\)\n$/,
    ],
    ['an exponent', { ...good, loan: { ...good.loan, principal: '1e400' } }, /^backstop: loan\.principal: /],
    [
      'a number for money',
      { ...good, loan: { ...good.loan, principal: 1000000 } },
      /^backstop: loan\.principal: must be a decimal string/,
    ],
    [
      'a negative amount',
      { ...good, loan: { ...good.loan, principal: '-5' } },
      /^backstop: loan\.principal: must not be negative/,
    ],
    [
      'zero principal',
      { ...good, loan: { ...good.loan, principal: '0' } },
      /^backstop: loan\.principal: must be more than 0/,
    ],
    [
      'an impossible date',
      { ...good, loan: { ...good.loan, filedOn: '2024-02-30' } },
      /^backstop: loan\.filedOn: must be a real date/,
    ],
    [
      'a missing field',
      { ...good, enterprise: { ...smallFirm, size: undefined } },
      /^backstop: enterprise\.size: must be one of/,
    ],
    ['an unknown field', { ...good, loan: { ...good.loan, principle: '5' } }, /^backstop: loan: .*principle/],
    [
      'an unknown qualification kind',
      {
        ...good,
        enterprise: {
          ...smallFirm,
          qualifications: [{ kind: 'gold', validFrom: '2024-01-01', validTo: '2025-01-01' }],
        },
      },
      /^backstop: enterprise\.qualifications\[0\]\.kind: /,
    ],
    [
      'risk sharing without a bank share',
      { ...good, loan: { ...good.loan, mode: 'risk-sharing' } },
      /^backstop: loan\.bankShare: is required/,
    ],
    [
      'a bank share above 1',
      { ...good, loan: { ...good.loan, mode: 'risk-sharing', bankShare: '1.2' } },
      /^backstop: loan\.bankShare: must not exceed 1/,
    ],
    [
      'outstanding above principal',
      { ...good, default: { outstandingPrincipal: '2000000', classifiedOn: '2025-01-01' } },
      /^backstop: default\.outstandingPrincipal: must not exceed loan\.principal/,
    ],
    ['an unknown programme', { ...good, programme: 'nowhere' }, /^backstop: programme: unknown programme nowhere/],
    [
      'a date before any policy',
      { ...good, loan: { ...good.loan, disbursedOn: '2023-06-01', filedOn: '2023-06-02' } },
      /^backstop: loan\.filedOn: no programme has a policy version in force on 2023-06-02/,
    ],
    [
      'a date beyond the holiday calendar',
      { ...good, loan: { ...good.loan, disbursedOn: '2027-03-01', filedOn: '2027-03-05' } },
      /^backstop: loan\.filedOn: the holiday calendar has no data for 2027/,
    ],
    ['not an object', [1, 2], /^backstop: \(body\): /],
  ];
  it.each(cases)('%s', (_name, input, stderr) => {
    const r = runCli(['evaluate', writeCase(input)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(stderr);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('broken JSON', () => {
    const r = runCli(['evaluate', writeCase('{"enterprise": ')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^backstop: .*CASE\.json: not valid JSON/);
  });

  it('a missing file', () => {
    const r = runCli(['evaluate', '/nonexistent/CASE.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('backstop: /nonexistent/CASE.json: cannot read the file (ENOENT)\n');
  });

  it('reads standard input with -', () => {
    const r = runCli(['evaluate', '-'], { input: JSON.stringify(good) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).eligible).toBe(true);
  });
});

describe('backstop policy', () => {
  it('lists both programmes', () => {
    const r = runCli(['policy', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((p: { programme: string }) => p.programme)).toEqual([A, B]);
  });
  it('shows a policy file', () => {
    const r = runCli(['policy', 'show', B]);
    expect(JSON.parse(r.stdout).limits.perEnterprisePerBank.value).toBe('30000000.00');
  });
  it('refuses an unknown programme with exit 2', () => {
    const r = runCli(['policy', 'show', 'nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^backstop: programme: no policy nowhere/);
  });
});

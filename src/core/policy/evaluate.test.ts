import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadPolicyFiles } from '../../modules/programmes/policy-files';
import { shippedCalendar as calendar } from '../calendar';
import {
  caseSchema,
  compilePolicy,
  evaluate,
  PolicyFileError,
  toLoanCase,
  type CaseInput,
  type CompiledPolicy,
} from '.';

const files = loadPolicyFiles();
const A = files.find((f) => f.policy.programme === 'etown-2023-small-micro')!.policy;
const B = files.find((f) => f.policy.programme === 'etown-2025-sci-tech')!.policy;

const base: CaseInput = {
  enterprise: { registeredInZone: true, size: 'small', sciTech: true, industry: 'software', qualifications: [] },
  loan: { kind: 'credit', principal: '1000000', disbursedOn: '2025-09-01', filedOn: '2025-09-03', mode: 'direct' },
};

function judge(
  policy: CompiledPolicy,
  patch: {
    enterprise?: Partial<CaseInput['enterprise']>;
    loan?: Partial<CaseInput['loan']>;
    default?: CaseInput['default'];
  },
) {
  const input = {
    ...base,
    enterprise: { ...base.enterprise, ...patch.enterprise },
    loan: { ...base.loan, ...patch.loan },
    ...(patch.default ? { default: patch.default } : {}),
  };
  const d = evaluate(toLoanCase(caseSchema.parse(input)), policy);
  const failing = d.reasons.filter((r) => !r.ok).map((r) => (r.kind === 'eligibility' ? r.rule.id : r.kind));
  return { ...d, failing };
}

describe('size limits, exactly at the limit and one fen above (F8, F11, R1)', () => {
  it.each([
    [A, '10000000.00', true],
    [A, '10000000.01', false],
    [B, '30000000.00', true],
    [B, '30000000.01', false],
  ] as const)('%#: %s', (policy, principal, eligible) => {
    const r = judge(policy, { loan: { principal } });
    expect(r.eligible).toBe(eligible);
    expect(r.failing).toEqual(eligible ? [] : ['size-limit']);
  });
});

describe('qualification validity on the filing date (F7, R4)', () => {
  const filedOn = '2025-09-03';
  it.each([
    ['expired the day before filing', '2022-09-03', '2025-09-02', 3000],
    ['expires on the filing day', '2022-09-03', '2025-09-03', 4000],
    ['starts on the filing day', '2025-09-03', '2028-09-02', 4000],
    ['starts the day after filing', '2025-09-04', '2028-09-03', 3000],
  ])('%s', (_name, validFrom, validTo, ratioBp) => {
    const r = judge(A, {
      enterprise: { qualifications: [{ kind: 'little-giant', validFrom, validTo }] },
      loan: { filedOn },
    });
    expect(r.eligible).toBe(true);
    expect(r.terms.ratioBp).toBe(ratioBp);
  });
  it('two qualifications add the uplift once', () => {
    const q = { validFrom: '2024-01-01', validTo: '2026-12-31' };
    const r = judge(A, {
      enterprise: {
        qualifications: [
          { kind: 'national-high-tech', ...q },
          { kind: 'little-giant', ...q },
        ],
      },
    });
    expect(r.terms.ratioBp).toBe(4000);
  });
  it('Programme B pays 50% with or without a qualification (R12)', () => {
    const r = judge(B, {
      enterprise: { qualifications: [{ kind: 'national-high-tech', validFrom: '2024-01-01', validTo: '2026-12-31' }] },
    });
    expect(r.terms.ratioBp).toBe(5000);
  });
});

describe('filing deadline in working days across a holiday with 调休 (G6, R13)', () => {
  // Disbursed Friday 2025-01-24, before the Spring Festival: Sunday 01-26 and Saturday 02-08 are make-up
  // working days, 01-28…02-04 are off, so the 10th working day after is Thursday 2025-02-13.
  it.each([
    ['filed before disbursement', '2025-01-20', true],
    ['filed on the disbursement day', '2025-01-24', true],
    ['filed on the 10th working day', '2025-02-13', true],
    ['filed one day late', '2025-02-14', false],
  ])('%s', (_name, filedOn, eligible) => {
    const r = judge(A, { loan: { disbursedOn: '2025-01-24', filedOn } });
    expect(r.failing).toEqual(eligible ? [] : ['filing-deadline']);
  });
  it('counts make-up Sunday and Saturday and skips the National Day week', () => {
    // Disbursed Wednesday 2024-09-25: 9-26, 9-27, 9-29 (Sun, 调休), 9-30, then 10-01…10-07 off, 10-08, 10-09,
    // 10-10, 10-11, 10-12 (Sat, 调休), so the 10th working day is Monday 10-14; Sunday 10-13 is still in time.
    expect(judge(A, { loan: { disbursedOn: '2024-09-25', filedOn: '2024-10-13' } }).eligible).toBe(true);
    expect(judge(A, { loan: { disbursedOn: '2024-09-25', filedOn: '2024-10-14' } }).eligible).toBe(true);
    expect(judge(A, { loan: { disbursedOn: '2024-09-25', filedOn: '2024-10-15' } }).failing).toEqual([
      'filing-deadline',
    ]);
  });
});

describe('enterprise rules (G2, F4, F10)', () => {
  it.each([
    [A, { size: 'medium' as const }, ['enterprise-size']],
    [B, { size: 'medium' as const }, []],
    [B, { size: 'large' as const }, ['enterprise-size']],
    [A, { registeredInZone: false }, ['registered-in-zone']],
    [B, { sciTech: false }, ['sci-tech']],
    [A, { sciTech: false }, []],
    [A, { industry: 'real-estate' }, ['excluded-industry']],
    [B, { industry: 'quasi-finance' }, ['excluded-industry']],
    [A, { restrictedProcesses: true }, ['restricted-processes']],
  ])('%#', (policy, enterprise, failing) => {
    expect(judge(policy, { enterprise }).failing).toEqual(failing);
  });
  it('every failing reason is reported, not only the first', () => {
    const r = judge(A, {
      enterprise: { size: 'large', industry: 'finance' },
      loan: { kind: 'mortgage', principal: '20000000' },
    });
    expect(r.failing).toEqual(['enterprise-size', 'excluded-industry', 'loan-kind', 'size-limit']);
  });
});

describe('risk-sharing mode (F14, F15, F16, R5)', () => {
  it('Programme A does not take risk-sharing loans', () => {
    expect(judge(A, { loan: { mode: 'risk-sharing', bankShare: '0.2' } }).failing).toEqual(['mode']);
  });
  it('the bank must bear at least 20%', () => {
    expect(judge(B, { loan: { mode: 'risk-sharing', bankShare: '0.2' } }).eligible).toBe(true);
    expect(judge(B, { loan: { mode: 'risk-sharing', bankShare: '0.1999' } }).failing).toEqual(['bank-share']);
  });
  it('a bank share above 20% is compensated up to 20 points (R5)', () => {
    const r = judge(B, {
      loan: { mode: 'risk-sharing', bankShare: '0.3', principal: '10000000' },
      default: { outstandingPrincipal: '6000000', classifiedOn: '2026-06-30' },
    });
    expect(r.terms.ratioBp).toBe(2000);
    expect(r.compensation!.parties.map((p) => [p.party, p.shareBp, p.amount])).toEqual([
      ['fund', 2000, 120000000n],
      ['guarantee-side', 7000, 420000000n],
      ['bank', 1000, 60000000n],
    ]);
  });
});

describe('compensation (F6, R10)', () => {
  it('is ratio × outstanding rounded half-up once, and the parties add up to the loss', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 3_000_000_000n }),
        fc.integer({ min: 2000, max: 10000 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 100 }),
        (principalFen, bankShareBp, riskSharing, outstandingPct) => {
          const outstanding = (principalFen * BigInt(outstandingPct)) / 100n;
          const yuan = (f: bigint) => `${f / 100n}.${(f % 100n).toString().padStart(2, '0')}`;
          const bankShare = `0.${String(bankShareBp).padStart(4, '0')}`.replace('0.10000', '1');
          const r = judge(B, {
            loan: { principal: yuan(principalFen), ...(riskSharing ? { mode: 'risk-sharing', bankShare } : {}) },
            default: { outstandingPrincipal: yuan(outstanding), classifiedOn: '2026-06-30' },
          });
          const ratio = riskSharing ? Math.min(bankShareBp, 2000) : 5000;
          const exact = outstanding * BigInt(ratio);
          const expected = exact / 10000n + (exact % 10000n >= 5000n ? 1n : 0n);
          expect(r.compensation!.compensation).toBe(expected);
          expect(r.compensation!.parties.reduce((a, p) => a + p.amount, 0n)).toBe(outstanding);
          expect(r.compensation!.parties.every((p) => p.amount >= 0n)).toBe(true);
        },
      ),
    );
  });
  it('nothing is compensated for an ineligible loan', () => {
    const r = judge(A, {
      loan: { principal: '20000000' },
      default: { outstandingPrincipal: '100', classifiedOn: '2026-01-01' },
    });
    expect(r.compensation).toBeUndefined();
    expect(r.terms.ratioBp).toBe(0);
  });
});

describe('policy files', () => {
  it('cite only ids that POLICY.md defines', () => {
    const ids = new Set(
      [
        ...readFileSync(new URL('../../../docs/POLICY.md', import.meta.url), 'utf8').matchAll(/^\| ([FGR]\d+) \|/gm),
      ].map((m) => m[1]),
    );
    expect(ids.size).toBeGreaterThanOrEqual(40);
    for (const f of files) {
      const cited = [...f.text.matchAll(/"([FGR]\d+)"/g)].map((m) => m[1]);
      expect(cited.filter((c) => !ids.has(c))).toEqual([]);
    }
  });

  it('a third zone’s scheme is a new file, not new code', () => {
    const shenzhen = compilePolicy(
      {
        ...A.source,
        programme: 'shenzhen-demo',
        version: '2026-01',
        effectiveFrom: '2026-01-01',
        eligibility: [
          {
            id: 'loan-kind',
            cites: ['F5'],
            fact: 'loan.kind',
            op: 'in',
            value: ['credit'],
            message: { zh: '{actual}', en: '{actual}' },
          },
          {
            id: 'size-limit',
            cites: ['R1'],
            fact: 'loan.principal',
            op: 'lte',
            value: '5000000',
            message: { zh: '{actual}', en: '{actual}' },
          },
        ],
        compensation: {
          ...A.source.compensation,
          base: { ...A.source.compensation.base, ratio: '0.45' },
          uplifts: [],
          capPerLoan: '1000000.00',
        },
      },
      { calendar },
    );
    const r = judge(shenzhen, {
      loan: { principal: '5000000', filedOn: '2026-03-02', disbursedOn: '2026-03-02' },
      default: { outstandingPrincipal: '4000000', classifiedOn: '2026-09-01' },
    });
    expect(r.eligible).toBe(true);
    expect(r.compensation!.compensation).toBe(100000000n); // 45% of 4,000,000 = 1,800,000, capped at 1,000,000
    expect(r.compensation!.parties.reduce((a, p) => a + p.amount, 0n)).toBe(400000000n);
  });

  it.each([
    [
      'an operator that does not fit the fact',
      { fact: 'loan.principal', op: 'anyValidOn', value: [] },
      /eligibility\[0\]\.op: anyValidOn does not apply to loan\.principal/,
    ],
    [
      'money with three decimals',
      { fact: 'loan.principal', op: 'lte', value: '1.001' },
      /eligibility\[0\]\.value: has more than two decimals/,
    ],
    [
      'a list where a value is wanted',
      { fact: 'loan.kind', op: 'in', value: 'credit' },
      /eligibility\[0\]\.value: must be a non-empty list/,
    ],
    ['an unknown fact', { fact: 'loan.colour', op: 'eq', value: 'red' }, /eligibility\[0\]\.fact/],
    [
      'a working-days rule without ref',
      { fact: 'loan.filedOn', op: 'withinWorkingDaysAfter', value: 10 },
      /eligibility\[0\]\.ref/,
    ],
    [
      'a misspelt placeholder',
      { fact: 'loan.principal', op: 'lte', value: '1', message: { zh: '本金 {actaul}', en: '{actual}' } },
      /eligibility\[0\]\.message\.zh: unknown placeholder \{actaul\}; this message may use \{actual\}, \{value\}$/,
    ],
    [
      'a deadline where no working days are counted',
      { fact: 'loan.principal', op: 'lte', value: '1', message: { zh: '{actual}', en: 'by {deadline}' } },
      /eligibility\[0\]\.message\.en: unknown placeholder \{deadline\}/,
    ],
    [
      'a placeholder named like an object member',
      { fact: 'loan.principal', op: 'lte', value: '1', message: { zh: '{toString}', en: '{constructor}' } },
      /message\.zh: unknown placeholder \{toString\}.*message\.en: unknown placeholder \{constructor\}/,
    ],
  ])('refuses %s, naming the field', (_name, rule, message) => {
    const file = { ...A.source, eligibility: [{ id: 'r', cites: ['F1'], message: { zh: 'x', en: 'x' }, ...rule }] };
    // A revision stored before a check was added still loads (R3), unless its rules themselves are broken.
    if (/placeholder/.test(String(message)))
      expect(compilePolicy(file, { calendar, stored: true }).rules[0]!.message).toEqual(
        (rule as { message: unknown }).message,
      );
    expect(() => compilePolicy(file, { calendar })).toThrow(PolicyFileError);
    expect(() => compilePolicy(file, { calendar })).toThrow(message);
  });
});

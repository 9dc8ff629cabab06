/**
 * The model-based checker can fail: for each of the five defects, the checker is run over a trace of
 * what the broken system answered (recorded by test/model/record-traces.ts from the code before the
 * fixes, commit 98b4a69) and must report that defect's discrepancy at the step where it shows. The
 * same trace checked by a model that expects the old answer for that defect (and only that one)
 * reports nothing of it — so each discrepancy is the defect and not noise. No database: the traces
 * are data. Plus the checker's own comparison, shown on a reply and a figure changed by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DefectId } from './business-model';
import { checkTrace, compareFigures, compareReply, type Trace } from './checker';
import { TRACES_DIR } from './record-traces';

const load = (name: string): Trace =>
  JSON.parse(readFileSync(join(TRACES_DIR, `${name}.json`), 'utf8'), (_k, v) =>
    typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
  ) as Trace;

const ALL: DefectId[] = ['R14', 'R18', 'R16', 'R15', 'R6'];
const allBut = (d: DefectId) => new Set(ALL.filter((x) => x !== d));
const paths = (r: ReturnType<typeof checkTrace>) => r.flatMap((s) => s.diffs.map((d) => `#${s.step} ${d.path}`));

describe('the checker reports each defect in a trace of what the broken system answered', () => {
  it('R14 (a repayment while the claim waits does not lower it): the claim and the approval’s compensation differ', () => {
    const t = load('R14');
    const found = checkTrace(t, allBut('R14'));
    // step 4: the 1,900,000.00 repayment — the claim should fall to 100,000.00 / 50,000.00
    expect(paths(found)).toContain('#4 claims[0].outstanding');
    expect(found.find((s) => s.step === 4)!.diffs).toContainEqual({
      path: 'claims[0].compensation',
      expected: '5000000',
      got: '100000000',
    });
    // step 6: approval books 1,000,000.00 where 50,000.00 is owed
    expect(found.find((s) => s.step === 6)!.diffs).toContainEqual({
      path: 'banks[0].payable',
      expected: '5000000',
      got: '100000000',
    });
    expect(checkTrace(t, new Set(ALL))).toEqual([]);
  });

  it('R18 (the preparer rejects alone): the checker expects 403, the system answered 200', () => {
    const t = load('R18');
    const found = checkTrace(t, allBut('R18'));
    expect(found[0]!.step).toBe(5);
    expect(found[0]!.diffs[0]).toMatchObject({ path: 'reply.status', expected: 403, got: 200 });
    expect(paths(found)).toContain('#5 claims[0].state');
    expect(checkTrace(t, new Set(ALL))).toEqual([]);
  });

  it('R16/R17 (compensation takes the loan out of G5): G5 no longer counts it, and the 29,000,000.00 loan is accepted', () => {
    const t = load('R16-R17');
    const found = checkTrace(t, allBut('R16'));
    // step 5: approval released the 2,000,000.00 from G5
    expect(found.find((s) => s.step === 5)!.diffs).toContainEqual({
      path: 'g5.B:0:0',
      expected: '200000000',
      got: undefined,
    });
    // step 7: the new loan to the defaulted enterprise: 422 (R17, and G5: 2M + 29M > 30M) expected, 200 answered
    expect(found.find((s) => s.step === 7)!.diffs[0]).toMatchObject({ path: 'reply.status', expected: 422, got: 200 });
    expect(checkTrace(t, new Set(ALL))).toEqual([]);
  });

  it('R15 (the limit does not move when the fund pays out): after paying 1,000,000.00 the limit should be 40,000,000.00', () => {
    const t = load('R15');
    const found = checkTrace(t, allBut('R15'));
    expect(found).toHaveLength(1);
    expect(found[0]!.step).toBe(6);
    expect(found[0]!.diffs).toContainEqual({ path: 'fund.limit', expected: '4000000000', got: '5000000000' });
    expect(checkTrace(t, new Set(ALL))).toEqual([]);
  });

  it('R6 (nonPerformingOn is the report day): overdue since 2025-09-10, reported 2026-01-20: 2025-12-10 expected', () => {
    const t = load('R6');
    const found = checkTrace(t, allBut('R6'));
    expect(found).toEqual([
      {
        step: 2,
        cmd: t.steps[1]!.cmd,
        diffs: [{ path: 'loans[0].nonPerformingOn', expected: '2025-12-10', got: '2026-01-20' }],
      },
    ]);
    expect(checkTrace(t, new Set(ALL))).toEqual([]);
  });

  it('against the policy (no legacy at all), every trace shows its defect', () => {
    for (const name of ['R14', 'R18', 'R16-R17', 'R15', 'R6']) expect(checkTrace(load(name)).length).toBeGreaterThan(0);
  });
});

describe('the comparison itself', () => {
  it('names every figure that differs, by path', () => {
    expect(
      compareFigures({ fund: { limit: '1' }, loans: [{ status: 'active' }] }, { fund: { limit: '2' }, loans: [] }),
    ).toEqual([
      { path: 'fund.limit', expected: '1', got: '2' },
      { path: 'loans.length', expected: 1, got: 0 },
    ]);
  });

  it('a refused filing must cite one of the rules the model found failing', () => {
    const cmd = { t: 'sweep' } as const;
    expect(
      compareReply({ status: 422, rules: ['R17'] }, { status: 422, text: '[{"field":"rule:size-limit"}]' }, cmd),
    ).toHaveLength(1);
    expect(
      compareReply({ status: 422, rules: ['G5', 'R17'] }, { status: 422, text: 'exceed the cap (G5)' }, cmd),
    ).toEqual([]);
    expect(compareReply({ status: 200 }, { status: 409, text: 'Not allowed' }, cmd)[0]!.path).toBe('reply.status');
  });
});

/**
 * `claimWorkflow` in a policy file (R21, R23): the working days a bank has to complete a returned
 * claim are the programme's, 10 where the file does not say; a file that writes a bad number is
 * refused naming the field.
 */
import { describe, expect, it } from 'vitest';
import { loadPolicyFiles } from '../../modules/programmes/policy-files';
import { shippedCalendar as calendar } from '../calendar';
import { compilePolicy, PolicyFileError } from '.';

const shipped = loadPolicyFiles();
const A = shipped.find((f) => f.policy.programme === 'etown-2023-small-micro')!.policy.source;

describe('claimWorkflow.returnWorkingDays (R21)', () => {
  it('is 10 in both E-Town programmes, as their files write it', () => {
    for (const f of shipped) {
      expect(f.policy.source.claimWorkflow?.returnWorkingDays).toBe(10);
      expect(f.policy.returnWorkingDays).toBe(10);
    }
  });

  it('is what the file writes, and 10 where it writes none or no workflow at all', () => {
    expect(compilePolicy({ ...A, claimWorkflow: { returnWorkingDays: 7 } }, { calendar }).returnWorkingDays).toBe(7);
    expect(compilePolicy({ ...A, claimWorkflow: { cites: ['R21'] } }, { calendar }).returnWorkingDays).toBe(10);
    expect(compilePolicy({ ...A, claimWorkflow: null }, { calendar }).returnWorkingDays).toBe(10);
  });

  it('leaves the default stage in place when the file writes only the return’s days', () => {
    const p = compilePolicy({ ...A, claimWorkflow: { returnWorkingDays: 7 } }, { calendar });
    expect(p.claimStages.map((s) => [s.id, s.by, s.workingDays])).toEqual([['approval', ['manager', 'reviewer'], 5]]);
  });

  it.each([0, 61, 2.5, '10', null])('refuses %s, naming the field', (value) => {
    const file = { ...A, claimWorkflow: { returnWorkingDays: value } };
    expect(() => compilePolicy(file, { calendar })).toThrow(PolicyFileError);
    expect(() => compilePolicy(file, { calendar })).toThrow(
      'claimWorkflow.returnWorkingDays: must be a whole number of working days from 1 to 60',
    );
  });
});

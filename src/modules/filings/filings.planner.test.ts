/**
 * Online filings planned a group at a time (filings.planner.ts): requests that arrive together are
 * read together, and each still gets its own answer — a loan number another bank uses is not "filed
 * already", a bad request's Problem is its own, and the good ones in its group are filed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../adapters/db/testing';
import { benchWorld, creditCode } from '../../../bench/world';
import { parseYuan } from '../../core/money/money';
import type { Actor } from '../auth/access';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { groupCommitUnits } from '../shared/metrics';
import { Problem } from '../shared/problem';
import { fileLoan, type FilingInput } from './filings.usecases';

const database = await openTestDatabase();
let catalog: PolicyCatalog;
const officer = (bankId: string): Actor => ({
  userId: bankId,
  username: `${bankId}-officer`,
  displayName: bankId,
  role: 'bank',
  bankId,
  guarantorId: null,
  via: 'token',
});
const manager: Actor = { ...officer('x'), username: 'manager', role: 'manager', bankId: null };
const TODAY = '2025-09-03';
const loan = { kind: 'credit', principal: parseYuan('1000000.00'), disbursedOn: '2025-09-01', mode: 'direct' } as const;

beforeAll(async () => {
  catalog = await benchWorld(database, 10, { banks: 2 });
});
afterAll(() => database.close());

/** The request's answer: the filing's bank and loan number, or the Problem's status and first code. */
async function answer(actor: Actor, input: Partial<FilingInput>) {
  try {
    const { filing } = await fileLoan({
      db: database.db,
      catalog,
      actor,
      today: TODAY,
      input: { loan, ...input } as FilingInput,
    });
    return `filed ${filing.bankId} ${filing.bankRef} ${filing.enterpriseId}`;
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    return `${e.status} ${e.errors[0]!.code}`;
  }
}

const groups = async () => {
  const metric = await groupCommitUnits.get();
  return metric.values.find((v) => v.metricName?.endsWith('_count') && v.labels.writer === 'filing-plans')?.value ?? 0;
};

describe('filings planned a group at a time', () => {
  it('answers each request of a group on its own', async () => {
    expect(await answer(officer('bank-icbc'), { bankRef: 'P-0', enterpriseId: 'ent-1' })).toBe(
      'filed bank-icbc P-0 ent-1',
    );
    const before = await groups();
    const asks: [Actor, Partial<FilingInput>][] = [
      [officer('bank-icbc'), { bankRef: 'P-1', enterpriseId: 'ent-1' }],
      // the same loan number at another bank, the enterprise named by its credit code
      [officer('bank-ccb'), { bankRef: 'P-1', creditCode: creditCode(2) }],
      [officer('bank-ccb'), { bankRef: 'P-0', creditCode: creditCode(3) }],
      [officer('bank-icbc'), { bankRef: 'P-0', enterpriseId: 'ent-4' }],
      [officer('bank-icbc'), { bankRef: 'P-2', enterpriseId: 'ent-999' }],
      [officer('bank-icbc'), { bankRef: 'P-3', creditCode: '91110302000000000X' }],
      [officer('bank-icbc'), { bankRef: 'P-4', enterpriseId: 'ent-5', creditCode: creditCode(6) }],
      [manager, { bankRef: 'P-5', enterpriseId: 'ent-7', bankId: 'bank-nope' }],
      [manager, { bankRef: 'P-6', enterpriseId: 'ent-8', bankId: 'bank-ccb' }],
      [officer('bank-icbc'), { bankRef: 'P-7', enterpriseId: 'ent-9', loan: { ...loan, disbursedOn: '2027-01-01' } }],
    ];
    const answers = await Promise.all(asks.map(([actor, input]) => answer(actor, input)));
    expect(answers).toEqual([
      'filed bank-icbc P-1 ent-1',
      'filed bank-ccb P-1 ent-2',
      'filed bank-ccb P-0 ent-3',
      '409 filing.filed_already',
      '400 filing.enterprise_not_registered',
      '400 filing.enterprise_not_registered',
      '400 filing.credit_code_mismatch',
      '400 filing.bank_unknown',
      'filed bank-ccb P-6 ent-8',
      '400 filing.disbursed_too_late',
    ]);
    // Read together: fewer groups than requests (the first goes alone, the rest wait for it).
    const formed = (await groups()) - before;
    expect(formed).toBeGreaterThan(0);
    expect(formed).toBeLessThan(asks.length);
  });
});

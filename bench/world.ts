/**
 * The world the filing benchmarks file into: the shipped policies, one bank, a fund so large that
 * no limit is what is measured, and `enterprises` registered enterprises (ent-1 … ent-N, credit
 * codes from creditCode(n)). Not a benchmark itself (no .bench.ts).
 */
import type { Database } from '../src/adapters/db/database';
import { parseYuan } from '../src/core/money/money';
import type { Actor } from '../src/modules/auth/access';
import { createFund, signAgreement } from '../src/modules/funds/funds.usecases';
import { loadPolicyFiles } from '../src/modules/programmes/policy-files';
import { createProgrammesRepository } from '../src/modules/programmes/programmes.repository';
import { loadPolicyCatalog, syncPolicyFiles } from '../src/modules/programmes/programmes.usecases';
import { enterprises } from '../src/modules/registry/registry.table';
import { registerInstitution } from '../src/modules/registry/registry.usecases';
import { createRegistryRepository } from '../src/modules/registry/registry.repository';
import { creditCodeCheckCharacter } from '../src/core/registry/credit-code';
import { loadWorkingCalendar } from '../src/modules/calendar/calendar.usecases';

export const benchManager: Actor = {
  userId: 'bench',
  username: 'bench',
  displayName: 'bench',
  role: 'manager',
  bankId: null,
  guarantorId: null,
  via: 'session',
};

/** A valid unified social credit code (GB 32100-2015 check character) for n. */
export function creditCode(n: number): string {
  const first17 = `91110302${String(n).padStart(9, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

export async function benchWorld(database: Database, enterpriseCount: number) {
  const db = database.db;
  const programmes = createProgrammesRepository({ db });
  await syncPolicyFiles({ repo: programmes, files: loadPolicyFiles() });
  const catalog = await loadPolicyCatalog({ repo: programmes, calendar: await loadWorkingCalendar({ db }) });
  await registerInstitution({
    repo: createRegistryRepository({ db }),
    input: { id: 'bank-icbc', kind: 'bank', name: '工商银行亦庄支行', registeredInZone: true },
  });
  // A fund large enough that every loan is really filed: the limit is 10 × capital.
  await createFund({
    db,
    actor: benchManager,
    input: {
      id: 'etown',
      name: '亦庄风险补偿资金',
      programmes: ['etown-2025-sci-tech'],
      liabilityMultipleBp: 100_000,
      capital: parseYuan('100000000000.00'),
      on: '2024-01-02',
    },
  });
  await signAgreement({
    db,
    actor: benchManager,
    input: { fundId: 'etown', programmeId: 'etown-2025-sci-tech', institutionId: 'bank-icbc', signedOn: '2024-01-01' },
  });
  for (let from = 0; from < enterpriseCount; from += 2000) {
    await db.insert(enterprises).values(
      Array.from({ length: Math.min(2000, enterpriseCount - from) }, (_, k) => {
        const i = from + k + 1;
        return {
          id: `ent-${i}`,
          creditCode: creditCode(i),
          name: `企业${i}`,
          size: 'small' as const,
          industry: 'software',
          sciTech: true,
          registeredInZone: true,
          restrictedProcesses: false,
          createdByBank: null,
        };
      }),
    );
  }
  return catalog;
}

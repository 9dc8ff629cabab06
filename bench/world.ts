/**
 * The world the filing benchmarks file into: the shipped policies, one bank or several (each with
 * its agreement), a fund so large that no limit is what is measured, and `enterprises` registered
 * enterprises (ent-1 … ent-N, credit codes from creditCode(n)); and the CPU the database's server
 * processes have used. Not a benchmark itself (no .bench.ts).
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/adapters/db/database';
import { rowsOf } from '../src/modules/shared/rows';
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

/** The banks of the world: the first is the one a single-bank benchmark files for. */
export const BENCH_BANKS = [
  { id: 'bank-icbc', name: '工商银行亦庄支行' },
  { id: 'bank-ccb', name: '建设银行亦庄支行' },
  { id: 'bank-boc', name: '中国银行亦庄支行' },
  { id: 'bank-abc', name: '农业银行亦庄支行' },
] as const;

export async function benchWorld(database: Database, enterpriseCount: number, { banks = 1 } = {}) {
  const db = database.db;
  const programmes = createProgrammesRepository({ db });
  await syncPolicyFiles({ repo: programmes, files: loadPolicyFiles() });
  const catalog = await loadPolicyCatalog({ repo: programmes, calendar: await loadWorkingCalendar({ db }) });
  const banksHere = BENCH_BANKS.slice(0, banks);
  for (const bank of banksHere)
    await registerInstitution({
      repo: createRegistryRepository({ db }),
      input: { id: bank.id, kind: 'bank', name: bank.name, registeredInZone: true },
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
  for (const bank of banksHere)
    await signAgreement({
      db,
      actor: benchManager,
      input: { fundId: 'etown', programmeId: 'etown-2025-sci-tech', institutionId: bank.id, signedOn: '2024-01-01' },
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

/** CPU milliseconds a process has used so far (/proc/PID/stat: utime + stime at 100 ticks a second); 0 once it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * CPU milliseconds the database's server processes (PostgreSQL on this machine) have used so far,
 * by pid. On a shared machine the wall clock depends on everyone else's load; CPU time per row
 * much less so.
 */
export async function postgresCpu(database: Database): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (database.kind !== 'postgres') return out;
  for (const r of rowsOf(
    await database.db.execute(sql`select pid from pg_stat_activity where datname = current_database()`),
  )) {
    const ms = processCpuMs(Number(r.pid));
    if (ms > 0) out.set(Number(r.pid), ms); // 0: gone since (not counted, as between two readings)
  }
  return out;
}

/** The CPU used between two readings of postgresCpu (a backend that ended between them is not counted). */
export const postgresCpuSince = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

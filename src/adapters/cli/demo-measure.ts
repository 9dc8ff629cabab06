/**
 * Seeds the demo on a fresh database and prints wall and CPU time per step:
 * `npx tsx src/adapters/cli/demo-measure.ts [loans] [enterprises]` — embedded database in a new
 * temporary directory, or PostgreSQL when DATABASE_URL is set (the database must be empty);
 * DEMO_AS_OF fixes the demo's day, DEMO_SIZES=1 prints each fund's filed principal and liability.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/database';
import { breakerOf } from '../../modules/claims/breaker.usecases';
import { verifyLedger } from '../../modules/ledger/ledger.verify';
import { NEAR_BREAKER_BANK, TRIPPED_BANK } from '../../modules/demo/demo.data';
import { loadPolicyFiles } from '../../modules/programmes/policy-files';
import { createProgrammesRepository } from '../../modules/programmes/programmes.repository';
import { loadPolicyCatalog, syncPolicyFiles } from '../../modules/programmes/programmes.usecases';
import { claimStates, seedDemo } from '../../modules/demo/demo.seed';
import { loadWorkingCalendar } from '../../modules/calendar/calendar.usecases';

const loans = Number(process.argv[2] ?? 5000);
const enterprises = Number(process.argv[3] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'backstop-demo-'));
const database = await openDatabase({ dataDir: join(dir, 'data'), ...(process.env.DATABASE_URL ? {} : { url: '' }) });
const repo = createProgrammesRepository({ db: database.db });
await syncPolicyFiles({ repo, files: loadPolicyFiles() });
const catalog = await loadPolicyCatalog({ repo, calendar: await loadWorkingCalendar({ db: database.db }) });

const wall0 = performance.now();
const cpu0 = process.cpuUsage();
let wallAt = wall0;
let cpuAt = cpu0;
const seconds = (us: number) => (us / 1e6).toFixed(1);
const summary = await seedDemo({
  db: database.db,
  catalog,
  asOf: process.env.DEMO_AS_OF ?? new Date().toISOString().slice(0, 10),
  loans,
  enterprises,
  progress: (m) => {
    const cpu = process.cpuUsage(cpuAt);
    process.stdout.write(
      `${m.padEnd(60)} wall ${((performance.now() - wallAt) / 1000).toFixed(1)} s, cpu ${seconds(cpu.user + cpu.system)} s\n`,
    );
    wallAt = performance.now();
    cpuAt = process.cpuUsage();
  },
});
const cpu = process.cpuUsage(cpu0);
const wall = (performance.now() - wall0) / 1000;
const report = await verifyLedger({ db: database.db });
const states = await claimStates(database.db);
const breakers = Object.fromEntries(
  await Promise.all(
    [NEAR_BREAKER_BANK, TRIPPED_BANK].map(async (b) => {
      const x = await breakerOf({ db: database.db, catalog, bankId: b });
      return [
        b,
        { tripped: x.tripped, claimRatioBp: x.claimRatioBp, net: x.netCompensation, filed: x.figures.filedPrincipal },
      ];
    }),
  ),
);
process.stdout.write(
  `${JSON.stringify({ database: database.kind, loans, enterprises, wallSeconds: Number(wall.toFixed(1)), cpuSeconds: Number(seconds(cpu.user + cpu.system)), ledgerOk: report.ok, states, breakers, summary }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`,
);
if (process.env.DEMO_SIZES) {
  const { sql } = await import('drizzle-orm');
  console.log(
    await database.db.execute(
      sql`select fund_id, count(*)::int n, sum(principal)::text principal, sum(principal * ratio_bp / 10000)::text max_reserved, sum(reserved)::text reserved from filings group by fund_id`,
    ),
  );
}
await database.close();
rmSync(dir, { recursive: true, force: true });

/**
 * The process test/ledger/crash.test.ts kills with SIGKILL: writes ledger batches in a loop through
 * the ordinary database (BACKSTOP_DATA or DATABASE_URL) and prints `ack <batch>` only after a batch
 * call returned. Each batch is 10 transfers of 1 fen to 10 exposure accounts, ids `<run>:<k>:<j>`,
 * every other batch linked as one chain: a half-applied batch would show as 1–9 of its ids.
 */
import { openDatabase } from '../../src/adapters/db/database';
import { createLedgerRepository } from '../../src/modules/ledger/ledger.repository';

const run = process.argv[2] ?? 'run';
const database = await openDatabase();
const ledger = createLedgerRepository({ db: database.db });
await ledger.createAccounts([
  { id: 'crash:limit', ledger: 'liability', code: 'limit', fundId: 'crash' },
  { id: 'crash:capacity', ledger: 'liability', code: 'capacity', flags: 1, fundId: 'crash' },
  ...Array.from({ length: 10 }, (_, j) => ({
    id: `crash:exposure:${j}`,
    ledger: 'liability' as const,
    code: 'exposure',
    fundId: 'crash',
  })),
]);
await ledger.apply([
  { id: 'crash:set-limit', debit: 'crash:limit', credit: 'crash:capacity', amount: 1_000_000_000n, code: 'set-limit' },
]);
process.stdout.write('ready\n');
for (let k = 0; ; k++) {
  const results = await ledger.apply(
    Array.from({ length: 10 }, (_, j) => ({
      id: `${run}:${k}:${j}`,
      debit: 'crash:capacity',
      credit: `crash:exposure:${j}`,
      amount: 1n,
      code: 'reserve',
      linked: k % 2 === 0 && j < 9,
    })),
  );
  if (results.some((r) => r !== 'ok')) throw new Error(`batch ${k}: ${results.join(',')}`);
  process.stdout.write(`ack ${k}\n`);
}

/**
 * The process's technical figures that the modules record as they work (prom-client): group-commit
 * groups, ledger batches, import rows. One registry per process; the HTTP adapter's /metrics
 * (src/adapters/http/metrics.ts) serves it with the app's own. Recording is a few additions in
 * memory; nothing here reads the database.
 */
import { Counter, Histogram, Registry } from 'prom-client';

export const processRegistry = new Registry();

/** Sizes from 1 to the writers' ceilings (2,000 filings' transfers, 4,000 ledger transfers). */
const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

export const groupCommitUnits = new Histogram({
  name: 'backstop_group_commit_units',
  help: 'Units of work (requests) per group commit, by writer',
  labelNames: ['writer'] as const,
  buckets: SIZES,
  registers: [processRegistry],
});

export const groupCommitSize = new Histogram({
  name: 'backstop_group_commit_size',
  help: "Size of each group commit in its writer's measure (ledger transfers), by writer",
  labelNames: ['writer'] as const,
  buckets: SIZES,
  registers: [processRegistry],
});

export const ledgerBatchTransfers = new Histogram({
  name: 'backstop_ledger_batch_transfers',
  help: 'Transfers per ledger_apply call (one ledger batch)',
  buckets: SIZES,
  registers: [processRegistry],
});

export const ledgerBatchResults = new Counter({
  name: 'backstop_ledger_transfers_total',
  help: 'Transfers sent to the ledger, by result (ok, exists, or the refusal)',
  labelNames: ['result'] as const,
  registers: [processRegistry],
});

export const importRows = new Counter({
  name: 'backstop_import_rows_total',
  help: 'Bulk-import rows whose outcome was committed, by outcome (filed, duplicate, rejected)',
  labelNames: ['outcome'] as const,
  registers: [processRegistry],
});

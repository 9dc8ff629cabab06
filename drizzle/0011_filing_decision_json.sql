-- Bulk filing, the database's side (docs/PERFORMANCE.md "import"). What each row of a chunk costs
-- to write, without changing what is kept:
--  * a filing's decision (its reasons as rendered at filing, ~2.9 kB of text) is json, not jsonb:
--    nothing queries inside it, and jsonb parsed each one into a tree on the way in; json keeps the
--    text as written, key order included. It is compressed with lz4 where the server has it
--    (PostgreSQL built with lz4, as Debian's is; PGlite is not and keeps pglz): pglz took about
--    twice as long on these values;
--  * the idempotency-key and guarantor indexes are partial: most filings (every bulk-filed one)
--    have neither, and need no entry;
--  * ledger_transfers loses its foreign keys (to the accounts and to the pending transfer), as
--    ledger_balances did in 0007: only ledger_apply writes the table, after locking both accounts
--    (and reading the pending) it names, accounts are never deleted, and `ledger verify` reports a
--    transfer whose account does not exist or whose pending is not an earlier pending transfer. The
--    checks were 13 of the 21 ms the 1,025 transfers of a 500-row chunk took to insert;
--  * ledger_accounts leaves half of each page free (fillfactor 50), so that the update of an account
--    created in the same transaction — every filing's exposure account, updated once right after it
--    is inserted — stays on its page without new index entries (a HOT update). Updating 1,000 fresh
--    accounts: 16.5 ms at 100, 15 at 80, 10.7 at 60, 7.3 at 50. The table takes twice the pages.
DROP INDEX "filings_idempotency_uq";--> statement-breakpoint
DROP INDEX "filings_guarantor_ix";--> statement-breakpoint
ALTER TABLE "filings" ALTER COLUMN "decision" SET DATA TYPE json;--> statement-breakpoint
DO $$ BEGIN
  ALTER TABLE "filings" ALTER COLUMN "decision" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;--> statement-breakpoint
CREATE UNIQUE INDEX "filings_idempotency_uq" ON "filings" USING btree ("bank_id","idempotency_key") WHERE "filings"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "filings_guarantor_ix" ON "filings" USING btree ("guarantor_id") WHERE "filings"."guarantor_id" is not null;--> statement-breakpoint
ALTER TABLE ledger_transfers DROP CONSTRAINT IF EXISTS ledger_transfers_debit_account_id_fkey;--> statement-breakpoint
ALTER TABLE ledger_transfers DROP CONSTRAINT IF EXISTS ledger_transfers_credit_account_id_fkey;--> statement-breakpoint
ALTER TABLE ledger_transfers DROP CONSTRAINT IF EXISTS ledger_transfers_pending_id_fkey;--> statement-breakpoint
ALTER TABLE ledger_accounts SET (fillfactor = 50);

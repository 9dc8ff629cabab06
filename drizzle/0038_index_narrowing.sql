-- Issue 20: each index a filing writes measured (docs/PERFORMANCE.md, "import", "Each index a
-- filing writes"). Every one serves a query the product makes; two are narrowed to what their
-- queries look up, which keeps their plans (an index scan on the same key; EXPLAIN there).
-- A loan's timeline (filings.repository events, eventCounts) looks up filing_id and sorts its few
-- events by id: without id in the key a loan's entries share one key, which B-tree deduplication
-- stores once with their row pointers (a repayment's event then adds 6 bytes to the index, not 56).
DROP INDEX "filing_events_filing_ix";--> statement-breakpoint
CREATE INDEX "filing_events_filing_ix" ON "filing_events" USING btree ("filing_id");--> statement-breakpoint
-- A transfer's entity (ledger.queries transfersOf behind a loan's page, filings.repository
-- capsOpened, funds.repository quotaTransferCount) is looked up by kind and id together; the ids
-- (loans', cap keys, agreements') are not shared between kinds, so entity_id alone finds the same
-- few rows and entity_kind is checked on them. 8 bytes less a transfer (two a filed loan), and a
-- loan's transfers share one key. ledger_transfers is defined by raw SQL (drizzle/0002), not by a
-- *.table.ts, so drizzle-kit does not know this index.
DROP INDEX ledger_transfers_entity_ix;--> statement-breakpoint
CREATE INDEX ledger_transfers_entity_ix ON ledger_transfers (entity_id);

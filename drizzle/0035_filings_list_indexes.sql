-- The filings list over a million loans (issue 18, docs/PERFORMANCE.md "web"): a bank's own pages
-- under each sort with a second filter (status, kind) walked the global (column, id) index past
-- every other bank's loans; (bank_id, column, id) keeps them in the bank's part (filed_on and
-- bank_ref have theirs: filings_bank_filed_ix, filings_bank_ref_uq). The list's total counts up to
-- 10,001 rows with the page's filters: filings_list_count_ix holds every equality filter but the
-- fund's, so the count is an index-only scan wherever the visibility map is set.
CREATE INDEX "filings_bank_principal_ix" ON "filings" USING btree ("bank_id","principal","id");--> statement-breakpoint
CREATE INDEX "filings_bank_outstanding_ix" ON "filings" USING btree ("bank_id","outstanding","id");--> statement-breakpoint
CREATE INDEX "filings_bank_disbursed_ix" ON "filings" USING btree ("bank_id","disbursed_on","id");--> statement-breakpoint
CREATE INDEX "filings_list_count_ix" ON "filings" USING btree ("bank_id","status","kind","mode","programme_id");
CREATE INDEX "filings_outstanding_ix" ON "filings" USING btree ("outstanding","id");--> statement-breakpoint
CREATE INDEX "filings_bank_ref_ix" ON "filings" USING btree ("bank_ref","id");--> statement-breakpoint
CREATE INDEX "filings_disbursed_ix" ON "filings" USING btree ("disbursed_on","id");
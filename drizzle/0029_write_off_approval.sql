CREATE TABLE "write_offs" (
	"id" text PRIMARY KEY NOT NULL,
	"filing_id" text NOT NULL,
	"bank_id" text NOT NULL,
	"state" text NOT NULL,
	"on" date NOT NULL,
	"reason" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	CONSTRAINT "write_offs_state" CHECK (state in ('requested', 'approved', 'rejected')),
	CONSTRAINT "write_offs_decided" CHECK (("write_offs"."state" = 'requested') = ("write_offs"."decided_by" is null and "write_offs"."decided_at" is null))
);
--> statement-breakpoint
ALTER TABLE "write_offs" ADD CONSTRAINT "write_offs_filing_id_filings_id_fk" FOREIGN KEY ("filing_id") REFERENCES "public"."filings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "write_offs_filing_ix" ON "write_offs" USING btree ("filing_id","requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "write_offs_one_waiting_uq" ON "write_offs" USING btree ("filing_id") WHERE "write_offs"."state" = 'requested';
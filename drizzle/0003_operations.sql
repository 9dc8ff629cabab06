CREATE SEQUENCE "public"."claims_approved_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "claim_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "claim_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"claim_id" text NOT NULL,
	"event" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"actor" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" text PRIMARY KEY NOT NULL,
	"filing_id" text NOT NULL,
	"fund_id" text NOT NULL,
	"bank_id" text NOT NULL,
	"idempotency_key" text,
	"state" text NOT NULL,
	"outstanding" bigint NOT NULL,
	"compensation" bigint NOT NULL,
	"parties" jsonb NOT NULL,
	"reasons" jsonb NOT NULL,
	"submitted_by" text NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_on" date NOT NULL,
	"due_by" date NOT NULL,
	"prepared_by" text,
	"prepared_at" timestamp with time zone,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"rejection_reason" text,
	"approved_seq" bigint,
	"held_reason" jsonb,
	"paid_at" timestamp with time zone,
	"paid_by" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "filing_events" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "filing_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"filing_id" text NOT NULL,
	"kind" text NOT NULL,
	"on" date NOT NULL,
	"data" jsonb NOT NULL,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "filings" (
	"id" text PRIMARY KEY NOT NULL,
	"fund_id" text NOT NULL,
	"programme_id" text NOT NULL,
	"policy_version_id" integer NOT NULL,
	"bank_id" text NOT NULL,
	"enterprise_id" text NOT NULL,
	"bank_ref" text NOT NULL,
	"idempotency_key" text,
	"request_hash" text NOT NULL,
	"kind" text NOT NULL,
	"principal" bigint NOT NULL,
	"outstanding" bigint NOT NULL,
	"disbursed_on" date NOT NULL,
	"matures_on" date,
	"filed_on" date NOT NULL,
	"mode" text NOT NULL,
	"ratio_bp" integer NOT NULL,
	"rounding" text NOT NULL,
	"cap_per_loan" bigint,
	"parties" jsonb NOT NULL,
	"guarantor_id" text,
	"reserved" bigint NOT NULL,
	"agreement_id" text,
	"enterprise_cap_key" text,
	"status" text NOT NULL,
	"classification" text DEFAULT 'normal' NOT NULL,
	"overdue_since" date,
	"non_performing_on" date,
	"decision" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fund_top_ups" (
	"id" text PRIMARY KEY NOT NULL,
	"fund_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"on" date NOT NULL,
	"note" text,
	"idempotency_key" text,
	"created_by" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_errors" (
	"job_id" text NOT NULL,
	"line" integer NOT NULL,
	"column" text NOT NULL,
	"message" text NOT NULL,
	"message_en" text NOT NULL,
	"values" jsonb
);
--> statement-breakpoint
CREATE TABLE "import_jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"bank_id" text NOT NULL,
	"file_name" text NOT NULL,
	"file_hash" text NOT NULL,
	"status" text NOT NULL,
	"last_line" integer DEFAULT 0 NOT NULL,
	"filed" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "recoveries" (
	"id" text PRIMARY KEY NOT NULL,
	"claim_id" text NOT NULL,
	"filing_id" text NOT NULL,
	"fund_id" text NOT NULL,
	"bank_id" text NOT NULL,
	"idempotency_key" text,
	"recovered" bigint NOT NULL,
	"refund" bigint NOT NULL,
	"recovered_on" date NOT NULL,
	"reported_by" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "claim_events" ADD CONSTRAINT "claim_events_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_filing_id_filings_id_fk" FOREIGN KEY ("filing_id") REFERENCES "public"."filings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filing_events" ADD CONSTRAINT "filing_events_filing_id_filings_id_fk" FOREIGN KEY ("filing_id") REFERENCES "public"."filings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_fund_id_funds_id_fk" FOREIGN KEY ("fund_id") REFERENCES "public"."funds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_policy_version_id_policy_versions_id_fk" FOREIGN KEY ("policy_version_id") REFERENCES "public"."policy_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_bank_id_institutions_id_fk" FOREIGN KEY ("bank_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_guarantor_id_institutions_id_fk" FOREIGN KEY ("guarantor_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fund_top_ups" ADD CONSTRAINT "fund_top_ups_fund_id_funds_id_fk" FOREIGN KEY ("fund_id") REFERENCES "public"."funds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_errors" ADD CONSTRAINT "import_errors_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claim_events_claim_ix" ON "claim_events" USING btree ("claim_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_idempotency_uq" ON "claims" USING btree ("bank_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "claims_state_ix" ON "claims" USING btree ("state","approved_seq");--> statement-breakpoint
CREATE INDEX "claims_bank_ix" ON "claims" USING btree ("bank_id","state");--> statement-breakpoint
CREATE INDEX "claims_filing_ix" ON "claims" USING btree ("filing_id");--> statement-breakpoint
CREATE INDEX "filing_events_filing_ix" ON "filing_events" USING btree ("filing_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "filings_bank_ref_uq" ON "filings" USING btree ("bank_id","bank_ref");--> statement-breakpoint
CREATE UNIQUE INDEX "filings_idempotency_uq" ON "filings" USING btree ("bank_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "filings_fund_status_ix" ON "filings" USING btree ("fund_id","status");--> statement-breakpoint
CREATE INDEX "filings_bank_filed_ix" ON "filings" USING btree ("bank_id","filed_on","id");--> statement-breakpoint
CREATE INDEX "filings_filed_ix" ON "filings" USING btree ("filed_on","id");--> statement-breakpoint
CREATE INDEX "filings_principal_ix" ON "filings" USING btree ("principal","id");--> statement-breakpoint
CREATE INDEX "filings_enterprise_ix" ON "filings" USING btree ("enterprise_id");--> statement-breakpoint
CREATE INDEX "filings_guarantor_ix" ON "filings" USING btree ("guarantor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "fund_top_ups_idempotency_uq" ON "fund_top_ups" USING btree ("fund_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "import_errors_uq" ON "import_errors" USING btree ("job_id","line","column");--> statement-breakpoint
CREATE UNIQUE INDEX "import_jobs_file_uq" ON "import_jobs" USING btree ("bank_id","file_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "recoveries_idempotency_uq" ON "recoveries" USING btree ("bank_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "recoveries_claim_ix" ON "recoveries" USING btree ("claim_id");
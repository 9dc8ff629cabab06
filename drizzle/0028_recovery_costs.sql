CREATE TABLE "recovery_progress" (
	"id" text PRIMARY KEY NOT NULL,
	"claim_id" text NOT NULL,
	"bank_id" text NOT NULL,
	"stage" text NOT NULL,
	"on" date NOT NULL,
	"note" text NOT NULL,
	"reported_by" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recovery_progress_stage" CHECK (stage in ('collection', 'litigation', 'judgment', 'enforcement', 'settlement', 'bankruptcy', 'ended'))
);
--> statement-breakpoint
ALTER TABLE "recoveries" ADD COLUMN "costs" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "recovery_progress" ADD CONSTRAINT "recovery_progress_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recovery_progress_claim_ix" ON "recovery_progress" USING btree ("claim_id","at");--> statement-breakpoint
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_costs_within" CHECK ("recoveries"."costs" >= 0 and "recoveries"."costs" <= "recoveries"."recovered");
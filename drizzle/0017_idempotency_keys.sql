-- One idempotency mechanism (src/modules/shared/idempotency.ts, docs/API.md "Idempotency"): every
-- POST and PATCH under /api sent with an Idempotency-Key is reserved in idempotency_keys (per user,
-- method, path and key) before it runs and answered from it afterwards. The per-module mechanisms go:
-- idempotent_requests (repayments), and the idempotency_key columns (and their unique indexes) of
-- filings, claims, recoveries and fund top-ups, with filings' request_hash. Keys already given under
-- them are not carried over: a copy of such a request sent after the upgrade is refused by what
-- protects each entity (a filing's bank reference, a claim's one live claim per loan, the ledger's
-- transfer ids) or done again (a top-up, a recovery) — let no client resend across the upgrade.
CREATE TABLE "idempotency_keys" (
	"principal" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"status" integer,
	"content_type" text,
	"body" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "idempotency_keys_principal_method_path_key_pk" PRIMARY KEY("principal","method","path","key")
);
--> statement-breakpoint
DROP TABLE "idempotent_requests" CASCADE;--> statement-breakpoint
DROP INDEX "claims_idempotency_uq";--> statement-breakpoint
DROP INDEX "filings_idempotency_uq";--> statement-breakpoint
DROP INDEX "fund_top_ups_idempotency_uq";--> statement-breakpoint
DROP INDEX "recoveries_idempotency_uq";--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_ix" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "claims" DROP COLUMN "idempotency_key";--> statement-breakpoint
ALTER TABLE "filings" DROP COLUMN "idempotency_key";--> statement-breakpoint
ALTER TABLE "filings" DROP COLUMN "request_hash";--> statement-breakpoint
ALTER TABLE "fund_top_ups" DROP COLUMN "idempotency_key";--> statement-breakpoint
ALTER TABLE "recoveries" DROP COLUMN "idempotency_key";
CREATE TABLE "idempotency_commits" (
	"principal" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"key" text NOT NULL,
	"attempt" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "idempotency_commits_key_ix" ON "idempotency_commits" USING btree ("principal","method","path","key","attempt");--> statement-breakpoint
CREATE INDEX "idempotency_commits_created_ix" ON "idempotency_commits" USING btree ("created_at");
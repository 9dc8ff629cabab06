-- A claim's dossier (申请材料, issue 17): the files a bank uploads for its programme's checklist, kept in
-- the database (bytea) so that its backups keep them, and the reviewer's tick on each item.
CREATE TABLE "claim_material_files" (
	"id" text PRIMARY KEY NOT NULL,
	"claim_id" text NOT NULL,
	"item_id" text NOT NULL,
	"file_name" text NOT NULL,
	"kind" text NOT NULL,
	"mime" text NOT NULL,
	"bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"uploaded_by" text NOT NULL,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claim_material_reviews" (
	"claim_id" text NOT NULL,
	"item_id" text NOT NULL,
	"decision" text NOT NULL,
	"note" text,
	"reviewed_by" text NOT NULL,
	"reviewed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claim_material_reviews_claim_id_item_id_pk" PRIMARY KEY("claim_id","item_id")
);
--> statement-breakpoint
ALTER TABLE "claim_material_files" ADD CONSTRAINT "claim_material_files_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claim_material_reviews" ADD CONSTRAINT "claim_material_reviews_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claim_material_files_claim_ix" ON "claim_material_files" USING btree ("claim_id","item_id");
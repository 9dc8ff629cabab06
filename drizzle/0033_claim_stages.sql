ALTER TABLE "claims" ADD COLUMN "stage" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "stage_due_by" date;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "stage_by" jsonb;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "sign_offs" jsonb DEFAULT '[]'::jsonb NOT NULL;
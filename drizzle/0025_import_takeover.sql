CREATE TABLE "import_files" (
	"job_id" text NOT NULL,
	"part" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "import_files_job_id_part_pk" PRIMARY KEY("job_id","part")
);
--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "holder" text;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "attempts" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "error" jsonb;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "actor" jsonb;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "file_parts" integer;--> statement-breakpoint
ALTER TABLE "import_files" ADD CONSTRAINT "import_files_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE no action ON UPDATE no action;
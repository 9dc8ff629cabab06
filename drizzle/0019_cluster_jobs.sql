-- Several app processes on one PostgreSQL: a once-a-day job (the daily jobs, the nightly backup) is
-- claimed by one process per day (job_runs), and a simulation job names the process running it and
-- counts the processes that started it (taken over when its heartbeat stops).
CREATE TABLE "job_runs" (
	"job" text NOT NULL,
	"day" text NOT NULL,
	"holder" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "job_runs_job_day_pk" PRIMARY KEY("job","day")
);
--> statement-breakpoint
ALTER TABLE "simulation_jobs" ADD COLUMN "holder" text;--> statement-breakpoint
ALTER TABLE "simulation_jobs" ADD COLUMN "attempts" integer DEFAULT 1 NOT NULL;
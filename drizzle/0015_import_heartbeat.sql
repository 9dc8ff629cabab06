-- An import job's heartbeat: the process running it writes it every few seconds, so a job still
-- "running" whose heartbeat is old lost its process (a crash, a restart) and is answered as interrupted.
ALTER TABLE "import_jobs" ADD COLUMN "heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL;
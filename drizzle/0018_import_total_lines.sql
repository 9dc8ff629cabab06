-- An import job keeps its file's last line (for its progress) with the job, where every process
-- sees it, rather than in the memory of the process that opened it. Jobs opened before show none.
ALTER TABLE "import_jobs" ADD COLUMN "total_lines" integer;
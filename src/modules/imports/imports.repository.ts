import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { and, asc, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Bilingual } from '../../core/text';
import type { Actor } from '../auth/access';
import type { Db } from '../shared/db';
import { PROCESS_ID } from '../shared/job-runs';
import { enterprises, institutions, qualifications } from '../registry/registry.table';
import type { EnterpriseRow, QualificationRow } from '../registry/registry.repository';
import { importErrors, importFiles, importJobs } from './imports.table';
import { anyOfTexts } from '../shared/json-texts';

export type ImportJobRow = typeof importJobs.$inferSelect;
export type ImportErrorRow = typeof importErrors.$inferSelect;

/** The size of the parts a kept file is stored in (import_files). */
export const FILE_PART_BYTES = 1024 * 1024;

/** A job held by `holder`, or by no process named (a job opened before holders were kept). */
const heldBy = (holder: string) => or(eq(importJobs.holder, holder), isNull(importJobs.holder));

export function createImportsRepository({ db }: { db: Db }) {
  return {
    /** The job for this bank and file content: created once, found again on a second import. */
    async openJob(job: {
      id: string;
      bankId: string;
      fileName: string;
      fileHash: string;
      bytes: number;
      /** The file's last line, for the job's progress. */
      totalLines?: number | undefined;
      createdBy: string;
      /** The process that opens it, and runs it when it is new. */
      holder?: string;
    }): Promise<{ job: ImportJobRow; created: boolean }> {
      const inserted = await db
        .insert(importJobs)
        .values({ holder: PROCESS_ID, ...job, status: 'running' })
        .onConflictDoNothing()
        .returning();
      if (inserted[0]) return { job: inserted[0], created: true };
      const [found] = await db
        .select()
        .from(importJobs)
        .where(and(eq(importJobs.bankId, job.bankId), eq(importJobs.fileHash, job.fileHash)));
      if (found!.totalLines !== null || job.totalLines === undefined) return { job: found!, created: false };
      // A job opened before its file's length was kept: the same file (by content hash) tells it now.
      const [counted] = await db
        .update(importJobs)
        .set({ totalLines: job.totalLines })
        .where(eq(importJobs.id, found!.id))
        .returning();
      return { job: counted!, created: false };
    },
    async find(id: string, bankId?: string): Promise<ImportJobRow | undefined> {
      const [row] = await db
        .select()
        .from(importJobs)
        .where(and(eq(importJobs.id, id), bankId ? eq(importJobs.bankId, bankId) : undefined));
      return row;
    },
    /** Locks the job for the rest of the transaction, so two runners can never commit the same rows. */
    async lock(id: string): Promise<ImportJobRow | undefined> {
      const [row] = await db.select().from(importJobs).where(eq(importJobs.id, id)).for('update');
      return row;
    },
    /**
     * Jobs newest first, after `before` (a page's last job). Ordered by the start to the millisecond,
     * as a cursor carries it (a JavaScript date), so no job is skipped or repeated between pages.
     */
    async list(
      bankId: string | undefined,
      limit: number,
      before?: { at: string; id: string },
    ): Promise<ImportJobRow[]> {
      const startedMs = sql`date_trunc('milliseconds', ${importJobs.startedAt})`;
      return db
        .select()
        .from(importJobs)
        .where(
          and(
            bankId ? eq(importJobs.bankId, bankId) : undefined,
            before ? sql`(${startedMs}, ${importJobs.id}) < (${before.at}::timestamptz, ${before.id})` : undefined,
          ),
        )
        .orderBy(desc(startedMs), desc(importJobs.id))
        .limit(limit);
    },
    async advance(id: string, d: { lastLine: number; filed: number; duplicates: number; rejected: number }) {
      await db
        .update(importJobs)
        .set({
          lastLine: d.lastLine,
          filed: sql`${importJobs.filed} + ${d.filed}`,
          duplicates: sql`${importJobs.duplicates} + ${d.duplicates}`,
          rejected: sql`${importJobs.rejected} + ${d.rejected}`,
        })
        .where(eq(importJobs.id, id));
    },
    /** Sets the job's status, only while `holder` holds it (a process that lost it to a takeover writes nothing). */
    async setStatus(id: string, status: ImportJobRow['status'], holder = PROCESS_ID, error: Bilingual | null = null) {
      await db
        .update(importJobs)
        .set({ status, error, finishedAt: status === 'running' ? null : new Date(), heartbeatAt: new Date() })
        .where(and(eq(importJobs.id, id), heldBy(holder)));
    },
    /**
     * Claims a job to run it here: only when no process runs it (not "running", or "running" with a
     * heartbeat older than `staleBefore`), in one statement, so of several processes handed the same
     * file at once exactly one runs it. Answers the claimed job, or nothing when another process has it.
     */
    async claim(id: string, staleBefore: Date, holder = PROCESS_ID): Promise<ImportJobRow | undefined> {
      const [row] = await db
        .update(importJobs)
        // Started again by the bank: its first attempt again.
        .set({ status: 'running', finishedAt: null, heartbeatAt: new Date(), holder, attempts: 1, error: null })
        .where(
          and(
            eq(importJobs.id, id),
            or(
              inArray(importJobs.status, ['failed', 'interrupted']),
              and(eq(importJobs.status, 'running'), lt(importJobs.heartbeatAt, staleBefore)),
            ),
          ),
        )
        .returning();
      return row;
    },
    /**
     * Claims the oldest job still "running" whose heartbeat is older than `staleBefore` (its process
     * died), as simulation.repository claimLostJob does: locked with FOR UPDATE SKIP LOCKED, so of
     * several processes looking at once each claims a different job, and given to `holder` with a
     * fresh heartbeat and one more attempt. Answers it with the process that held it.
     */
    async claimLost({
      holder,
      staleBefore,
    }: {
      holder: string;
      staleBefore: Date;
    }): Promise<{ job: ImportJobRow; from: string | null } | undefined> {
      return db.transaction(async (tx) => {
        const [lost] = await tx
          .select({ id: importJobs.id, holder: importJobs.holder })
          .from(importJobs)
          .where(and(eq(importJobs.status, 'running'), lt(importJobs.heartbeatAt, staleBefore)))
          .orderBy(asc(importJobs.startedAt))
          .limit(1)
          .for('update', { skipLocked: true });
        if (!lost) return undefined;
        const [claimed] = await tx
          .update(importJobs)
          .set({ holder, heartbeatAt: new Date(), attempts: sql`${importJobs.attempts} + 1` })
          .where(eq(importJobs.id, lost.id))
          .returning();
        return { job: claimed!, from: lost.holder };
      });
    },
    /** The running process's sign of life (imports.recovery.ts): false when it no longer holds the job. */
    async beat(id: string, holder = PROCESS_ID): Promise<boolean> {
      const rows = await db
        .update(importJobs)
        .set({ heartbeatAt: new Date() })
        .where(and(eq(importJobs.id, id), eq(importJobs.status, 'running'), heldBy(holder)))
        .returning({ id: importJobs.id });
      return rows.length === 1;
    },
    /**
     * Marks interrupted the jobs still "running" whose process is gone and whose file is not kept
     * (no other process can take them over): every one (`all`, when no other process can be running
     * one) or those whose heartbeat is older than `staleBefore`.
     */
    async interruptLost(opts: { all: true } | { staleBefore: Date }): Promise<ImportJobRow[]> {
      return db
        .update(importJobs)
        .set({ status: 'interrupted', finishedAt: new Date() })
        .where(
          and(
            eq(importJobs.status, 'running'),
            isNull(importJobs.fileParts),
            'all' in opts ? undefined : lt(importJobs.heartbeatAt, opts.staleBefore),
          ),
        )
        .returning();
    },
    /**
     * Keeps the job's file in the database (import_files, in parts of FILE_PART_BYTES, streamed from
     * `path`) with who started it, so that another process can take the job over. A file kept
     * already (the same content, by hash) is not written again; only who started it is.
     */
    async keepFile(id: string, path: string, actor: Actor): Promise<void> {
      const [job] = await db.select({ parts: importJobs.fileParts }).from(importJobs).where(eq(importJobs.id, id));
      if (job?.parts != null) {
        await db.update(importJobs).set({ actor }).where(eq(importJobs.id, id));
        return;
      }
      await db.delete(importFiles).where(eq(importFiles.jobId, id));
      let part = 0;
      for await (const chunk of createReadStream(path, { highWaterMark: FILE_PART_BYTES }))
        await db.insert(importFiles).values({ jobId: id, part: part++, data: chunk as Buffer });
      await db.update(importJobs).set({ fileParts: part, actor }).where(eq(importJobs.id, id));
    },
    /** Writes the job's kept file to `path`, a part at a time; false when it is not kept whole. */
    async readFile(id: string, path: string): Promise<boolean> {
      const [job] = await db.select({ parts: importJobs.fileParts }).from(importJobs).where(eq(importJobs.id, id));
      if (job?.parts == null) return false;
      const out = await open(path, 'w');
      try {
        for (let part = 0; part < job.parts; part++) {
          const [row] = await db
            .select({ data: importFiles.data })
            .from(importFiles)
            .where(and(eq(importFiles.jobId, id), eq(importFiles.part, part)));
          if (!row) return false;
          await out.write(row.data);
        }
      } finally {
        await out.close();
      }
      return true;
    },
    /** Removes the job's kept file (the job is done, or will not be taken over again). */
    async dropFile(id: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(importJobs).set({ fileParts: null }).where(eq(importJobs.id, id));
        await tx.delete(importFiles).where(eq(importFiles.jobId, id));
      });
    },
    async addErrors(rows: (typeof importErrors.$inferInsert)[]) {
      if (rows.length) await db.insert(importErrors).values(rows).onConflictDoNothing();
    },
    /** A page of the job's errors after (line, column), in file order. */
    async errors(
      jobId: string,
      after: { line: number; column: string } | null,
      limit: number,
    ): Promise<ImportErrorRow[]> {
      return db
        .select()
        .from(importErrors)
        .where(
          and(
            eq(importErrors.jobId, jobId),
            after
              ? or(
                  gt(importErrors.line, after.line),
                  and(eq(importErrors.line, after.line), gt(importErrors.column, after.column)),
                )
              : undefined,
          ),
        )
        .orderBy(asc(importErrors.line), asc(importErrors.column))
        .limit(limit);
    },
    /** The enterprises of a chunk by credit code, with their qualifications: two queries whatever the chunk's size. */
    async enterprisesByCreditCode(
      codes: string[],
    ): Promise<{ byCode: Map<string, EnterpriseRow>; quals: Map<string, QualificationRow[]> }> {
      const byCode = new Map<string, EnterpriseRow>();
      const quals = new Map<string, QualificationRow[]>();
      if (codes.length === 0) return { byCode, quals };
      for (const e of await db
        .select()
        .from(enterprises)
        .where(sql`${enterprises.creditCode} = ${anyOfTexts(codes)}`))
        byCode.set(e.creditCode, e);
      const ids = [...byCode.values()].map((e) => e.id);
      if (ids.length) {
        for (const q of await db
          .select()
          .from(qualifications)
          .where(sql`${qualifications.enterpriseId} = ${anyOfTexts(ids)}`)
          .orderBy(asc(qualifications.id))) {
          quals.set(q.enterpriseId, [...(quals.get(q.enterpriseId) ?? []), q]);
        }
      }
      return { byCode, quals };
    },
    /** Which of these institutions are registered guarantors. */
    async guarantors(ids: string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await db
        .select({ id: institutions.id })
        .from(institutions)
        .where(and(inArray(institutions.id, ids), eq(institutions.kind, 'guarantor')));
      return new Set(rows.map((r) => r.id));
    },
  };
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>;

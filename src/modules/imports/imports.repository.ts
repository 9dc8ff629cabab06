import { and, asc, desc, eq, gt, inArray, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { enterprises, institutions, qualifications } from '../registry/registry.table';
import type { EnterpriseRow, QualificationRow } from '../registry/registry.repository';
import { importErrors, importJobs } from './imports.table';
import { anyOfTexts } from '../shared/json-texts';

export type ImportJobRow = typeof importJobs.$inferSelect;
export type ImportErrorRow = typeof importErrors.$inferSelect;

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
    }): Promise<{ job: ImportJobRow; created: boolean }> {
      const inserted = await db
        .insert(importJobs)
        .values({ ...job, status: 'running' })
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
    async setStatus(id: string, status: ImportJobRow['status']) {
      await db
        .update(importJobs)
        .set({ status, finishedAt: status === 'running' ? null : new Date(), heartbeatAt: new Date() })
        .where(eq(importJobs.id, id));
    },
    /** The running process's sign of life (imports.recovery.ts). */
    async beat(id: string) {
      await db
        .update(importJobs)
        .set({ heartbeatAt: new Date() })
        .where(and(eq(importJobs.id, id), eq(importJobs.status, 'running')));
    },
    /**
     * Marks interrupted the jobs still "running" whose process is gone: every one (`all`, when no
     * other process can be running one) or those whose heartbeat is older than `staleBefore`.
     */
    async interruptLost(opts: { all: true } | { staleBefore: Date }): Promise<ImportJobRow[]> {
      return db
        .update(importJobs)
        .set({ status: 'interrupted', finishedAt: new Date() })
        .where(
          and(
            eq(importJobs.status, 'running'),
            'all' in opts ? undefined : lt(importJobs.heartbeatAt, opts.staleBefore),
          ),
        )
        .returning();
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

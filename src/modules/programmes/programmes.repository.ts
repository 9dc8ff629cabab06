import { and, asc, eq, max } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { policyVersions, programmes } from './programmes.table';

export type PolicyVersionRow = typeof policyVersions.$inferSelect;
export type ProgrammeRow = typeof programmes.$inferSelect;

export function createProgrammesRepository({ db }: { db: Db }) {
  return {
    async upsertProgramme(p: { id: string; titleZh: string; titleEn: string }) {
      await db
        .insert(programmes)
        .values(p)
        .onConflictDoUpdate({ target: programmes.id, set: { titleZh: p.titleZh, titleEn: p.titleEn } });
    },

    async findVersionByHash(programmeId: string, contentHash: string): Promise<PolicyVersionRow | undefined> {
      const [row] = await db
        .select()
        .from(policyVersions)
        .where(and(eq(policyVersions.programmeId, programmeId), eq(policyVersions.contentHash, contentHash)));
      return row;
    },

    async insertVersion(v: Omit<PolicyVersionRow, 'id' | 'revision' | 'loadedAt'>): Promise<PolicyVersionRow> {
      return db.transaction(async (tx) => {
        const [{ last } = { last: null }] = await tx
          .select({ last: max(policyVersions.revision) })
          .from(policyVersions)
          .where(and(eq(policyVersions.programmeId, v.programmeId), eq(policyVersions.version, v.version)));
        const [row] = await tx
          .insert(policyVersions)
          .values({ ...v, revision: (last ?? 0) + 1 })
          .returning();
        return row!;
      });
    },

    async listProgrammes(): Promise<ProgrammeRow[]> {
      return db.select().from(programmes).orderBy(asc(programmes.id));
    },

    async findProgramme(id: string): Promise<ProgrammeRow | undefined> {
      const [row] = await db.select().from(programmes).where(eq(programmes.id, id));
      return row;
    },

    async listVersions(programmeId?: string): Promise<PolicyVersionRow[]> {
      const q = db.select().from(policyVersions);
      return (programmeId ? q.where(eq(policyVersions.programmeId, programmeId)) : q).orderBy(
        asc(policyVersions.programmeId),
        asc(policyVersions.effectiveFrom),
        asc(policyVersions.version),
        asc(policyVersions.revision),
      );
    },
  };
}

export type ProgrammesRepository = ReturnType<typeof createProgrammesRepository>;

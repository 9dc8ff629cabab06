import { and, asc, desc, eq, gt, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { createAuditRepository, type AuditEntry } from '../audit/audit.repository';
import type { Db } from '../programmes/programmes.repository';
import type { Cursor } from '../shared/paging';
import { enterprises, institutions, qualifications } from './registry.table';

export type EnterpriseRow = typeof enterprises.$inferSelect;
export type QualificationRow = typeof qualifications.$inferSelect;
export type InstitutionRow = typeof institutions.$inferSelect;

export interface EnterpriseFilter {
  q?: string;
  size?: string;
  sciTech?: boolean;
  /** A bank sees the enterprises it registered or lends to. */
  bankId?: string;
}

// A bank sees the enterprises its officers registered and the ones it has filed loans for.
const visibleToBank = (bankId: string): SQL =>
  sql`(${enterprises.createdByBank} = ${bankId} or exists (select 1 from filings f where f.enterprise_id = ${enterprises.id} and f.bank_id = ${bankId}))`;

export function createRegistryRepository({ db }: { db: Db }) {
  return {
    /** Every registry change is audited (who, what, before and after). */
    recordAudit: (entry: AuditEntry) => createAuditRepository({ db }).record(entry),
    async insertEnterprise(
      e: typeof enterprises.$inferInsert,
      quals: Omit<typeof qualifications.$inferInsert, 'enterpriseId'>[],
    ) {
      await db.transaction(async (tx) => {
        await tx.insert(enterprises).values(e);
        if (quals.length) await tx.insert(qualifications).values(quals.map((q) => ({ ...q, enterpriseId: e.id })));
      });
    },
    /**
     * Many enterprises with their qualifications and their audit rows, set-based, in ONE
     * transaction: one multi-row insert per table (in slices that stay under the driver's parameter
     * limit), then `audit(stored)`'s entries in one chained append. All or nothing.
     */
    async insertEnterprises<T>(
      rows: (typeof enterprises.$inferInsert)[],
      quals: (typeof qualifications.$inferInsert)[],
      audit: (stored: { enterprises: EnterpriseRow[]; qualifications: QualificationRow[] }) => {
        entries: AuditEntry[];
        result: T;
      },
    ): Promise<T> {
      return db.transaction(async (tx) => {
        const stored: EnterpriseRow[] = [];
        const storedQuals: QualificationRow[] = [];
        for (let i = 0; i < rows.length; i += 2000)
          stored.push(
            ...(await tx
              .insert(enterprises)
              .values(rows.slice(i, i + 2000))
              .returning()),
          );
        for (let i = 0; i < quals.length; i += 5000)
          storedQuals.push(
            ...(await tx
              .insert(qualifications)
              .values(quals.slice(i, i + 5000))
              .returning()),
          );
        const { entries, result } = audit({
          enterprises: stored,
          qualifications: storedQuals.sort((a, b) => a.id - b.id),
        });
        await createAuditRepository({ db: tx }).recordMany(entries);
        return result;
      });
    },
    /** Which of these credit codes are registered already. */
    async registeredCreditCodes(codes: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (let i = 0; i < codes.length; i += 5000) {
        const some = codes.slice(i, i + 5000);
        for (const r of await db
          .select({ code: enterprises.creditCode })
          .from(enterprises)
          .where(inArray(enterprises.creditCode, some)))
          found.add(r.code);
      }
      return found;
    },
    async updateEnterprise(id: string, patch: Partial<typeof enterprises.$inferInsert>) {
      await db
        .update(enterprises)
        .set({ ...patch, updatedAt: new Date() })
        .where(eq(enterprises.id, id));
    },
    async insertQualification(q: typeof qualifications.$inferInsert) {
      await db.insert(qualifications).values(q);
    },
    async findEnterprise(id: string, bankId?: string): Promise<EnterpriseRow | undefined> {
      const [row] = await db
        .select()
        .from(enterprises)
        .where(and(eq(enterprises.id, id), bankId ? visibleToBank(bankId) : undefined));
      return row;
    },
    async findEnterpriseByCreditCode(code: string): Promise<EnterpriseRow | undefined> {
      const [row] = await db.select().from(enterprises).where(eq(enterprises.creditCode, code));
      return row;
    },
    async qualificationsOf(ids: string[]): Promise<QualificationRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(qualifications)
        .where(inArray(qualifications.enterpriseId, ids))
        .orderBy(asc(qualifications.id));
    },
    async listEnterprises(
      f: EnterpriseFilter,
      page: { limit: number; cursor?: Cursor; order: 'asc' | 'desc' },
    ): Promise<EnterpriseRow[]> {
      const where: SQL[] = [];
      if (f.q) {
        const q = f.q.replace(/[\\%_]/g, (m) => `\\${m}`); // the words as typed: % and _ are not wildcards
        where.push(or(ilike(enterprises.name, `%${q}%`), ilike(enterprises.creditCode, `${q.toUpperCase()}%`))!);
      }
      if (f.size) where.push(eq(enterprises.size, f.size as EnterpriseRow['size']));
      if (f.sciTech !== undefined) where.push(eq(enterprises.sciTech, f.sciTech));
      if (f.bankId) where.push(visibleToBank(f.bankId));
      if (page.cursor) {
        const cmp = page.order === 'asc' ? gt : lt;
        const v = String(page.cursor.value);
        where.push(or(cmp(enterprises.name, v), and(eq(enterprises.name, v), cmp(enterprises.id, page.cursor.id)))!);
      }
      const dir = page.order === 'asc' ? asc : desc;
      return db
        .select()
        .from(enterprises)
        .where(and(...where))
        .orderBy(dir(enterprises.name), dir(enterprises.id))
        .limit(page.limit + 1);
    },
    async insertInstitution(i: typeof institutions.$inferInsert) {
      await db.insert(institutions).values(i);
    },
    async findInstitution(id: string): Promise<InstitutionRow | undefined> {
      const [row] = await db.select().from(institutions).where(eq(institutions.id, id));
      return row;
    },
    async listInstitutions(kind?: string, onlyId?: string): Promise<InstitutionRow[]> {
      const where: SQL[] = [];
      if (kind) where.push(eq(institutions.kind, kind as InstitutionRow['kind']));
      if (onlyId) where.push(eq(institutions.id, onlyId));
      return db
        .select()
        .from(institutions)
        .where(and(...where))
        .orderBy(asc(institutions.kind), asc(institutions.id));
    },
  };
}

export type RegistryRepository = ReturnType<typeof createRegistryRepository>;

import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { createAuditRepository, type AuditEntry } from '../audit/audit.repository';
import type { Db } from '../shared/db';
import type { Scope } from '../auth/access';
import { anyOfTexts } from '../shared/json-texts';
import { countUpTo, type Cursor } from '../shared/paging';
import { enterpriseMatches } from '../shared/search';
import { enterprises, institutions, qualifications } from './registry.table';

export type EnterpriseRow = typeof enterprises.$inferSelect;
export type QualificationRow = typeof qualifications.$inferSelect;
export type InstitutionRow = typeof institutions.$inferSelect;

export interface EnterpriseFilter {
  q?: string;
  size?: string;
  sciTech?: boolean;
}

/**
 * Which registry records a scope sees (auth/access.ts scopeFor says which scope an actor has):
 * a bank the enterprises its officers registered and the ones it has filed loans for, and itself;
 * a guarantor the enterprises of the risk-sharing loans it guarantees, and the institutions of those
 * loans (their banks, the other parties) and itself; staff everything.
 */
const enterprisesOf = (scope: Scope): SQL | undefined =>
  scope.kind === 'bank'
    ? sql`(${enterprises.createdByBank} = ${scope.bankId} or exists (select 1 from filings f where f.enterprise_id = ${enterprises.id} and f.bank_id = ${scope.bankId}))`
    : scope.kind === 'guarantor'
      ? sql`exists (select 1 from filings f where f.enterprise_id = ${enterprises.id} and f.guarantor_id = ${scope.guarantorId})`
      : undefined;
const institutionsOf = (scope: Scope): SQL | undefined =>
  scope.kind === 'bank'
    ? eq(institutions.id, scope.bankId)
    : scope.kind === 'guarantor'
      ? sql`(${institutions.id} = ${scope.guarantorId}
          or ${institutions.id} in (select f.bank_id from filings f where f.guarantor_id = ${scope.guarantorId})
          or ${institutions.id} in (select p->>'institutionId' from filings f, jsonb_array_elements(f.parties) p where f.guarantor_id = ${scope.guarantorId}))`
      : undefined;
const ALL: Scope = { kind: 'all' };

/** The list's conditions, the scope's first: the page and its count share them. */
function enterpriseWhere(f: EnterpriseFilter, scope: Scope): (SQL | undefined)[] {
  const where: (SQL | undefined)[] = [enterprisesOf(scope)];
  if (f.q) where.push(enterpriseMatches(f.q)); // the words as typed: % and _ are not wildcards
  if (f.size) where.push(eq(enterprises.size, f.size as EnterpriseRow['size']));
  if (f.sciTech !== undefined) where.push(eq(enterprises.sciTech, f.sciTech));
  return where;
}

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
    /** The enterprise if `scope` sees it (every one without a scope: the use cases' own lookups). */
    async findEnterprise(id: string, scope: Scope = ALL): Promise<EnterpriseRow | undefined> {
      const [row] = await db
        .select()
        .from(enterprises)
        .where(and(eq(enterprises.id, id), enterprisesOf(scope)));
      return row;
    },
    async findEnterpriseByCreditCode(code: string): Promise<EnterpriseRow | undefined> {
      const [row] = await db.select().from(enterprises).where(eq(enterprises.creditCode, code));
      return row;
    },
    /** The enterprises with these ids (any order; unknown ids left out). */
    async findEnterprises(ids: string[]): Promise<EnterpriseRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(enterprises).where(inArray(enterprises.id, ids));
    },
    /** The enterprises with these ids or these credit codes (any order; unknown ones left out). */
    async findEnterprisesByIdOrCreditCode(ids: string[], codes: string[]): Promise<EnterpriseRow[]> {
      if (ids.length === 0 && codes.length === 0) return [];
      return db
        .select()
        .from(enterprises)
        .where(or(sql`${enterprises.id} = ${anyOfTexts(ids)}`, sql`${enterprises.creditCode} = ${anyOfTexts(codes)}`));
    },
    async qualificationsOf(ids: string[]): Promise<QualificationRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(qualifications)
        .where(sql`${qualifications.enterpriseId} = ${anyOfTexts(ids)}`)
        .orderBy(asc(qualifications.id));
    },
    async listEnterprises(
      f: EnterpriseFilter,
      scope: Scope,
      page: { limit: number; cursor?: Cursor; order: 'asc' | 'desc' },
    ): Promise<EnterpriseRow[]> {
      const where = enterpriseWhere(f, scope);
      // A row comparison, so that the name index's scan starts at the cursor (filings.repository afterCursor).
      if (page.cursor)
        where.push(
          sql`(${enterprises.name}, ${enterprises.id}) ${page.order === 'asc' ? sql`>` : sql`<`} (${String(page.cursor.value)}, ${page.cursor.id})`,
        );
      const dir = page.order === 'asc' ? asc : desc;
      return db
        .select()
        .from(enterprises)
        .where(and(...where))
        .orderBy(dir(enterprises.name), dir(enterprises.id))
        .limit(page.limit + 1);
    },
    /** How many enterprises the filter finds in the scope, counted up to shared/paging.ts's cap. */
    async countEnterprises(f: EnterpriseFilter, scope: Scope) {
      return countUpTo(
        db,
        db
          .select({ one: sql`1` })
          .from(enterprises)
          .where(and(...enterpriseWhere(f, scope))),
      );
    },
    async insertInstitution(i: typeof institutions.$inferInsert) {
      await db.insert(institutions).values(i);
    },
    /** The institution if `scope` sees it (every one without a scope: the use cases' own lookups). */
    async findInstitution(id: string, scope: Scope = ALL): Promise<InstitutionRow | undefined> {
      const [row] = await db
        .select()
        .from(institutions)
        .where(and(eq(institutions.id, id), institutionsOf(scope)));
      return row;
    },
    /** The institutions with these ids (any order; unknown ids left out). */
    async findInstitutions(ids: string[]): Promise<InstitutionRow[]> {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(institutions)
        .where(sql`${institutions.id} = ${anyOfTexts(ids)}`);
    },
    async listInstitutions(kind: string | undefined, scope: Scope): Promise<InstitutionRow[]> {
      const where: (SQL | undefined)[] = [institutionsOf(scope)];
      if (kind) where.push(eq(institutions.kind, kind as InstitutionRow['kind']));
      return db
        .select()
        .from(institutions)
        .where(and(...where))
        .orderBy(asc(institutions.kind), asc(institutions.id));
    },
  };
}

export type RegistryRepository = ReturnType<typeof createRegistryRepository>;

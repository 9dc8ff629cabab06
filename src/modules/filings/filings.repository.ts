import { and, asc, desc, eq, gt, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../programmes/programmes.repository';
import { agreements, enterprises, funds, fundProgrammes } from '../registry/registry.table';
import type { Cursor } from '../shared/paging';
import { filingEvents, filings, type FilingStatus } from './filings.table';

export type FilingRow = typeof filings.$inferSelect;
export type FilingEventRow = typeof filingEvents.$inferSelect;
export type AgreementRow = typeof agreements.$inferSelect;
export type FilingInsert = typeof filings.$inferInsert;
export type FilingEventInsert = typeof filingEvents.$inferInsert;

export const FILING_SORTS = { filedOn: filings.filedOn, principal: filings.principal, outstanding: filings.outstanding, bankRef: filings.bankRef, disbursedOn: filings.disbursedOn } as const;
export type FilingSort = keyof typeof FILING_SORTS;

export interface FilingFilter {
  bankId?: string;
  guarantorId?: string;
  fundId?: string;
  programmeId?: string;
  enterpriseId?: string;
  status?: FilingStatus;
  kind?: string;
  mode?: 'direct' | 'risk-sharing';
  filedFrom?: string;
  filedTo?: string;
  bankRef?: string;
}

function where(f: FilingFilter): SQL[] {
  const w: SQL[] = [];
  if (f.bankId) w.push(eq(filings.bankId, f.bankId));
  if (f.guarantorId) w.push(eq(filings.guarantorId, f.guarantorId));
  if (f.fundId) w.push(eq(filings.fundId, f.fundId));
  if (f.programmeId) w.push(eq(filings.programmeId, f.programmeId));
  if (f.enterpriseId) w.push(eq(filings.enterpriseId, f.enterpriseId));
  if (f.status) w.push(eq(filings.status, f.status));
  if (f.kind) w.push(eq(filings.kind, f.kind));
  if (f.mode) w.push(eq(filings.mode, f.mode));
  if (f.filedFrom) w.push(gte(filings.filedOn, f.filedFrom));
  if (f.filedTo) w.push(lte(filings.filedOn, f.filedTo));
  if (f.bankRef) w.push(sql`${filings.bankRef} like ${`${f.bankRef.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`);
  return w;
}

export function createFilingsRepository({ db }: { db: Db }) {
  return {
    async insert(row: typeof filings.$inferInsert) {
      await db.insert(filings).values(row);
    },
    /** Many filings in one statement (bulk filing). */
    async insertMany(rows: FilingInsert[]) {
      if (rows.length) await db.insert(filings).values(rows);
    },
    async addEvents(events: FilingEventInsert[]) {
      if (events.length) await db.insert(filingEvents).values(events);
    },
    async findMany(ids: string[]): Promise<FilingRow[]> {
      return ids.length ? db.select().from(filings).where(inArray(filings.id, ids)) : [];
    },
    /** Which of these loan numbers the bank has filed already. */
    async filedBankRefs(bankId: string, bankRefs: string[]): Promise<Set<string>> {
      if (bankRefs.length === 0) return new Set();
      const rows = await db.select({ bankRef: filings.bankRef }).from(filings).where(and(eq(filings.bankId, bankId), inArray(filings.bankRef, bankRefs)));
      return new Set(rows.map((r) => r.bankRef));
    },
    async update(id: string, patch: Partial<typeof filings.$inferInsert>) {
      await db.update(filings).set({ ...patch, updatedAt: new Date(), version: sql`${filings.version} + 1` }).where(eq(filings.id, id));
    },
    async addEvent(e: typeof filingEvents.$inferInsert) {
      await db.insert(filingEvents).values(e);
    },
    async events(filingId: string): Promise<FilingEventRow[]> {
      return db.select().from(filingEvents).where(eq(filingEvents.filingId, filingId)).orderBy(asc(filingEvents.id));
    },
    /** Locks the row for the rest of the transaction (servicing and claims change a loan one at a time). */
    async find(id: string, scope: { bankId?: string; guarantorId?: string } = {}, forUpdate = false): Promise<FilingRow | undefined> {
      const q = db.select().from(filings).where(and(eq(filings.id, id), ...where(scope)));
      const [row] = forUpdate ? await q.for('update') : await q;
      return row;
    },
    async findByBankRef(bankId: string, bankRef: string): Promise<FilingRow | undefined> {
      const [row] = await db.select().from(filings).where(and(eq(filings.bankId, bankId), eq(filings.bankRef, bankRef)));
      return row;
    },
    async findByIdempotencyKey(bankId: string, key: string): Promise<FilingRow | undefined> {
      const [row] = await db.select().from(filings).where(and(eq(filings.bankId, bankId), eq(filings.idempotencyKey, key)));
      return row;
    },
    async list(f: FilingFilter, page: { limit: number; cursor?: Cursor; order: 'asc' | 'desc'; sort: FilingSort }) {
      const col = FILING_SORTS[page.sort];
      const w = where(f);
      if (page.cursor) {
        const cmp = page.order === 'asc' ? gt : lt;
        const v = page.cursor.value as string;
        const typed = page.sort === 'principal' || page.sort === 'outstanding' ? sql`${v}::bigint` : v;
        w.push(or(cmp(col, typed), and(eq(col, typed), cmp(filings.id, page.cursor.id)))!);
      }
      const dir = page.order === 'asc' ? asc : desc;
      return db.select({ filing: filings, enterpriseName: enterprises.name }).from(filings)
        .innerJoin(enterprises, eq(enterprises.id, filings.enterpriseId))
        .where(and(...w)).orderBy(dir(col), dir(filings.id)).limit(page.limit + 1);
    },
    /** The enterprise's live principal with this bank under this programme (G5 is kept in the ledger; this is for display). */
    async agreementsFor(bankId: string, on: string): Promise<AgreementRow[]> {
      return db.select().from(agreements).where(and(eq(agreements.institutionId, bankId), lte(agreements.signedOn, on),
        or(sql`${agreements.endsOn} is null`, gte(agreements.endsOn, on)))).orderBy(asc(agreements.id));
    },
    async fundsOfProgramme(programmeId: string) {
      return db.select({ fund: funds }).from(fundProgrammes).innerJoin(funds, eq(funds.id, fundProgrammes.fundId)).where(eq(fundProgrammes.programmeId, programmeId));
    },
  };
}

export type FilingsRepository = ReturnType<typeof createFilingsRepository>;

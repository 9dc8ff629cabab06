/**
 * The funds' SQL: the funds module alone writes `funds`, `fund_programmes`, `agreements` (declared
 * in registry.table.ts) and `fund_top_ups` (DESIGN.md, "One owner per table"); the modules that
 * move a fund's money read its rows here. Locks are taken where the use cases ask (`lock…`).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { programmes } from '../programmes/programmes.table';
import { agreements, fundProgrammes, funds } from '../registry/registry.table';
import { fundTopUps } from './funds.table';

export type FundRow = typeof funds.$inferSelect;
export type AgreementRow = typeof agreements.$inferSelect;

export function createFundsRepository({ db }: { db: Db }) {
  return {
    /** R7b/R15: the multiple of the fund's own money its committed liability may reach, in basis points. */
    async liabilityMultipleOf(fundId: string): Promise<number> {
      const [fund] = await db.select({ m: funds.liabilityMultipleBp }).from(funds).where(eq(funds.id, fundId));
      if (!fund) throw new Error(`fund ${fundId} does not exist`);
      return fund.m;
    },
    async findFund(id: string): Promise<FundRow | undefined> {
      const [fund] = await db.select().from(funds).where(eq(funds.id, id));
      return fund;
    },
    /** Every fund, by id. */
    async listFunds(): Promise<FundRow[]> {
      return db.select().from(funds).orderBy(asc(funds.id));
    },
    /** Whether a programme with this id exists (a read of the programmes module's table). */
    async programmeExists(id: string): Promise<boolean> {
      return (await db.select().from(programmes).where(eq(programmes.id, id))).length > 0;
    },
    async insertFund(row: typeof funds.$inferInsert): Promise<void> {
      await db.insert(funds).values(row);
    },
    /** The programmes the fund runs (F3). */
    async linkProgrammes(fundId: string, programmeIds: string[]): Promise<void> {
      await db.insert(fundProgrammes).values(programmeIds.map((programmeId) => ({ fundId, programmeId })));
    },
    async programmesOf(fundId: string) {
      return db.select().from(fundProgrammes).where(eq(fundProgrammes.fundId, fundId));
    },
    /** The link between the fund and the programme, if the fund runs it. */
    async fundProgramme(fundId: string, programmeId: string) {
      const [link] = await db
        .select()
        .from(fundProgrammes)
        .where(and(eq(fundProgrammes.fundId, fundId), eq(fundProgrammes.programmeId, programmeId)));
      return link;
    },
    /** The day of the fund's first top-up (its start), if it has one. */
    async firstTopUpOn(fundId: string): Promise<string | undefined> {
      const [first] = await db
        .select({ on: fundTopUps.on })
        .from(fundTopUps)
        .where(eq(fundTopUps.fundId, fundId))
        .orderBy(asc(fundTopUps.on))
        .limit(1);
      return first?.on;
    },
    async insertTopUp(row: typeof fundTopUps.$inferInsert): Promise<void> {
      await db.insert(fundTopUps).values(row);
    },
    /** The fund's top-ups in the order they were recorded. */
    async topUpsOf(fundId: string) {
      return db.select().from(fundTopUps).where(eq(fundTopUps.fundId, fundId)).orderBy(asc(fundTopUps.at));
    },
    /** The institution's agreements for this programme and fund (G1: at most one). */
    async agreementsOf(fundId: string, programmeId: string, institutionId: string): Promise<AgreementRow[]> {
      return db
        .select()
        .from(agreements)
        .where(
          and(
            eq(agreements.fundId, fundId),
            eq(agreements.programmeId, programmeId),
            eq(agreements.institutionId, institutionId),
          ),
        );
    },
    async insertAgreement(row: typeof agreements.$inferInsert): Promise<void> {
      await db.insert(agreements).values(row);
    },
    async findAgreement(id: string): Promise<AgreementRow | undefined> {
      const [row] = await db.select().from(agreements).where(eq(agreements.id, id));
      return row;
    },
    /** The agreement, locked for the rest of the transaction. */
    async lockAgreement(id: string): Promise<AgreementRow | undefined> {
      const [a] = await db.select().from(agreements).where(eq(agreements.id, id)).for('update');
      return a;
    },
    /** How many ledger transfers the agreement has had (its quota carvings number from them; a read of the ledger's table). */
    async quotaTransferCount(agreementId: string): Promise<number> {
      const [{ n }] = (await db
        .select({ n: sql<number>`count(*)::int` })
        .from(sql`ledger_transfers`)
        .where(sql`entity_kind = 'agreement' and entity_id = ${agreementId}`)) as [{ n: number }];
      return n;
    },
    async setQuota(id: string, quota: bigint): Promise<void> {
      await db.update(agreements).set({ quota }).where(eq(agreements.id, id));
    },
    /** The agreements of a fund (or all) and of an institution (or all), by institution then programme. */
    async listAgreements(fundId: string | undefined, institutionId: string | undefined): Promise<AgreementRow[]> {
      return db
        .select()
        .from(agreements)
        .where(
          and(
            fundId ? eq(agreements.fundId, fundId) : undefined,
            institutionId !== undefined ? eq(agreements.institutionId, institutionId) : undefined,
          ),
        )
        .orderBy(asc(agreements.institutionId), asc(agreements.programmeId));
    },
  };
}

export type FundsRepository = ReturnType<typeof createFundsRepository>;

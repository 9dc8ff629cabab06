/** The funds' own rows, read by the modules that move a fund's money. */
import { eq } from 'drizzle-orm';
import type { Db } from '../shared/db';
import { funds } from '../registry/registry.table';

export function createFundsRepository({ db }: { db: Db }) {
  return {
    /** R7b/R15: the multiple of the fund's own money its committed liability may reach, in basis points. */
    async liabilityMultipleOf(fundId: string): Promise<number> {
      const [fund] = await db.select({ m: funds.liabilityMultipleBp }).from(funds).where(eq(funds.id, fundId));
      if (!fund) throw new Error(`fund ${fundId} does not exist`);
      return fund.m;
    },
  };
}

/** A small E-Town world on a fresh database for use-case tests: programmes, a fund, banks, a guarantor, enterprises. */
import { openTestDatabase } from '../../src/adapters/db/testing';
import { parseYuan } from '../../src/core/money/money';
import type { Actor, Role } from '../../src/modules/auth/access';
import { createFund, signAgreement } from '../../src/modules/funds/funds.usecases';
import { loadPolicyFiles } from '../../src/modules/programmes/policy-files';
import { createProgrammesRepository } from '../../src/modules/programmes/programmes.repository';
import { loadPolicyCatalog, syncPolicyFiles } from '../../src/modules/programmes/programmes.usecases';
import { createRegistryRepository } from '../../src/modules/registry/registry.repository';
import { registerEnterprise, registerInstitution } from '../../src/modules/registry/registry.usecases';
import { creditCodeCheckCharacter } from '../../src/core/registry/credit-code';
import { rowsOf } from '../../src/modules/shared/rows';
import { loadWorkingCalendar } from '../../src/modules/calendar/calendar.usecases';

export const actor = (username: string, role: Role, bankId: string | null = null): Actor => ({
  userId: username,
  username,
  displayName: username,
  role,
  bankId,
  guarantorId: null,
  via: 'session',
});
export const manager = actor('manager', 'manager');
export const manager2 = actor('manager2', 'manager');
export const reviewer = actor('reviewer', 'reviewer');
export const icbc = actor('icbc-officer', 'bank', 'bank-icbc');
export const bob = actor('bob-officer', 'bank', 'bank-bob');

/** Valid GB 32100-2015 codes: 17 characters plus the check character. */
export function creditCode(n: number): string {
  const first17 = `91110302${String(n).padStart(9, '0')}`;
  return first17 + creditCodeCheckCharacter(first17);
}

export async function etownWorld({ capital = '100000000.00', quota }: { capital?: string; quota?: string } = {}) {
  const database = await openTestDatabase();
  const db = database.db;
  const programmesRepo = createProgrammesRepository({ db });
  await syncPolicyFiles({ repo: programmesRepo, files: loadPolicyFiles() });
  const catalog = await loadPolicyCatalog({ repo: programmesRepo, calendar: await loadWorkingCalendar({ db }) });
  const registry = createRegistryRepository({ db });
  for (const [id, kind, name] of [
    ['bank-icbc', 'bank', '工商银行亦庄支行'],
    ['bank-bob', 'bank', '北京银行经开区支行'],
    ['guarantor-bjg', 'guarantor', '首创担保'],
  ] as const) {
    await registerInstitution({ repo: registry, input: { id, kind, name, registeredInZone: true } });
  }
  await createFund({
    db,
    actor: manager,
    input: {
      id: 'etown',
      name: '亦庄风险补偿资金',
      programmes: ['etown-2023-small-micro', 'etown-2025-sci-tech'],
      liabilityMultipleBp: 100_000,
      capital: parseYuan(capital),
      on: '2024-01-02',
    },
  });
  for (const bank of ['bank-icbc', 'bank-bob']) {
    for (const p of ['etown-2023-small-micro', 'etown-2025-sci-tech']) {
      await signAgreement({
        db,
        actor: manager,
        input: {
          fundId: 'etown',
          programmeId: p,
          institutionId: bank,
          signedOn: '2024-01-01',
          ...(quota && bank === 'bank-bob' ? { quota: parseYuan(quota) } : {}),
        },
      });
    }
  }
  const enterprise = async (
    n: number,
    extra: Partial<{
      size: 'micro' | 'small' | 'medium';
      sciTech: boolean;
      qualifications: { kind: 'national-high-tech'; validFrom: string; validTo: string }[];
    }> = {},
  ) =>
    (
      await registerEnterprise({
        repo: registry,
        actor: manager,
        input: {
          creditCode: creditCode(n),
          name: `企业${n}`,
          size: extra.size ?? 'small',
          industry: 'software',
          sciTech: extra.sciTech ?? true,
          registeredInZone: true,
          restrictedProcesses: false,
          qualifications: extra.qualifications ?? [],
        },
      })
    ).id;
  return { database, db, catalog, enterprise, close: () => database.close() };
}

export async function ledgerSums(db: import('../../src/modules/shared/db').Db, fundId: string) {
  const r = await db.execute(
    `select code, sum(debits_posted)::text as dp, sum(credits_posted)::text as cp, sum(debits_pending)::text as dpe, sum(credits_pending)::text as cpe from ledger_accounts where fund_id = '${fundId}' group by code` as never,
  );
  const rows = rowsOf(r) as Record<string, string>[];
  const by: Record<string, { dp: bigint; cp: bigint }> = Object.fromEntries(
    rows.map((x) => [x.code, { dp: BigInt(x.dp!), cp: BigInt(x.cp!) }]),
  );
  const net = (code: string): bigint => (by[code] ? by[code]!.cp - by[code]!.dp : 0n);
  const sums: Record<
    'limit' | 'capacity' | 'quota' | 'exposure' | 'shortfall' | 'cash' | 'capital' | 'paid' | 'refunded',
    bigint
  > = {
    limit: by.limit ? by.limit.dp - by.limit.cp : 0n,
    capacity: net('capacity'),
    quota: net('quota'),
    exposure: net('exposure'),
    // R15: how far payouts lowered the limit past the capacity there was (debit-normal).
    shortfall: -net('limit-shortfall'),
    cash: by.cash ? by.cash.dp - by.cash.cp : 0n,
    capital: net('capital'),
    paid: by.payable?.dp ?? 0n,
    refunded: net('recovery-income'),
  };
  return sums;
}

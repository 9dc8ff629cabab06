/**
 * What each report's rows hold: documented in the OpenAPI reference, and the columns of its CSV and
 * XLSX downloads, so a report with no rows still downloads with its header.
 */
import { z } from '@hono/zod-openapi';
import { BREAKDOWNS } from './reports.usecases';

const yuan = (description?: string) =>
  z.string().openapi({ example: '1250000.00', description: description ? `${description}, yuan` : 'yuan' });
const ratio = (description: string) => z.string().openapi({ example: '0.0125', description });
const count = (description: string) => z.number().int().openapi({ description });

export const positionRow = z
  .object({
    fundId: z.string(),
    name: z.string(),
    liabilityMultiple: ratio('committed liability may reach this multiple of the capital (R7b)'),
    capital: yuan('capital paid in'),
    cash: yuan('cash held'),
    limit: yuan('the liability limit (capital × multiple)'),
    committedLiability: yuan('liability reserved for live filings (R5)'),
    capacityLeft: yuan('what more may be reserved'),
    quotaUnused: yuan('banks’ quotas not used'),
    payouts: yuan('claims paid'),
    payableToBanks: yuan('claims approved, not yet paid'),
    refunds: yuan('recoveries returned to the fund (R8)'),
    filedPrincipal: yuan('principal filed'),
    liveFiledPrincipal: yuan('outstanding of active and non-performing loans'),
    liveLoans: count('active and non-performing loans'),
    leverage: ratio('live filed principal ÷ capital'),
  })
  .openapi('PositionRow');

const bilingual = z.object({ zh: z.string(), en: z.string() });

export const bankRow = z
  .object({
    bankId: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    loans: count('loans filed (withdrawn left out)'),
    filedPrincipal: yuan(),
    outstanding: yuan('outstanding of loans on the books'),
    nplPrincipal: yuan('outstanding of non-performing and compensated loans (R6)'),
    nplRatio: ratio('NPL principal ÷ outstanding'),
    claimedNplPrincipal: yuan(),
    claimRatio: ratio('claimed NPL principal ÷ filed principal (G4)'),
    compensationPaid: yuan(),
    refunded: yuan(),
    netCompensation: yuan('compensation paid less refunds (G4)'),
    claimRatioThreshold: ratio('G4’s claim ratio threshold'),
    netCompensationThreshold: yuan('G4’s net compensation threshold'),
    ratioExceeded: z.boolean(),
    netExceeded: z.boolean(),
    breakerTripped: z.boolean(),
    why: bilingual,
  })
  .openapi('BankReportRow');

const breakdownFigures = {
  loans: count('loans filed (withdrawn left out)'),
  filedPrincipal: yuan(),
  liveExposure: yuan('liability reserved now'),
  nplPrincipal: yuan('outstanding of non-performing and compensated loans'),
  claimsPaid: yuan(),
  claimsPaidCount: count('claims paid'),
  refunds: yuan('recoveries returned to the fund'),
  recovered: yuan('recovered by the banks, their costs included'),
  recoveryCosts: yuan('the banks’ costs of recovering, deducted before the fund’s share (R19)'),
  recoveryRate: ratio(
    'refunds ÷ claims paid: how much of what the fund paid came back (R8); null when nothing was paid',
  ).nullable(),
};
/** A breakdown row: the group (named by `by`) and its figures. */
export const breakdownRow = (by: (typeof BREAKDOWNS)[number]) => z.object({ [by]: z.string(), ...breakdownFigures });
export const breakdownRowDoc = z
  .object({
    ...Object.fromEntries(
      BREAKDOWNS.map((by) => [
        by,
        z
          .string()
          .optional()
          .openapi({ description: `the group, when by=${by}` }),
      ]),
    ),
    ...breakdownFigures,
  })
  .openapi('BreakdownRow');

export const monthlyRow = z
  .object({
    month: z.string().openapi({ example: '2026-11' }),
    filedPrincipal: yuan(),
    loansFiled: count('loans filed in the month'),
    payouts: yuan('claims paid in the month'),
    claimsPaid: count('claims paid in the month'),
    recovered: yuan('recovered in the month'),
    refunds: yuan('returned to the fund in the month'),
    recoveries: count('recoveries in the month'),
  })
  .openapi('MonthlyRow');

export const partyRow = z
  .object({
    party: z.string(),
    institutionId: z.string().nullable(),
    loans: count('risk-sharing loans the party shares'),
    shareOfFiled: ratio('the party’s share of the filed principal'),
    filedPrincipal: yuan('the party’s part of the filed principal'),
    livePrincipal: yuan('the party’s part of the live principal'),
  })
  .openapi('RiskSharingParty');
export const atClaimRow = z
  .object({ party: z.string(), claims: count('claims'), amount: yuan('the party’s amounts at claim time') })
  .openapi('RiskSharingAtClaim');
export const riskSharingBook = z.object({
  loans: count('risk-sharing loans'),
  filedPrincipal: yuan(),
  livePrincipal: yuan(),
  fundBackstopReserved: yuan('the fund’s backstop of the bank’s part, reserved (R5)'),
});
export const riskSharingReport = riskSharingBook
  .extend({ parties: z.array(partyRow), atClaim: z.array(atClaimRow) })
  .openapi('RiskSharingReport');

/** A row schema's columns as the downloads name them: nested objects become `key.sub`. */
export function columnsOf(schema: z.ZodObject, prefix = ''): string[] {
  return Object.entries(schema.shape).flatMap(([key, field]) =>
    field instanceof z.ZodObject ? columnsOf(field, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

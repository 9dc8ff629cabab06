import { z } from '@hono/zod-openapi';
import { ROLES } from '../auth/access';
import { breakerSchema, claimSchema } from '../claims/claims.schemas';
import { writeOffSchema } from '../servicing/servicing.schemas';

const yuan = (description: string) => z.string().openapi({ description, example: '1200000.00' });
const count = (description: string) => z.number().int().openapi({ description });

const homeClaim = claimSchema
  .extend({
    due: z.string().nullable().openapi({
      description:
        'the date the work at this stage is due by: the decision’s SLA, a returned claim’s completion date for the bank (R21); null for payment, which goes first approved first (R7a)',
    }),
    late: z.boolean().openapi({ description: 'today is past `due`' }),
  })
  .openapi('HomeClaim');

const claimList = (description: string) =>
  z.object({
    items: z.array(homeClaim).openapi({ description: `${description}; the first 20, most urgent first` }),
    count: count('how many there are in all'),
    late: count('how many of them are past their due date'),
  });

export const homeBreakerSchema = breakerSchema
  .extend({
    bankName: z.string(),
    bankNameEn: z.string().nullable(),
    level: z.enum(['ok', 'near', 'tripped']).openapi({
      description: 'tripped: both thresholds exceeded (G4); near: either at 80% of its threshold or more; ok otherwise',
    }),
    claimRatioPercent: count('the claim ratio as a whole percent of its threshold, rounded down (at most 999)'),
    netCompensationPercent: count('net compensation as a whole percent of its threshold, rounded down (at most 999)'),
  })
  .openapi('HomeBreaker');

export const homeSchema = z
  .object({
    role: z.enum(ROLES),
    today: z.string(),
    counts: z.object({
      todo: count('what waits on this person to act: the header’s badge'),
      late: count('of the claims to prepare, decide or complete, those past their due date'),
      toPrepare: count('submitted claims to prepare (manager)'),
      toDecide: count('under-review claims this person did not prepare (maker–checker, R18)'),
      toPay: count('approved and queued claims (manager)'),
      writeOffs: count('write-offs waiting for a decision, not asked for by this person (R18)'),
      returned: count('claims returned to the bank for more material (R21)'),
      inFlight: count('the bank’s claims with the fund'),
      toConfirm: count('risk-sharing loans the guarantor has yet to confirm'),
      fundsShort: count('funds whose cash is less than what their approved and queued claims need'),
      breakersNear: count('banks at 80% of either breaker threshold or more, not tripped'),
      breakersTripped: count('banks whose breaker is tripped (G4)'),
    }),
    toPrepare: claimList('submitted claims to prepare, by SLA'),
    toDecide: claimList('under-review claims to approve or reject, by SLA'),
    toPay: claimList('approved and queued claims, in the order they are paid'),
    writeOffs: z.object({
      items: z.array(writeOffSchema.extend({ bankRef: z.string(), enterpriseName: z.string() })),
      count: count('how many there are in all'),
    }),
    returned: claimList('the bank’s claims returned for more material, by the date it must complete them'),
    inFlight: claimList('the bank’s claims with the fund, by SLA'),
    toConfirm: z.object({
      items: z.array(
        z.object({
          filingId: z.string(),
          bankRef: z.string(),
          bankId: z.string(),
          enterpriseName: z.string().nullable(),
          fundId: z.string(),
          programme: z.string(),
          principal: yuan('the loan’s principal'),
          outstanding: yuan('its outstanding principal'),
          filedOn: z.string(),
          status: z.string(),
          share: z.string().nullable().openapi({ description: 'the guarantor’s share, as a rate', example: '0.4' }),
          shareOfPrincipal: z.string().nullable().openapi({ description: 'its share of the principal, in yuan' }),
        }),
      ),
      count: count('how many there are in all'),
    }),
    funds: z.array(
      z.object({
        fundId: z.string(),
        name: z.string(),
        cash: yuan('the fund’s cash'),
        needed: yuan('the compensation of its approved and queued claims'),
        claims: count('how many approved and queued claims'),
        shortfall: yuan('needed − cash when positive, else 0.00'),
        short: z.boolean(),
      }),
    ),
    breakers: z
      .array(homeBreakerSchema)
      .openapi({ description: 'staff: the banks near or past their breaker, worst first' }),
    bank: z
      .object({
        bankId: z.string(),
        name: z.string(),
        nameEn: z.string().nullable(),
        loans: z.number().int(),
        filedPrincipal: yuan('principal filed (withdrawn left out)'),
        outstanding: yuan('outstanding on the books, live or bad'),
        nplPrincipal: yuan('outstanding of non-performing and compensated loans'),
        quotas: z.array(
          z.object({
            agreementId: z.string(),
            fundId: z.string(),
            fundName: z.string().openapi({ description: 'the fund’s name (a bank may not read the funds)' }),
            programmeId: z.string(),
            quota: yuan('the agreement’s quota (R7c)'),
            used: yuan('liability the bank’s loans hold in it'),
            unused: yuan('what is left of it'),
          }),
        ),
        breaker: homeBreakerSchema,
      })
      .nullable()
      .openapi({ description: 'a bank officer’s own figures; null for everyone else' }),
  })
  .openapi('Home');

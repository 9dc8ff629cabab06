/**
 * The API's shapes under readable names, every one taken from the types generated from the server's
 * OpenAPI document (./schema.d.ts, `npm run api:types`): nothing here is written by hand, so the web
 * app cannot drift from what the server says it sends. Money is yuan as decimal strings.
 */
import type { components, paths } from './schema';

type Schemas = components['schemas'];
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The JSON body of one answer of an operation (200 unless another status is named). */
export type ResponseOf<P extends keyof paths, M extends Method, S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;
/** The JSON body an operation takes. */
export type RequestOf<P extends keyof paths, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer T } };
}
  ? T
  : never;

// People and tokens
export type User = Schemas['User'];
export type Role = User['role'];
/** A user as the user management pages see them (GET /api/users): the signed-in shape and whether disabled. */
export type UserAccount = Schemas['UserAccount'];
export type UserInput = Schemas['UserInput'];
/** Where a person's notification mails go and how often, and whether the server sends mail at all. */
export type NotificationSettings = Schemas['NotificationSettings'];
export type NotifyPreference = NotificationSettings['notify'];
export type ApiToken = Schemas['ApiToken'];
/** The answer to creating a token: the only time its secret is shown. */
export type NewApiToken = ResponseOf<'/api/auth/tokens', 'post', 201>;

// Registry
export type Enterprise = Schemas['Enterprise'];
export type Institution = Schemas['Institution'];

// Programmes and their decisions
export type Programme = Schemas['Programme'];
/** GET /api/programmes/{id}: the programme with the policy file of each version. */
export type ProgrammeDetail = ResponseOf<'/api/programmes/{id}', 'get'>;
/**
 * A policy file as the server loads it. GET /api/programmes/{id} sends each version's file, but the
 * OpenAPI document leaves it untyped (`document: z.unknown()`), so this one shape is the server's own
 * type, imported as a type from its code (nothing of the server ends up in the bundle).
 */
export type { PolicyFile } from '../../../src/core/policy/policy.schema';
export type Decision = Schemas['Decision'];
/**
 * One rule's verdict, as a decision, a filing and a claim each list them: the fields all three
 * have (`applies` only where the evaluation says whether a rule applied at all).
 */
export type Reason = Pick<Decision['reasons'][number], 'rule' | 'cites' | 'ok' | 'zh' | 'en' | 'applies'>;

// Funds
export type Fund = Schemas['Fund'];
export type Agreement = Schemas['Agreement'];
export type CircuitBreaker = Schemas['CircuitBreaker'];
/** A row of GET /api/breakers: the breaker with the bank's names. */
export type BreakerRow = ResponseOf<'/api/breakers', 'get'>['items'][number];

// Loans and claims
export type Filing = Schemas['Filing'];
export type WriteOff = Schemas['WriteOff'];
export type FilingDetail = Schemas['FilingDetail'];
export type FilingEvent = FilingDetail['events'][number];
export type FilingProof = Schemas['FilingProof'];
export type Claim = Schemas['Claim'];
export type ClaimDetail = Schemas['ClaimDetail'];
export type Dossier = Schemas['Dossier'];
export type DueDiligence = Schemas['ClaimDueDiligence'];
export type Recovery = Schemas['Recovery'];
export type RecoveryProgress = Schemas['RecoveryProgress'];
export type ImportJob = Schemas['ImportJob'];

// Ledger, audit, reports
export type LedgerTransfer = Schemas['LedgerTransfer'];
export type LedgerVerifyReport = Schemas['LedgerVerifyReport'];
export type AuditVerifyReport = Schemas['AuditVerifyReport'];
export type AuditEntry = Schemas['AuditEntry'];
export type PositionRow = Schemas['PositionRow'];
export type MonthlyRow = Schemas['MonthlyRow'];
export type BankReportRow = Schemas['BankReportRow'];
export type RiskSharingReport = Schemas['RiskSharingReport'];

// The working-day calendar (G6)
export type WorkingCalendar = Schemas['WorkingCalendar'];
export type HolidayYear = Schemas['HolidayYear'];
export type Holiday = HolidayYear['holidays'][number];
/** What a manager sends to PUT /api/calendar/{year}: the year is the path's. */
export type HolidayYearInput = Schemas['HolidayYearInput'];

// Webhooks for bank systems
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
/** The answer to registering an endpoint or rotating its secret: the only time the secret is shown. */
export type WebhookEndpointWithSecret = Schemas['WebhookEndpointWithSecret'];
export type WebhookEndpointInput = Schemas['WebhookEndpointInput'];
export type WebhookDelivery = Schemas['WebhookDelivery'];

// The home page (待办)
/** GET /api/home: what waits on the signed-in person, with counts. */
export type Home = ResponseOf<'/api/home', 'get'>;
export type HomeClaim = Home['toPrepare']['items'][number];
export type HomeBreaker = Schemas['HomeBreaker'];

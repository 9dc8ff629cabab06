/**
 * The printed documents (issue 17, item 5): each is read through the use cases that answer the
 * same record as JSON — getFiling and getClaim, with their scope (a bank's officer its own, a
 * guarantor the loans it guarantees; another's is 404) — laid out on the server as a PDF, and
 * every download is written to the audit log with the document's SHA-256.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../auth/access';
import { createAuthRepository } from '../auth/auth.repository';
import { createAuditRepository } from '../audit/audit.repository';
import { getClaim } from '../claims/claims.usecases';
import { getFiling } from '../filings/filings.usecases';
import { createFundsRepository } from '../funds/funds.repository';
import { createProgrammesRepository } from '../programmes/programmes.repository';
import { createRegistryRepository } from '../registry/registry.repository';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { dossierForDocument } from '../claim-materials/claim-materials.usecases';
import { listFindings } from '../claims/findings.usecases';
import { documentErrors } from './documents.errors';
import { approvalFormPdf, person, type ClaimDetail, type People } from './approval-form.document';
import type { FilingDetail, LoanContext } from './documents.loan';
import { filingConfirmationPdf } from './filing-confirmation.document';
import { paymentNoticePdf } from './payment-notice.document';
import { claimState } from './documents.words';

export const DOCUMENTS = {
  'filing-confirmation': { zh: '备案确认书', entityKind: 'filing' },
  'approval-form': { zh: '补偿审批表', entityKind: 'claim' },
  'payment-notice': { zh: '拨付通知', entityKind: 'claim' },
} as const;
export type DocumentKind = keyof typeof DOCUMENTS;

export interface DocumentFile {
  kind: DocumentKind;
  bytes: Buffer;
  sha256: string;
  /** The file's name: the document's Chinese name and the bank's reference. */
  filename: string;
  /** The same in ASCII, for clients that do not read RFC 6266's filename*. */
  asciiFilename: string;
}

/** What the documents print about a loan, from the records the filing names. */
async function loanContext(db: Db, filing: FilingDetail): Promise<LoanContext> {
  const registry = createRegistryRepository({ db });
  const enterprise = await registry.findEnterprise(filing.enterpriseId);
  const ids = new Set(
    [filing.bankId, filing.guarantorId, ...filing.parties.map((p) => p.institutionId)].filter(
      (id): id is string => !!id,
    ),
  );
  const institutions = new Map<string, string>();
  for (const id of ids) {
    const i = await registry.findInstitution(id);
    if (i) institutions.set(id, i.name);
  }
  const fund = await createFundsRepository({ db }).findFund(filing.fundId);
  const programme = await createProgrammesRepository({ db }).findProgramme(filing.programme);
  return {
    fund: fund?.name ?? filing.fundId,
    programme: { id: filing.programme, title: programme?.titleZh ?? filing.programme },
    bank: { id: filing.bankId, name: institutions.get(filing.bankId) ?? filing.bankId },
    guarantor: filing.guarantorId
      ? { id: filing.guarantorId, name: institutions.get(filing.guarantorId) ?? filing.guarantorId }
      : null,
    enterprise: {
      name: enterprise?.name ?? filing.enterpriseName ?? filing.enterpriseId,
      creditCode: enterprise?.creditCode ?? '—',
    },
    filing,
    institutions,
  };
}

/** The display names of people, by username. */
async function namesOf(db: Db, usernames: (string | null)[]): Promise<People> {
  const auth = createAuthRepository({ db });
  const names = new Map<string, string>();
  for (const u of new Set(usernames.filter((u): u is string => !!u))) {
    const user = await auth.findUserByUsername(u);
    if (user) names.set(u, user.displayName);
  }
  return names;
}

async function issued(
  db: Db,
  actor: Actor,
  kind: DocumentKind,
  entityId: string,
  bankRef: string,
  bytes: Buffer,
): Promise<DocumentFile> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await createAuditRepository({ db }).record({
    actor: actor.username,
    action: `document.${kind}`,
    entityKind: DOCUMENTS[kind].entityKind,
    entityId,
    after: { document: kind, bytes: bytes.length, sha256 },
  });
  const ref = bankRef.replace(/[^\w.-]+/g, '_');
  return {
    kind,
    bytes,
    sha256,
    filename: `${DOCUMENTS[kind].zh}-${bankRef.replace(/["\\/\r\n]+/g, '_')}.pdf`,
    asciiFilename: `${kind}-${ref}.pdf`,
  };
}

/** 备案确认书 of a filing the actor may read. */
export async function filingConfirmation({
  db,
  actor,
  id,
  now,
}: {
  db: Db;
  actor: Actor;
  id: string;
  now: Date;
}): Promise<DocumentFile> {
  const filing = await getFiling({ db, actor, id });
  const people = await namesOf(db, [filing.createdBy]);
  const bytes = await filingConfirmationPdf(await loanContext(db, filing), person(people, filing.createdBy), now);
  return issued(db, actor, 'filing-confirmation', id, filing.bankRef, bytes);
}

async function claimAndLoan(
  { db, catalog, actor, id, today }: { db: Db; catalog: PolicyCatalog; actor: Actor; id: string; today: string },
  check = (_claim: ClaimDetail) => {},
) {
  const claim = await getClaim({ db, catalog, actor, id, today });
  check(claim);
  // The claim's loan through the same scope: whoever sees a claim sees its loan.
  const filing = await getFiling({ db, actor, id: claim.filingId });
  const people = await namesOf(db, [
    claim.submittedBy,
    claim.preparedBy,
    claim.decidedBy,
    claim.paidBy,
    ...claim.events.map((e) => e.actor),
  ]);
  return { claim, ctx: await loanContext(db, filing), people };
}

/** 补偿审批表 of a claim the actor may read, in whatever state it is. */
export async function approvalForm({
  db,
  catalog,
  actor,
  id,
  today,
  now,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  today: string;
  now: Date;
}): Promise<DocumentFile> {
  const { claim, ctx, people } = await claimAndLoan({ db, catalog, actor, id, today });
  const dossier = await dossierForDocument({ db, catalog, actor, claimId: id });
  const findings = await listFindings({ db, catalog, actor, id });
  const bytes = await approvalFormPdf(ctx, claim, people, now, { dossier, findings });
  return issued(db, actor, 'approval-form', id, ctx.filing.bankRef, bytes);
}

/** A payment notice is for a paid claim only: 409 `document.claim_not_paid` before. */
function notPaid(claim: ClaimDetail): void {
  if (claim.state === 'paid') return;
  throw documentErrors.claimNotPaid(claim.state, claimState(claim.state));
}

/** 拨付通知 of a paid claim the actor may read; any other claim is 409 `document.claim_not_paid`. */
export async function paymentNotice({
  db,
  catalog,
  actor,
  id,
  today,
  now,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  id: string;
  today: string;
  now: Date;
}): Promise<DocumentFile> {
  const { claim, ctx, people } = await claimAndLoan({ db, catalog, actor, id, today }, notPaid);
  const bytes = await paymentNoticePdf(ctx, claim, people, now);
  return issued(db, actor, 'payment-notice', id, ctx.filing.bankRef, bytes);
}

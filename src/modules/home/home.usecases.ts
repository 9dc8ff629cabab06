/**
 * The home page (待办, issue 18): what waits on the signed-in person, most urgent first, with how
 * many of each, scoped as every other read (`scopeFor`).
 *
 * - manager: submitted claims to prepare; under-review claims to decide that they did not prepare
 *   (maker–checker, R18); approved and queued claims to pay, in the order they are paid (R7a).
 * - reviewer: the claims to decide, as a manager.
 * - manager and reviewer: write-offs waiting for a second person (not the one who asked, R18).
 * - staff (manager, reviewer, auditor): each fund's cash against what its approved and queued claims
 *   need, and the banks near (≥ 80% of either threshold) or past their circuit breaker (G4).
 * - bank: its claims returned for more material (R21) by the bank's deadline, its claims in flight,
 *   its book and quotas (R7c), and its own distance to the breaker.
 * - guarantor: its risk-sharing loans still to confirm (F14–F16), with its share.
 *
 * Lists hold the first LIST_LIMIT; the counts are of all of them.
 */
import { OPEN_CLAIM_STATES, type ClaimState } from '../../core/claims/claim-state';
import { breakerProximity } from '../../core/claims/circuit-breaker';
import { accountId } from '../../core/ledger/fund-operations';
import { applyRate, formatYuan, parseRate, parseYuan } from '../../core/money/money';
import { scopeFor, type Actor, type Scope } from '../auth/access';
import { breakerFrom, breakerView, figuresOf } from '../claims/breaker.usecases';
import * as breakerRepo from '../claims/breaker.repository';
import { claimView, queuePositions } from '../claims/claims.usecases';
import { listFilings } from '../filings/filings.usecases';
import { listAgreements } from '../funds/funds.usecases';
import { createLedgerRepository } from '../ledger/ledger.repository';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { createFundsRepository } from '../funds/funds.repository';
import { bankRatios } from '../reports/reports.usecases';
import { writeOffView } from '../servicing/servicing.usecases';
import type { Db } from '../shared/db';
import * as repo from './home.repository';

/** How many of each list the home page shows; `count` says how many there are. */
export const LIST_LIMIT = 20;

/** Claims in flight for a bank: with the fund, not with the bank (returned claims are its own list). */
const IN_FLIGHT: readonly ClaimState[] = ['submitted', 'under-review', 'held', 'approved', 'queued'];

type List<T> = { items: T[]; count: number };
const empty = <T>(): List<T> => ({ items: [], count: 0 });
const noClaims = (): List<ReturnType<typeof homeClaim>> & { late: number } => ({ items: [], count: 0, late: 0 });

/**
 * Claims waiting at a stage: each as the claims list shows it, with `due` — the date its work is due
 * by at this stage (the decision's SLA; a returned claim's completion date for the bank; none for
 * payment, which goes first approved first) — and whether it is late: that date has passed, or the
 * review stage it waits at is past its own SLA (R23).
 */
async function claimList(
  db: Db,
  filter: repo.WaitingFilter,
  order: repo.WaitingOrder,
  today: string,
): Promise<List<ReturnType<typeof homeClaim>> & { late: number }> {
  const [rows, { count, late }] = await Promise.all([
    repo.waitingClaims({ db, filter, order, limit: LIST_LIMIT }),
    repo.countWaitingClaims({ db, filter, order, today }),
  ]);
  const positions = await queuePositions(
    db,
    rows.map((r) => r.claim),
  );
  return {
    items: rows.map((r) => homeClaim(r, order, today, positions.get(r.claim.id) ?? null)),
    count,
    late,
  };
}

function homeClaim(
  r: Awaited<ReturnType<typeof repo.waitingClaims>>[number],
  order: repo.WaitingOrder,
  today: string,
  queuePosition: number | null,
) {
  const c = r.claim;
  const due =
    order === 'returned' ? (c.returnRequest?.dueBy ?? c.dueBy) : OPEN_CLAIM_STATES.includes(c.state) ? c.dueBy : null;
  const view = claimView(c, { bankRef: r.bankRef, enterpriseName: r.enterpriseName, today, queuePosition });
  return { ...view, due, late: due !== null && (today > due || view.stageOverdue) };
}

/** The breaker of a bank with its level (ok, near: amber, tripped: red) and how far along each threshold it is. */
function breakerWithLevel(
  bank: { id: string; name: string; nameEn: string | null },
  figures: breakerRepo.BankFigures,
  catalog: PolicyCatalog,
) {
  const state = breakerFrom(figures, catalog);
  return {
    ...breakerView(bank.id, state),
    bankName: bank.name,
    bankNameEn: bank.nameEn,
    ...breakerProximity(figures, state.thresholds),
  };
}
export type HomeBreaker = ReturnType<typeof breakerWithLevel>;

const LEVEL_ORDER = { tripped: 0, near: 1, ok: 2 } as const;
const closest = (b: HomeBreaker) => Math.max(b.claimRatioPercent, b.netCompensationPercent);

/** Every bank's breaker that is near or tripped: tripped first, then the closest (staff only). */
async function breakersNearOrPast(db: Db, catalog: PolicyCatalog): Promise<HomeBreaker[]> {
  const banks = await breakerRepo.banks({ db });
  const figures = await figuresOf(
    db,
    banks.map((b) => b.id),
  );
  return banks
    .map((b) => breakerWithLevel(b, figures.get(b.id)!, catalog))
    .filter((b) => b.level !== 'ok')
    .sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || closest(b) - closest(a));
}

/** Each fund's cash against what its approved and queued claims need: the short ones first. */
async function fundsCash(db: Db) {
  const funds = await repo.fundCashAndNeeds({ db });
  return funds
    .map((f) => {
      const shortfall = f.needed > f.cash ? f.needed - f.cash : 0n;
      return {
        fundId: f.fundId,
        name: f.name,
        cash: formatYuan(f.cash),
        needed: formatYuan(f.needed),
        claims: f.claims,
        shortfall: formatYuan(shortfall),
        short: shortfall > 0n,
      };
    })
    .sort((a, b) => Number(b.short) - Number(a.short) || a.fundId.localeCompare(b.fundId));
}

/** The write-offs waiting for this person's decision: asked for by someone else (R18), oldest first. */
async function writeOffList(db: Db, actor: Actor) {
  const [rows, count] = await Promise.all([
    repo.waitingWriteOffs({ db, notRequestedBy: actor.username, limit: LIST_LIMIT }),
    repo.countWaitingWriteOffs({ db, notRequestedBy: actor.username }),
  ]);
  return {
    items: rows.map((r) => ({ ...writeOffView(r.writeOff), bankRef: r.bankRef, enterpriseName: r.enterpriseName })),
    count,
  };
}

type WriteOffItem = Awaited<ReturnType<typeof writeOffList>>['items'][number];

/** A bank's own figures: its book (reports), its quotas and what they hold (R7c), and its breaker. */
async function bankSection(db: Db, catalog: PolicyCatalog, actor: Actor, bankId: string) {
  const [book] = await bankRatios({ db, catalog, actor });
  if (!book) return null;
  const ledger = createLedgerRepository({ db });
  // The funds by name: a bank may not read the funds (fund:read), but may see whose quota it holds.
  const fundNames = new Map((await createFundsRepository({ db }).listFunds()).map((f) => [f.id, f.name] as const));
  const quotas = [];
  for (const a of await listAgreements({ db, actor })) {
    if (a.quota === null) continue;
    const quota = parseYuan(a.quota);
    const account = await ledger.account(accountId.quota(a.fundId, a.id));
    const free = account ? account.creditsPosted - account.debitsPosted - account.debitsPending : quota;
    quotas.push({
      agreementId: a.id,
      fundId: a.fundId,
      fundName: fundNames.get(a.fundId) ?? a.fundId,
      programmeId: a.programmeId,
      quota: a.quota,
      used: formatYuan(quota - free),
      unused: formatYuan(free),
    });
  }
  const figures = (await figuresOf(db, [bankId])).get(bankId)!;
  return {
    bankId,
    name: book.name,
    nameEn: book.nameEn,
    loans: book.loans,
    filedPrincipal: book.filedPrincipal,
    outstanding: book.outstanding,
    nplPrincipal: book.nplPrincipal,
    quotas,
    breaker: breakerWithLevel({ id: bankId, name: book.name, nameEn: book.nameEn }, figures, catalog),
  };
}

/** The guarantor's risk-sharing loans still to confirm, oldest filed first, with its share of each. */
async function toConfirmList(db: Db, actor: Actor, guarantorId: string) {
  const page = await listFilings({
    db,
    actor,
    query: { guarantorConfirmed: false, limit: LIST_LIMIT, order: 'asc', sort: 'filedOn' },
  });
  return {
    items: page.items.map((f) => {
      const mine = f.parties.find((p) => p.institutionId === guarantorId);
      return {
        filingId: f.id,
        bankRef: f.bankRef,
        bankId: f.bankId,
        enterpriseName: f.enterpriseName ?? null,
        fundId: f.fundId,
        programme: f.programme,
        principal: f.principal,
        outstanding: f.outstanding,
        filedOn: f.filedOn,
        status: f.status,
        share: mine?.share ?? null,
        shareOfPrincipal: mine ? formatYuan(applyRate(parseYuan(f.principal), parseRate(mine.share))) : null,
      };
    }),
    count: page.total,
  };
}

type ConfirmItem = Awaited<ReturnType<typeof toConfirmList>>['items'][number];

export async function getHome({
  db,
  catalog,
  actor,
  today,
}: {
  db: Db;
  catalog: PolicyCatalog;
  actor: Actor;
  today: string;
}) {
  const scope: Scope = scopeFor(actor);
  const role = actor.role;
  const staff = role === 'manager' || role === 'reviewer' || role === 'auditor' || role === 'bureau';
  const checker = role === 'manager' || role === 'reviewer' || role === 'bureau';

  const [toPrepare, toDecide, toPay, writeOffs, returned, inFlight, toConfirm, funds, breakers, bank] =
    await Promise.all([
      role === 'manager' ? claimList(db, { scope, states: ['submitted'] }, 'due', today) : noClaims(),
      checker
        ? claimList(
            db,
            {
              scope,
              states: ['under-review'],
              notPreparedBy: actor.username,
              decider: { role, username: actor.username },
            },
            'due',
            today,
          )
        : noClaims(),
      role === 'manager' ? claimList(db, { scope, states: ['approved', 'queued'] }, 'queue', today) : noClaims(),
      role === 'manager' || role === 'reviewer' ? writeOffList(db, actor) : empty<WriteOffItem>(),
      scope.kind === 'bank' ? claimList(db, { scope, states: ['returned'] }, 'returned', today) : noClaims(),
      scope.kind === 'bank' ? claimList(db, { scope, states: IN_FLIGHT }, 'due', today) : noClaims(),
      scope.kind === 'guarantor' ? toConfirmList(db, actor, scope.guarantorId) : empty<ConfirmItem>(),
      staff ? fundsCash(db) : Promise.resolve([]),
      staff ? breakersNearOrPast(db, catalog) : Promise.resolve([]),
      scope.kind === 'bank' ? bankSection(db, catalog, actor, scope.bankId) : Promise.resolve(null),
    ]);

  const fundsShort = funds.filter((f) => f.short).length;
  const breakersTripped = breakers.filter((b) => b.level === 'tripped').length;
  const breakersNear = breakers.filter((b) => b.level === 'near').length;
  return {
    role,
    today,
    counts: {
      /** What this person has to act on: the header's badge. */
      todo: toPrepare.count + toDecide.count + toPay.count + writeOffs.count + returned.count + toConfirm.count,
      /** Of those, past their due date: the decision's SLA, or a return's completion date for a bank. */
      late: toPrepare.late + toDecide.late + returned.late,
      toPrepare: toPrepare.count,
      toDecide: toDecide.count,
      toPay: toPay.count,
      writeOffs: writeOffs.count,
      returned: returned.count,
      inFlight: inFlight.count,
      toConfirm: toConfirm.count,
      fundsShort,
      breakersNear,
      breakersTripped,
    },
    toPrepare,
    toDecide,
    toPay,
    writeOffs,
    returned,
    inFlight,
    toConfirm,
    funds,
    breakers,
    bank,
  };
}
export type Home = Awaited<ReturnType<typeof getHome>>;

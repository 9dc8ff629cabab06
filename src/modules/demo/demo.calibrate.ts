/**
 * The demo's last weeks, steered so the dashboard has something to show: one bank just under
 * G4's thresholds, one past them (its new claims are held), the Plan's fund short of cash with
 * claims in the payment queue (R7a), and every claim state present. Each step is a real use
 * case; the figures are read back from the ledger through the breaker's own query.
 */
import { addDays } from '../../core/calendar';
import { applyRate, parseYuan, type Fen } from '../../core/money/money';
import { bankFigures, breakerOf } from '../claims/breaker.usecases';
import { approveClaim, payApprovedClaim, prepareClaim, rejectClaim, submitClaim } from '../claims/claims.usecases';
import type { Db } from '../shared/db';
import type { PolicyCatalog } from '../programmes/programmes.usecases';
import { reportClassification } from '../servicing/servicing.usecases';
import { bankOfficer, demoManager, demoManager2, demoReviewer } from './demo.actors';
import { DEMO_BANKS, NEAR_BREAKER_BANK, TRIPPED_BANK } from './demo.data';
import { fundCash, quietLiveLoans } from './demo.repository';

interface Live {
  id: string;
  bankId: string;
  fundId: string;
  disbursedOn: string;
  outstanding: Fen;
  ratioBp: number;
  comp: Fen;
  lastPaid: string | null;
}

/**
 * Running loans disbursed before `quiet`, not overdue and paid nothing since (a loan that goes bad in
 * the last weeks did not pay its last instalment), biggest first, with the day each last paid.
 */
async function liveLoans(
  db: Db,
  quiet: string,
  where: { bankId?: string; fundId?: string; mode?: string },
): Promise<Live[]> {
  const rows = await quietLiveLoans({ db, quiet, where });
  return rows.map((r) => ({
    id: String(r.id),
    bankId: String(r.bank_id),
    fundId: String(r.fund_id),
    disbursedOn: String(r.disbursed_on),
    outstanding: BigInt(r.outstanding as string),
    ratioBp: Number(r.ratio_bp),
    comp: applyRate(BigInt(r.outstanding as string), Number(r.ratio_bp)),
    lastPaid: (r.last_paid as string | null) ?? null,
  }));
}

const cashOf = (db: Db, fundId: string): Promise<Fen> => fundCash({ db, fundId });

export async function calibrate({
  db,
  catalog,
  asOf,
  fundB,
  progress,
}: {
  db: Db;
  catalog: PolicyCatalog;
  asOf: string;
  fundB: string;
  progress: (m: string) => void;
}) {
  let day = addDays(asOf, -45);
  const quiet = day;
  const live = (where: Parameters<typeof liveLoans>[2]) => liveLoans(db, quiet, where);
  const used = new Set<string>();
  const states: Record<string, number> = {};
  const count = (s: string) => {
    states[s] = (states[s] ?? 0) + 1;
  };

  /** Defaults a loan and takes its claim as far as `to`: submitted, under-review, approved, paid (or queued), rejected. */
  async function claim(l: Live, to: 'submitted' | 'under-review' | 'approved' | 'paid' | 'rejected'): Promise<string> {
    used.add(l.id);
    const on = day;
    day = day < addDays(asOf, -4) ? addDays(day, 1) : day;
    const officer = bankOfficer(l.bankId);
    // Overdue since 95 days back, or since the day after its disbursement or its last repayment if later (substandard is non-performing either way, R6).
    const since = [addDays(on, -95), addDays(l.disbursedOn, 1), l.lastPaid ? addDays(l.lastPaid, 1) : '']
      .sort()
      .at(-1)!;
    await reportClassification({
      db,
      catalog,
      actor: officer,
      id: l.id,
      classification: 'substandard',
      overdueSince: since,
      on,
      today: on,
    });
    const submitted = (await submitClaim({ db, catalog, actor: officer, input: { filingId: l.id }, today: on })).claim;
    const claimId = submitted.id;
    let state = submitted.state;
    if (to === 'submitted' || state === 'held') return state;
    state = (await prepareClaim({ db, catalog, actor: demoManager2, id: claimId, today: on })).state;
    if (to === 'under-review' || state === 'held') return state;
    if (to === 'rejected')
      return (
        await rejectClaim({
          db,
          catalog,
          actor: demoReviewer,
          id: claimId,
          reason: '借款人尚在重组谈判中，暂不认定损失 / restructuring under way',
        })
      ).state;
    // The demo's history is decided without files (its dossiers are empty): the approval waives R20.
    state = (
      await approveClaim({ dossier: 'waived', db, catalog, actor: demoReviewer, id: claimId, today: addDays(on, 2) })
    ).state;
    if (to === 'approved' || state !== 'approved') return state;
    return (await payApprovedClaim({ db, actor: demoManager, id: claimId, today: addDays(on, 3) })).state;
  }

  const ratioBp = (f: Awaited<ReturnType<typeof bankFigures>>, extra = 0n) =>
    f.filedPrincipal === 0n ? 0n : ((f.claimedNplPrincipal + extra) * 10_000n) / f.filedPrincipal;
  const net = (f: Awaited<ReturnType<typeof bankFigures>>) => f.compensationPaid - f.refunded;

  // One bank just under G4 (ratio ≤ 3%, net ≤ 5,000,000): paid claims up to ~4.7M net, then open claims up to ~2.9%.
  // Loans with the highest compensation ratio first: the most net compensation for the least claimed principal.
  let f = await bankFigures(db, NEAR_BREAKER_BANK);
  const byRatio = (await live({ bankId: NEAR_BREAKER_BANK, mode: 'direct' })).sort((a, b) => b.ratioBp - a.ratioBp);
  for (const l of byRatio) {
    if (net(f) >= parseYuan('4700000.00')) break;
    if (net(f) + l.comp > parseYuan('4950000.00') || ratioBp(f, l.outstanding) >= 290n) continue;
    count(await claim(l, 'paid'));
    f = await bankFigures(db, NEAR_BREAKER_BANK);
  }
  for (const l of await live({ bankId: NEAR_BREAKER_BANK })) {
    if (ratioBp(f) >= 285n) break;
    if (used.has(l.id) || ratioBp(f, l.outstanding) >= 298n) continue;
    count(await claim(l, states.submitted ? 'under-review' : 'submitted'));
    f = await bankFigures(db, NEAR_BREAKER_BANK);
  }
  progress(`bank near its breaker: ${NEAR_BREAKER_BANK}`);

  // One bank past G4: paid claims until both conditions hold, then its new claims are held.
  // (The breaker may trip with net just over 5,000,000: a claim then is held, so it is asked each time.)
  for (const l of await live({ bankId: TRIPPED_BANK, fundId: 'etown' })) {
    if ((await breakerOf({ db, catalog, bankId: TRIPPED_BANK })).tripped) break;
    count(await claim(l, 'paid'));
  }
  for (const l of (await live({ bankId: TRIPPED_BANK })).slice(0, 2)) count(await claim(l, 'submitted'));
  progress(`bank past its breaker: ${TRIPPED_BANK}`);

  // The Plan's fund runs short of cash: approved claims wait in the queue, first approved first paid (R7a).
  const others = DEMO_BANKS.map((b) => b.id).filter((b) => b !== NEAR_BREAKER_BANK && b !== TRIPPED_BANK);
  let queued = 0;
  // Direct loans first (the biggest compensation), then risk-sharing ones (the fund backstops the bank's part).
  const mode = (l: Live) => (l.comp * 2n >= l.outstanding ? 0 : 1);
  const candidates = (await live({ fundId: fundB }))
    .filter((l) => others.includes(l.bankId))
    .sort((a, b) => mode(a) - mode(b));
  for (const l of candidates) {
    if (queued >= 2) break;
    const bf = await bankFigures(db, l.bankId);
    // A claim the cash cannot pay waits in the queue and adds nothing to the bank's net compensation.
    const paysOut = l.comp <= (await cashOf(db, fundB));
    if ((paysOut && net(bf) + l.comp > parseYuan('4500000.00')) || ratioBp(bf, l.outstanding) >= 250n) continue;
    const s = await claim(l, 'paid');
    count(s);
    if (s === 'queued') queued++;
  }
  // With the book repaying its instalments the claims are smaller, and the banks' 2.5% may be spent
  // before the cash is: then the smallest loans left that the cash cannot pay. A queued claim adds
  // nothing to its bank's net compensation, so its bank stays clear of G4 (under 2.8%, net ≤ 4,500,000).
  const smallestFirst = candidates
    .filter((l) => !used.has(l.id))
    .sort((a, b) => (a.outstanding < b.outstanding ? -1 : a.outstanding > b.outstanding ? 1 : 0));
  for (const l of smallestFirst) {
    if (queued >= 2) break;
    if (l.comp <= (await cashOf(db, fundB)) || ratioBp(await bankFigures(db, l.bankId), l.outstanding) >= 280n)
      continue;
    const s = await claim(l, 'paid');
    count(s);
    if (s === 'queued') queued++;
  }
  progress('the Plan’s fund: payment queue');

  // Every other state at least once, on the big banks' books.
  for (const want of ['submitted', 'under-review', 'approved', 'rejected'] as const) {
    if (states[want]) continue;
    for (const l of await live({ fundId: 'etown' })) {
      if (used.has(l.id) || !others.includes(l.bankId)) continue;
      const bf = await bankFigures(db, l.bankId);
      if (ratioBp(bf, l.outstanding) >= 250n) continue;
      count(await claim(l, want));
      break;
    }
  }
  return { states, queued, cashLeft: await cashOf(db, fundB) };
}

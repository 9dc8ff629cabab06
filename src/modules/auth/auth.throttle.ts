/**
 * Throttling of password tries (OWASP Authentication Cheat Sheet, "Protect against automated
 * attacks"), per account and per address, separately:
 *
 * - **Per account** (the username tried, whether or not it exists): 5 failures are free; after
 *   that each try waits after the last failure, 30 s doubling at each failure up to 15 minutes. A
 *   refused try is not a guess and does not lengthen the wait, so the owner gets in once it is over,
 *   from any address. A success clears the account's failures. Failures are forgotten after a day.
 * - **Per address**: a leaky bucket of failed sign-ins over any usernames, holding 10 and draining
 *   one every 90 s (10 in 15 minutes): past that every sign-in from the address is refused, the
 *   right password too, until it has drained. A success from the address is not counted but does
 *   not empty it either (an attacker with one good account could wipe the count).
 *
 * A signed-in person's wrong current password counts against their account only, never the address
 * (colleagues behind one proxy are not locked out by it).
 *
 * Each try is let through by one atomic statement per throttle row, counted as a failure at once
 * (taken back when the password proves right), before its password is checked; so concurrent tries,
 * in this process or another on the same PostgreSQL, each see the ones before them, and a burst
 * checks at most the free tries' number of passwords. A refused try changes nothing.
 */
import type { Problem } from '../shared/problem';
import { authErrors } from './auth.errors';
import type { AuthRepository } from './auth.repository';

export const THROTTLE = {
  account: {
    freeFailures: 5,
    firstDelayMs: 30_000,
    maxDelayMs: 15 * 60_000,
    forgetAfterMs: 24 * 60 * 60_000,
  },
  address: { failures: 10, leakMs: 90_000 },
} as const;

/** How long an account waits after its last try, having `failures` of them. */
export function accountDelayMs(failures: number): number {
  const { freeFailures, firstDelayMs, maxDelayMs } = THROTTLE.account;
  if (failures < freeFailures) return 0;
  return Math.min(firstDelayMs * 2 ** Math.min(failures - freeFailures, 30), maxDelayMs);
}

export function tooManyTries(waitMs: number): Problem {
  return authErrors.rateLimited(Math.max(1, Math.ceil(waitMs / 1000)));
}

/** The 429 for a refused try, saying how long until one would be let through. */
async function refused(repo: AuthRepository, username: string, address: string | null, now: Date): Promise<Problem> {
  const t = now.getTime();
  const account = await repo.accountThrottle(username);
  const accountWait = account ? account.lastTryAt.getTime() + accountDelayMs(account.failures) - t : 0;
  const bucket = address === null ? undefined : await repo.addressThrottle(address);
  const { failures: capacity, leakMs } = THROTTLE.address;
  const level = bucket ? Math.max(bucket.level - Math.max(t - bucket.at.getTime(), 0) / leakMs, 0) : 0;
  const addressWait = (level + 1 - capacity) * leakMs;
  return tooManyTries(Math.max(accountWait, addressWait));
}

/**
 * Runs `check` (the password's) as one throttled try of `username` from `address` (null: the
 * current-password check, counted against the account only): a 429 problem with Retry-After when
 * the try must wait, else what `check` says. A right password clears the account's failures.
 */
export async function throttledTry({
  repo,
  username,
  address,
  now,
  check,
}: {
  repo: AuthRepository;
  username: string;
  address: string | null;
  now: Date;
  check: () => Promise<boolean>;
}): Promise<boolean> {
  const t = now.getTime();
  const { freeFailures, firstDelayMs, maxDelayMs, forgetAfterMs } = THROTTLE.account;
  const { failures: capacity, leakMs } = THROTTLE.address;
  await repo.forgetThrottles(new Date(t - forgetAfterMs), new Date(t - capacity * leakMs));
  if (address !== null && (await repo.admitAddressTry({ address, now, capacity, leakMs })) === undefined)
    throw await refused(repo, username, address, now);
  const admitted = await repo.admitAccountTry({
    username,
    now,
    free: freeFailures,
    firstMs: firstDelayMs,
    maxMs: maxDelayMs,
  });
  if (admitted === undefined) {
    if (address !== null) await repo.refundAddressTry(address);
    throw await refused(repo, username, address, now);
  }
  const ok = await check();
  if (ok) {
    if (address !== null) await repo.refundAddressTry(address);
    await repo.clearAccount(username);
  }
  return ok;
}

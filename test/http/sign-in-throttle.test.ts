/**
 * The sign-in throttle (auth.throttle.ts), over HTTP: a burst of concurrent guesses checks at most
 * the free tries' number of passwords, across app processes on one PostgreSQL; an account waits
 * 30 s, 60 s, … (at most 15 minutes) after its 5th failure, and then its owner gets in from anywhere;
 * a success clears the account's failures; an address is refused after 10 failures, for every
 * account, and opens again one try per 90 s; a wrong current password counts against the account only.
 * The throttle's clock is the test's, moved on by hand.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database';
import { onPostgres } from '../../src/adapters/db/testing';
import { createServices } from '../../src/adapters/http/services';
import { THROTTLE } from '../../src/modules/auth/auth.throttle';
import { PASSWORD, post, startTestApp, TEST_PASSWORD_PARAMS } from './harness';

let clock = Date.now();
let t: Awaited<ReturnType<typeof startTestApp>>;
const later = (ms: number) => {
  clock += ms;
};

beforeAll(async () => {
  t = await startTestApp({ now: () => new Date(clock) });
});
afterAll(async () => {
  await t?.close();
});

const signIn = (username: string, password: string, address: string, app = t.app) =>
  app.request('/api/auth/login', post({ username, password }, { 'x-forwarded-for': address }));
const statusOf = async (res: Response | Promise<Response>) => (await res).status;
const addUser = (username: string) => t.signIn(username, 'reviewer');

describe('a burst of concurrent guesses', () => {
  // The right password is sent after the burst, not inside it: within a burst the order in which
  // tries reach the database is the pool's, and a right one among the first five would sign its
  // owner in and clear the failures, as it should.
  it(`checks at most ${THROTTLE.account.freeFailures} passwords; the rest are refused with 429 before any check, and then the right one too${onPostgres ? ' (two app processes on one PostgreSQL)' : ''}`, async () => {
    await addUser('burst');
    // On PostgreSQL a second app process on the same database takes every other try: the throttle
    // lives in the database, not in one process's memory.
    const second = onPostgres ? await openDatabase({ url: t.database.url! }) : undefined;
    try {
      const other = second
        ? (
            await createServices({
              database: second,
              logger: pino({ level: 'silent' }),
              trustProxy: true,
              passwordParams: TEST_PASSWORD_PARAMS,
              now: () => new Date(clock),
            })
          ).app
        : t.app;
      const tries = Array.from({ length: 100 }, (_, i) =>
        signIn('burst', `guess number ${i}`, `10.1.0.${1 + (i % 9)}`, i % 2 ? other : t.app),
      );
      const statuses = await Promise.all(tries.map(statusOf));
      const checked = statuses.filter((s) => s !== 429);
      expect(checked.length, statuses.join(' ')).toBeGreaterThan(0);
      expect(checked.length, statuses.join(' ')).toBeLessThanOrEqual(THROTTLE.account.freeFailures);
      expect(new Set(statuses)).toEqual(new Set(statuses.filter((s) => [401, 429].includes(s))));
      expect(await statusOf(signIn('burst', PASSWORD, '10.1.1.1'))).toBe(429);
      expect(await statusOf(signIn('burst', PASSWORD, '10.1.1.2', other))).toBe(429);
    } finally {
      await second?.close();
    }
  });

  it('the same for the current password of a signed-in person', async () => {
    const me = await addUser('burst-change');
    const change = (currentPassword: string) =>
      statusOf(
        me('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword: 'a new long passphrase' } }),
      );
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => change(`guess ${i}`)));
    const checked = statuses.filter((s) => s !== 429);
    expect(checked.length, statuses.join(' ')).toBeGreaterThan(0);
    expect(checked.length, statuses.join(' ')).toBeLessThanOrEqual(THROTTLE.account.freeFailures);
    expect(new Set(statuses)).toEqual(new Set(statuses.filter((s) => [400, 429].includes(s))));
    expect(await change(PASSWORD)).toBe(429);
  });
});

describe('per account: a wait that doubles, then the owner gets in from another address', () => {
  it('five free failures, then 30 s, 60 s, 2 min … at most 15 minutes; refused tries do not lengthen it; a success clears it', async () => {
    await addUser('victim');
    for (let i = 0; i < 5; i++) expect(await statusOf(signIn('victim', `wrong ${i}`, '10.2.0.1'))).toBe(401);
    // The owner, from an address of their own, must wait too: the account is what is being guessed.
    const refused = await signIn('victim', PASSWORD, '10.2.9.9');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toMatchObject({
      title: 'Too many sign-in attempts',
      detail: 'Too many failed sign-ins; try again in 30 seconds.',
      detailZh: '登录失败次数过多，请 30 秒后再试。',
    });
    // Hammering during the wait is refused without lengthening it.
    for (let i = 0; i < 20; i++) expect(await statusOf(signIn('victim', `more ${i}`, '10.2.0.1'))).toBe(429);
    later(29_000);
    expect((await signIn('victim', PASSWORD, '10.2.9.9')).headers.get('retry-after')).toBe('1');
    later(1_000);
    // The attacker's next guess is checked, and doubles the wait; and so on up to 15 minutes.
    const waits: string[] = [];
    for (let i = 0; i < 7; i++) {
      expect(await statusOf(signIn('victim', `after wait ${i}`, `10.2.1.${i}`))).toBe(401);
      const res = await signIn('victim', PASSWORD, '10.2.9.9');
      expect(res.status).toBe(429);
      waits.push(res.headers.get('retry-after')!);
      later(Number(res.headers.get('retry-after')) * 1000);
    }
    expect(waits).toEqual(['60', '120', '240', '480', '900', '900', '900']);
    // After the wait the owner gets in from their own address, and the account's failures are gone.
    expect(await statusOf(signIn('victim', PASSWORD, '10.2.9.9'))).toBe(200);
    for (let i = 0; i < 5; i++) expect(await statusOf(signIn('victim', `fresh ${i}`, '10.2.2.1'))).toBe(401);
    expect(await statusOf(signIn('victim', PASSWORD, '10.2.9.9'))).toBe(429);
    later(30_000);
  });

  it('an unknown username is throttled the same (it says nothing about which exist)', async () => {
    for (let i = 0; i < 5; i++) expect(await statusOf(signIn('no-such-person', `x ${i}`, '10.3.0.1'))).toBe(401);
    expect(await statusOf(signIn('no-such-person', 'x', '10.3.0.2'))).toBe(429);
  });
});

describe('per address: 10 failures close it for every account; it opens again one try per 90 s', () => {
  it('refuses even a right password from that address until it has drained; other addresses go on; a success does not empty it', async () => {
    await addUser('colleague');
    await addUser('sprayed');
    const from = '10.4.0.1';
    // Spraying: one guess at each of many usernames never reaches an account's limit, but the address's.
    for (let i = 0; i < 6; i++) expect(await statusOf(signIn(`someone-${i}`, 'password1', from))).toBe(401);
    // A success from the address (a colleague behind the same proxy) is not counted, and does not empty it.
    expect(await statusOf(signIn('colleague', PASSWORD, from))).toBe(200);
    for (let i = 6; i < THROTTLE.address.failures; i++)
      expect(await statusOf(signIn(`someone-${i}`, 'password1', from))).toBe(401);
    const closed = await signIn('colleague', PASSWORD, from);
    expect(closed.status).toBe(429);
    expect(closed.headers.get('retry-after')).toBe('90');
    // Another address is not affected, and neither is the account sprayed.
    expect(await statusOf(signIn('sprayed', PASSWORD, '10.4.0.2'))).toBe(200);
    expect(await statusOf(signIn('someone-0', 'password1', '10.4.0.2'))).toBe(401);
    later(89_000);
    expect((await signIn('colleague', PASSWORD, from)).headers.get('retry-after')).toBe('1');
    later(1_000);
    expect(await statusOf(signIn('colleague', PASSWORD, from))).toBe(200);
    // One failure fills it again.
    expect(await statusOf(signIn('someone-10', 'password1', from))).toBe(401);
    expect(await statusOf(signIn('colleague', PASSWORD, from))).toBe(429);
  });
});

describe('a wrong current password counts against the account only', () => {
  it('never closes the address for the people behind it; the account waits like a sign-in', async () => {
    const me = await addUser('forgetful');
    const change = (currentPassword: string) =>
      me('/api/auth/password', {
        method: 'POST',
        body: { currentPassword, newPassword: 'a new long passphrase' },
        headers: { 'x-forwarded-for': '10.5.0.1' },
      });
    for (let i = 0; i < 12; i++) {
      const res = await change(`not it ${i}`);
      expect(res.status).toBe(i < 5 ? 400 : 429);
    }
    // Twelve wrong current passwords from 10.5.0.1: the address is not closed for anyone else …
    await addUser('neighbour');
    expect(await statusOf(signIn('neighbour', PASSWORD, '10.5.0.1'))).toBe(200);
    // … but the account waits, for changing and for signing in, from anywhere.
    expect(await statusOf(signIn('forgetful', PASSWORD, '10.5.0.2'))).toBe(429);
    later(30_000);
    expect((await change(PASSWORD)).status).toBe(204);
    // The right current password cleared the account's failures.
    for (let i = 0; i < 5; i++) expect(await statusOf(signIn('forgetful', `wrong ${i}`, '10.5.0.3'))).toBe(401);
  });
});

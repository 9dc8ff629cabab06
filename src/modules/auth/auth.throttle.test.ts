/** The per-account wait of the sign-in throttle: none for 5 failures, then 30 s doubling, at most 15 minutes. */
import { describe, expect, it } from 'vitest';
import { accountDelayMs, tooManyTries } from './auth.throttle';

describe('accountDelayMs', () => {
  it('is 0 for the first five failures, then 30 s, 60 s, 2, 4, 8 minutes, and 15 minutes from then on', () => {
    const seconds = Array.from({ length: 14 }, (_, f) => accountDelayMs(f) / 1000);
    expect(seconds).toEqual([0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900, 900]);
    expect(accountDelayMs(10_000)).toBe(900_000);
  });
});

describe('tooManyTries', () => {
  it('is a 429 with Retry-After in whole seconds, at least one', () => {
    expect(tooManyTries(29_001)).toMatchObject({
      status: 429,
      headers: { 'retry-after': '30' },
      detail: { en: 'Too many failed sign-ins; try again in 30 seconds.', zh: '登录失败次数过多，请 30 秒后再试。' },
      errors: [{ field: 'username', code: 'auth.rate_limited' }],
    });
    expect(tooManyTries(0).headers).toEqual({ 'retry-after': '1' });
    expect(tooManyTries(840_000).detail.en).toBe('Too many failed sign-ins; try again in 14 minutes.');
  });
});

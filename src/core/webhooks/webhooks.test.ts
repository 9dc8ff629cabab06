import { describe, expect, it } from 'vitest';
import {
  delivered,
  eventEntity,
  isEventPattern,
  MAX_ATTEMPTS,
  nextAttemptAt,
  RETRY_DELAYS_MS,
  wantsEvent,
} from './webhooks';

describe('the retry schedule', () => {
  it('waits 1 min, 5 min, 30 min, 2 h, 6 h after each failure, then gives up', () => {
    const t0 = 1_000_000;
    expect([1, 2, 3, 4, 5].map((n) => nextAttemptAt(n, t0)! - t0)).toEqual([
      60_000, 300_000, 1_800_000, 7_200_000, 21_600_000,
    ]);
    expect(nextAttemptAt(6, t0)).toBeUndefined();
    expect(MAX_ATTEMPTS).toBe(6);
    expect(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBe(30_960_000);
  });
});

describe('events', () => {
  it('filing.*, claim.* and recovery.* audit actions on their own records are events; others are not', () => {
    expect(eventEntity('filing.repayment', 'filing')).toBe('filing');
    expect(eventEntity('claim.approve', 'claim')).toBe('claim');
    expect(eventEntity('recovery.report', 'recovery')).toBe('recovery');
    expect(eventEntity('recovery.progress', 'claim')).toBe('claim');
    expect(eventEntity('recovery.report', 'claim')).toBeUndefined();
    expect(eventEntity('material.download', 'claim')).toBeUndefined();
    expect(eventEntity('token.create', 'api-token')).toBeUndefined();
    expect(eventEntity('filing.create', 'claim')).toBeUndefined();
  });

  it('an endpoint gets the types it asked for, by name, by kind or all', () => {
    expect(wantsEvent(['*'], 'claim.pay')).toBe(true);
    expect(wantsEvent(['filing.*'], 'filing.create')).toBe(true);
    expect(wantsEvent(['filing.*'], 'claim.pay')).toBe(false);
    expect(wantsEvent(['claim.approve'], 'claim.approve')).toBe(true);
    expect(wantsEvent(['claim.approve'], 'claim.reject')).toBe(false);
    expect(wantsEvent([], 'claim.reject')).toBe(false);
    expect(isEventPattern('claim.*')).toBe(true);
    expect(isEventPattern('claim.nonsense')).toBe(false);
    expect(isEventPattern('recovery.*')).toBe(true);
    expect(wantsEvent(['recovery.*'], 'recovery.progress')).toBe(true);
    expect(isEventPattern('material.*')).toBe(false);
  });

  it('only a 2xx is delivered', () => {
    expect([200, 204, 299].every(delivered)).toBe(true);
    expect([undefined, 199, 301, 400, 500].some(delivered)).toBe(false);
  });
});

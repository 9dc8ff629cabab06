import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSecret, signatureHeader, verifySignature } from './webhooks.signing';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"evt_1","type":"claim.approve"}';

  it('is the hex HMAC-SHA256 of "<t>.<body>" with the secret', () => {
    const want = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signatureHeader(secret, body, 1_700_000_000)).toBe(`t=1700000000,v1=${want}`);
  });

  it('verifies the body it was made for, within the tolerance, with the right secret', () => {
    const header = signatureHeader(secret, body, 1_700_000_000);
    expect(verifySignature({ header, body, secret, nowS: 1_700_000_100 })).toBe(true);
    expect(verifySignature({ header, body: body.replace('approve', 'reject'), secret, nowS: 1_700_000_100 })).toBe(
      false,
    );
    expect(verifySignature({ header, body, secret: 'whsec_other', nowS: 1_700_000_100 })).toBe(false);
    expect(verifySignature({ header, body, secret, nowS: 1_700_000_301 })).toBe(false);
    expect(verifySignature({ header: undefined, body, secret, nowS: 1_700_000_000 })).toBe(false);
    expect(verifySignature({ header: 't=1700000000,v1=zz', body, secret, nowS: 1_700_000_000 })).toBe(false);
  });

  it('makes a fresh secret each time', () => {
    expect(newSecret()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(newSecret());
  });
});

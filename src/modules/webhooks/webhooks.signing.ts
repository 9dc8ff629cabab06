/**
 * Signing as Stripe signs its webhooks: `Backstop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256
 * of "<t>.<raw body>" keyed with the endpoint's secret>`. The receiver recomputes it over the raw
 * bytes it received, compares in constant time and refuses a `t` outside its tolerance (replays).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Backstop-Signature';
export const EVENT_ID_HEADER = 'Backstop-Event-Id';
/** How far a receiver should accept `t` from its own clock (docs/API.md): five minutes. */
export const DEFAULT_TOLERANCE_S = 300;

/** A new endpoint secret: shown once, at creation or rotation. */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export const hmacHex = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');

export const signatureHeader = (secret: string, body: string, t: number) => `t=${t},v1=${hmacHex(secret, t, body)}`;

/** Checks a signature header against the raw body: a v1 that matches, and a `t` within the tolerance of `nowS`. */
export function verifySignature({
  header,
  body,
  secret,
  nowS,
  toleranceS = DEFAULT_TOLERANCE_S,
}: {
  header: string | undefined;
  body: string;
  secret: string;
  nowS: number;
  toleranceS?: number;
}): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}

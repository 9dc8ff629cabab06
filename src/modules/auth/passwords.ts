/**
 * Passwords hashed with scrypt (node:crypto, no native addon), compared in constant time. The hash
 * carries its parameters (`scrypt$N$r$p$salt$key`), so a hash made with older, cheaper parameters
 * still verifies and is replaced at the next successful sign-in (`needsRehash`).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's minimum for scrypt (Password Storage Cheat Sheet): N = 2^17, r = 8, p = 1, which takes
 * 128 MiB of memory and about 0.4 s of one core per hash. Hashes run on libuv's thread pool (4
 * threads), so at most four run at once: 512 MiB at the peak.
 */
export const PASSWORD_PARAMS: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
/** The parameters every hash before Issue 15 was made with. */
export const LEGACY_PARAMS: ScryptParams = { N: 16384, r: 8, p: 1 };
const KEYLEN = 32;

/** scrypt needs 128 · N · r bytes; Node's default ceiling (32 MiB) is below that for N = 2^17. */
const maxmem = ({ N, r, p }: ScryptParams) => 128 * N * r + 128 * r * p + 16 * 1024 * 1024;

const scrypt = (password: string, salt: Buffer, keylen: number, params: ScryptParams) =>
  new Promise<Buffer>((resolve, reject) => {
    const opts: ScryptOptions = { ...params, maxmem: maxmem(params) };
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });

export async function hashPassword(password: string, params: ScryptParams = PASSWORD_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** The parameters a stored hash was made with, or undefined for anything that is not a sane scrypt hash. */
function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const [scheme, n, r, p, salt, key, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key || rest.length) return undefined;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  // Bounds keep a hand-edited row from asking for gigabytes: N a power of two up to 2^20 (1 GiB at r = 8).
  const powerOfTwo = Number.isInteger(params.N) && params.N >= 2 && (params.N & (params.N - 1)) === 0;
  if (!powerOfTwo || params.N > 2 ** 20) return undefined;
  if (!Number.isInteger(params.r) || params.r < 1 || params.r > 32) return undefined;
  if (!Number.isInteger(params.p) || params.p < 1 || params.p > 16) return undefined;
  const k = Buffer.from(key, 'base64url');
  if (k.length < 16) return undefined;
  return { params, salt: Buffer.from(salt, 'base64url'), key: k };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = await scrypt(password, parsed.salt, parsed.key.length, parsed.params);
  return timingSafeEqual(actual, parsed.key);
}

/** Whether a stored hash was made with other parameters than `params` (it is then hashed again at the next sign-in). */
export function needsRehash(stored: string, params: ScryptParams = PASSWORD_PARAMS): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p;
}

/**
 * A hash of nothing anyone knows, with the given parameters: verified when the username is unknown
 * so that both paths take the same time.
 */
export const decoyHash = ({ N, r, p }: ScryptParams = PASSWORD_PARAMS) =>
  `scrypt$${N}$${r}$${p}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

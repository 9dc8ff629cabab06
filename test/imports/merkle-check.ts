/**
 * An independent check of a bulk-filed chunk's Merkle root and a filing's proof (issue 20), written
 * from RFC 6962 §2.1 here rather than imported from src/modules/audit/audit.merkle.
 */
import { createHash } from 'node:crypto';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (leaf: string) => sha(Buffer.from([0]), Buffer.from(leaf, 'utf8'));
const node = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);

/** JSON with every object's keys sorted (the leaf's canonical form). */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function rfc6962Root(leaves: string[]): string {
  const mth = (d: string[]): Buffer => {
    if (d.length === 1) return leafHash(d[0]!);
    let k = 1;
    while (k * 2 < d.length) k *= 2;
    return node(mth(d.slice(0, k)), mth(d.slice(k)));
  };
  return mth(leaves).toString('hex');
}

/** The root a leaf and its path lead to. */
export function rootFromPath(leaf: string, path: { side: string; hash: string }[]): string {
  let h = leafHash(leaf);
  for (const s of path)
    h = s.side === 'left' ? node(Buffer.from(s.hash, 'hex'), h) : node(h, Buffer.from(s.hash, 'hex'));
  return h.toString('hex');
}

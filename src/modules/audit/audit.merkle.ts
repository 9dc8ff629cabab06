/**
 * A Merkle tree over a bulk-filed chunk's filings (issue 20), as RFC 6962 (Certificate
 * Transparency) §2.1 builds it: a leaf's hash is SHA-256(0x00 ‖ leaf bytes), a node's
 * SHA-256(0x01 ‖ left ‖ right) — so a leaf can never pass for a node — and a tree of n > 1 leaves
 * splits at the largest power of two below n. A proof (audit path) is the sibling hashes from the
 * leaf up, each with the side it stands on. No I/O: the audit module's (src/core does not hash).
 */
import { createHash } from 'node:crypto';

export type Side = 'left' | 'right';
/** One step of a proof: the sibling's hash (hex) and whether it stands left or right of the path. */
export interface ProofStep {
  side: Side;
  hash: string;
}

const sha256 = (...parts: (Buffer | Uint8Array)[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** A leaf's hash: SHA-256(0x00 ‖ bytes) (a string is taken as its UTF-8 bytes). */
export function leafHash(leaf: string | Uint8Array): Buffer {
  return sha256(LEAF, typeof leaf === 'string' ? Buffer.from(leaf, 'utf8') : leaf);
}

const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE, left, right);

/** The largest power of two strictly below n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function rootOf(hashes: Buffer[]): Buffer {
  if (hashes.length === 1) return hashes[0]!;
  const k = split(hashes.length);
  return nodeHash(rootOf(hashes.slice(0, k)), rootOf(hashes.slice(k)));
}

/** The root (hex) over these leaves, in order. At least one leaf. */
export function merkleRoot(leaves: readonly (string | Uint8Array)[]): string {
  if (leaves.length === 0) throw new Error('merkleRoot: no leaves');
  return rootOf(leaves.map(leafHash)).toString('hex');
}

function pathOf(hashes: Buffer[], index: number): ProofStep[] {
  if (hashes.length === 1) return [];
  const k = split(hashes.length);
  return index < k
    ? [...pathOf(hashes.slice(0, k), index), { side: 'right', hash: rootOf(hashes.slice(k)).toString('hex') }]
    : [...pathOf(hashes.slice(k), index - k), { side: 'left', hash: rootOf(hashes.slice(0, k)).toString('hex') }];
}

/** The proof that leaf `index` is in the tree over `leaves`: sibling hashes from the leaf up. */
export function merkleProof(leaves: readonly (string | Uint8Array)[], index: number): ProofStep[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length)
    throw new RangeError(`merkleProof: index ${index} outside 0..${leaves.length - 1}`);
  return pathOf(leaves.map(leafHash), index);
}

/**
 * Whether `path` proves `leaf` is leaf `index` of a `count`-leaf tree whose root is `root` (hex):
 * the path's length and each step's side must be the ones that index and count give (RFC 6962's
 * shape), so a path from another position or another tree size does not pass.
 */
export function verifyMerkleProof(
  leaf: string | Uint8Array,
  index: number,
  count: number,
  path: readonly ProofStep[],
  root: string,
): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 0 || index >= count) return false;
  // The sides the tree's shape gives, from the root down (reversed below to walk up from the leaf).
  const sides: Side[] = [];
  let [i, n] = [index, count];
  while (n > 1) {
    const k = split(n);
    if (i < k) {
      sides.push('right');
      n = k;
    } else {
      sides.push('left');
      i -= k;
      n -= k;
    }
  }
  sides.reverse();
  if (path.length !== sides.length) return false;
  let h = leafHash(leaf);
  for (const [j, step] of path.entries()) {
    if (step.side !== sides[j] || !/^[0-9a-f]{64}$/.test(step.hash)) return false;
    const sibling = Buffer.from(step.hash, 'hex');
    h = step.side === 'left' ? nodeHash(sibling, h) : nodeHash(h, sibling);
  }
  return h.toString('hex') === root;
}

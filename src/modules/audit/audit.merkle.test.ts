/** The chunk Merkle tree (issue 20) against RFC 6962's definition, written out independently here. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash, merkleProof, merkleRoot, verifyMerkleProof } from './audit.merkle';

const h = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafOf = (s: string) => h(Buffer.from([0]), Buffer.from(s, 'utf8'));
const node = (l: Buffer, r: Buffer) => h(Buffer.from([1]), l, r);
/** RFC 6962 §2.1 MTH, as written there (k = largest power of two < n). */
function mth(d: string[]): Buffer {
  if (d.length === 1) return leafOf(d[0]!);
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return node(mth(d.slice(0, k)), mth(d.slice(k)));
}
const leaves = (n: number) => Array.from({ length: n }, (_, i) => `{"loan":"L-${i}","principal":"${1000 + i}"}`);

describe('merkle (RFC 6962 shape)', () => {
  it('one leaf: the root is the leaf hash (0x00 prefix) and the path is empty', () => {
    const [only] = leaves(1);
    expect(merkleRoot([only!])).toBe(leafOf(only!).toString('hex'));
    expect(leafHash(only!).toString('hex')).toBe(leafOf(only!).toString('hex'));
    expect(merkleProof([only!], 0)).toEqual([]);
    expect(verifyMerkleProof(only!, 0, 1, [], merkleRoot([only!]))).toBe(true);
  });

  it('the root matches MTH for every size 1..40, odd ones included; every leaf’s proof verifies', () => {
    for (let n = 1; n <= 40; n++) {
      const d = leaves(n);
      const root = merkleRoot(d);
      expect(root).toBe(mth(d).toString('hex'));
      for (let i = 0; i < n; i++) expect(verifyMerkleProof(d[i]!, i, n, merkleProof(d, i), root)).toBe(true);
    }
  });

  it('a leaf and a node cannot be confused (domain separation): two leaves differ from one leaf of their concatenated hashes', () => {
    const d = leaves(2);
    const fake = Buffer.concat([leafOf(d[0]!), leafOf(d[1]!)]);
    expect(merkleRoot([fake])).not.toBe(merkleRoot(d));
  });

  it('a changed leaf, a wrong index, a wrong count, a path from another tree, a flipped side all fail', () => {
    const d = leaves(7);
    const root = merkleRoot(d);
    const path = merkleProof(d, 5);
    expect(verifyMerkleProof(d[5]!, 5, 7, path, root)).toBe(true);
    expect(verifyMerkleProof(d[5]!.replace('1005', '1006'), 5, 7, path, root)).toBe(false);
    expect(verifyMerkleProof(d[5]!, 4, 7, path, root)).toBe(false);
    expect(verifyMerkleProof(d[5]!, 6, 7, path, root)).toBe(false);
    // A count whose tree puts leaf 5 elsewhere (6 leaves: a shorter path). A count of the same shape
    // there (8) changes nothing the path walks: the root is what binds the count.
    expect(verifyMerkleProof(d[5]!, 5, 6, path, root)).toBe(false);
    expect(verifyMerkleProof(d[5]!, 7, 7, path, root)).toBe(false);
    expect(verifyMerkleProof(d[5]!, -1, 7, path, root)).toBe(false);
    // The same leaf in another tree (one more leaf): its path does not prove it against this root.
    const other = [...d, 'extra'];
    expect(verifyMerkleProof(d[5]!, 5, 7, merkleProof(other, 5), root)).toBe(false);
    expect(verifyMerkleProof(d[5]!, 5, 8, merkleProof(other, 5), merkleRoot(other))).toBe(true);
    const flipped = path.map((s, i) =>
      i === 0 ? { ...s, side: s.side === 'left' ? ('right' as const) : ('left' as const) } : s,
    );
    expect(verifyMerkleProof(d[5]!, 5, 7, flipped, root)).toBe(false);
    expect(verifyMerkleProof(d[5]!, 5, 7, path.slice(1), root)).toBe(false);
  });

  it('refuses an empty tree and an index outside it', () => {
    expect(() => merkleRoot([])).toThrow(/no leaves/);
    expect(() => merkleProof(leaves(3), 3)).toThrow(RangeError);
  });
});

/**
 * RFC 9162 (Certificate Transparency v2) hashing and proof verification with WebCrypto, so that a
 * browser checks the audit trail itself. The algorithms are those of RFC 9162 sections 2.1.3.2
 * (inclusion) and 2.1.4.2 (consistency), the same as the service's src/audit/merkle/merkle-tree.ts.
 * Positions are plain numbers: tree sizes are safe integers, and arithmetic uses division rather than
 * bitwise operators, which would truncate to 32 bits.
 */
import { concatBytes, equalBytes, isHash, type Bytes } from './bytes';

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

async function sha256(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

/** SHA-256(0x00 ‖ entry bytes). */
export function leafHash(entryBytes: Uint8Array): Promise<Bytes> {
  return sha256(concatBytes(LEAF_PREFIX, entryBytes));
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Bytes> {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}

/** MTH({}) = SHA-256 of the empty string. */
export function emptyRoot(): Promise<Bytes> {
  return sha256(new Uint8Array(0));
}

/** True when `proof` leads from the leaf at `index` to `root` in a tree of `treeSize` leaves; never throws. */
export async function verifyInclusion(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
  if (!isHash(leaf) || !isHash(root) || !proof.every((hash) => isHash(hash))) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
}

/**
 * True when a tree of `size2` leaves with `root2` extends the tree of `size1` leaves with `root1`; never
 * throws. Beyond the RFC: from size 0 the proof must be empty and root1 the empty root; equal sizes need
 * an empty proof and equal roots (as the service decides).
 */
export async function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Promise<boolean> {
  if (!isSize(size1) || !isSize(size2) || size1 > size2) return false;
  if (!isHash(root1) || !isHash(root2) || !proof.every((hash) => isHash(hash))) return false;
  if (size1 === 0) {
    const empty = await emptyRoot();
    return proof.length === 0 && equalBytes(root1, empty) && (size2 > 0 || equalBytes(root2, empty));
  }
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (proof.length === 0) return false;

  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(root1, fr) && equalBytes(root2, sr);
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function isOdd(n: number): boolean {
  return n % 2 === 1;
}

function half(n: number): number {
  return Math.floor(n / 2);
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

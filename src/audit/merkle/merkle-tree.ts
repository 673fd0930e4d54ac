/**
 * RFC 9162 (Certificate Transparency v2) Merkle tree over SHA-256. Hashing, MTH, PATH and PROOF are
 * identical to RFC 6962, so proofs interoperate with CT, Trillian, Tessera, sigsum, sumdb, ...
 *
 * Positions and sizes are plain numbers. Every entry point insists on safe integers (< 2^53), which is
 * far beyond what one database table will ever hold, and arithmetic is done with `%` and division
 * rather than bitwise operators because those silently truncate to 32 bits.
 *
 * Storage model (why proofs are built from "subtree hashes"):
 * a log database stores the hash of every *complete aligned perfect subtree* — (start, size) with size
 * a power of two and start a multiple of size, i.e. (level, index) nodes as in a "tiles"/compact-range
 * store. Every range that appears in an inclusion or consistency proof is the MTH of a sub-list that
 * decomposes into at most O(log n) such subtrees (see `subtreeDecomposition`), so a proof costs
 * O(log n) reads in total, never a scan over leaves.
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;

/** Half-open leaf range [start, end). */
export type Range = [start: number, end: number];

/** A complete aligned perfect subtree, identified by its first leaf and its leaf count. */
export interface SubtreeRef {
  start: number;
  /** Power of two; `start % size === 0`. */
  size: number;
}

export interface PerfectSubtree extends SubtreeRef {
  /** log2(size); leaves are level 0. (level, start / size) is a natural primary key for storage. */
  level: number;
  hash: Buffer;
}

/**
 * Where proof generation reads hashes from. It is only ever asked for complete aligned perfect
 * subtrees of the tree being proven: `size` is a power of two, `start % size === 0` and
 * `start + size <= treeSize`. `size === 1` asks for a leaf hash. Implementations must return the
 * 32-byte MTH of leaves [start, start + size).
 */
export interface SubtreeHashSource {
  subtreeHash(start: number, size: number): Promise<Buffer>;
}

export type PerfectSubtreeHash = (start: number, size: number) => Buffer | Promise<Buffer>;

/**
 * Hashes of the perfect subtrees along the right edge of a tree of size n, i.e. of
 * `subtreeDecomposition(0, n)`: largest (leftmost) first, one per set bit of n. Together with n this
 * is all the state needed to keep appending and to compute the root.
 */
export type Frontier = Buffer[];

export interface AppendResult {
  treeSize: number;
  frontier: Frontier;
  root: Buffer;
  /**
   * Every perfect subtree completed by the append, leaves (level 0) included, children before parents,
   * so a store keyed by (level, start) can persist them all and later serve `SubtreeHashSource`.
   */
  completed: PerfectSubtree[];
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256(0x00 ‖ entry bytes); the bytes may come in pieces (views on a larger buffer), hashed in order. */
export function leafHash(entryBytes: Uint8Array | string | readonly Uint8Array[]): Buffer {
  const hash = createHash('sha256').update(LEAF_PREFIX);
  if (Array.isArray(entryBytes)) for (const part of entryBytes) hash.update(part);
  else hash.update(entryBytes as Uint8Array | string);
  return hash.digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256 of the empty string. */
export function emptyRoot(): Buffer {
  return createHash('sha256').digest();
}

/** MTH(D[n]) per RFC 9162 section 2.1.1. */
export function rootFromLeaves(leafHashes: readonly Buffer[]): Buffer {
  return leafHashes.length === 0 ? emptyRoot() : mth(leafHashes, 0, leafHashes.length);
}

function mth(hashes: readonly Buffer[], start: number, end: number): Buffer {
  if (end - start === 1) return hashes[start];
  const k = splitPoint(end - start);
  return nodeHash(mth(hashes, start, start + k), mth(hashes, start + k, end));
}

/** The RFC 9162 split point: the largest power of two strictly smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Audit path PATH(m, D[n]) (RFC 9162 section 2.1.3.1) as the leaf ranges whose MTH form the proof,
 * nearest sibling first. Throws RangeError unless 0 <= index < treeSize.
 */
export function inclusionPathRanges(index: number, treeSize: number): Range[] {
  assertSize(treeSize, 'treeSize');
  assertSize(index, 'index');
  if (index >= treeSize) throw new RangeError(`index ${index} is not below treeSize ${treeSize}`);
  // Walk down from the root; each step's sibling is one element of the path, outermost first.
  const path: Range[] = [];
  let lo = 0;
  let hi = treeSize;
  while (hi - lo > 1) {
    const mid = lo + splitPoint(hi - lo);
    if (index < mid) {
      path.push([mid, hi]);
      hi = mid;
    } else {
      path.push([lo, mid]);
      lo = mid;
    }
  }
  return path.reverse();
}

/**
 * Consistency proof PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (RFC 9162 section 2.1.4.1) as leaf ranges,
 * in RFC order. Empty when from === 0 or from === to (nothing needs proving; see verifyConsistency).
 * Throws RangeError unless 0 <= from <= to.
 */
export function consistencyPathRanges(from: number, to: number): Range[] {
  assertSize(from, 'from');
  assertSize(to, 'to');
  if (from > to) throw new RangeError(`from ${from} exceeds to ${to}`);
  if (from === 0 || from === to) return [];
  // Iterative SUBPROOF: [lo, hi) is the current D[n], m is relative to lo, `complete` is the b flag.
  const proof: Range[] = [];
  let lo = 0;
  let hi = to;
  let m = from;
  let complete = true;
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      proof.push([lo + k, hi]);
      hi = lo + k;
    } else {
      proof.push([lo, lo + k]);
      lo += k;
      m -= k;
      complete = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree is not a complete subtree, so name its last piece.
  if (!complete) proof.push([lo, hi]);
  return proof.reverse();
}

/**
 * Greedy split of [start, end) into maximal aligned perfect subtrees, left to right.
 *
 * Folding those hashes from the right, nodeHash(b0, nodeHash(b1, ... bk)), equals MTH(D[start:end])
 * exactly when the block sizes strictly decrease: they are then the binary digits of the length, and the
 * first block is MTH's left half (the largest power of two below the length). Every range produced by
 * inclusionPathRanges / consistencyPathRanges has that shape, because each starts at a multiple of a
 * power of two at least as large as itself. Ranges without it (e.g. [1, 4): blocks 1, 2) would need leaf
 * level hashing, so this throws RangeError for them rather than return a hash that is not their MTH.
 */
export function subtreeDecomposition(start: number, end: number): SubtreeRef[] {
  assertSize(start, 'start');
  assertSize(end, 'end');
  if (start > end) throw new RangeError(`start ${start} exceeds end ${end}`);
  const blocks: SubtreeRef[] = [];
  for (let pos = start; pos < end;) {
    let size = 1;
    while (pos % (size * 2) === 0 && pos + size * 2 <= end) size *= 2;
    const previous = blocks.at(-1);
    if (previous !== undefined && previous.size <= size) {
      throw new RangeError(`range [${start}, ${end}) is not a Merkle subtree range`);
    }
    blocks.push({ start: pos, size });
    pos += size;
  }
  return blocks;
}

/**
 * MTH of a proof range from at most O(log n) perfect subtree hashes (see subtreeDecomposition for which
 * ranges qualify). The empty range yields emptyRoot().
 */
export async function rangeRoot(
  start: number,
  end: number,
  perfectSubtreeHash: PerfectSubtreeHash,
): Promise<Buffer> {
  const blocks = subtreeDecomposition(start, end);
  const hashes = await Promise.all(
    blocks.map(async ({ start: s, size }) => {
      const hash = await perfectSubtreeHash(s, size);
      // A wrong-length hash from storage would silently produce an unverifiable proof; fail loudly instead.
      if (!isHash(hash)) throw new Error(`subtree hash for (${s}, ${size}) is not ${HASH_SIZE} bytes`);
      return hash;
    }),
  );
  return foldFromRight(hashes);
}

export async function inclusionProof(
  index: number,
  treeSize: number,
  source: SubtreeHashSource,
): Promise<Buffer[]> {
  return proofHashes(inclusionPathRanges(index, treeSize), source);
}

export async function consistencyProof(
  from: number,
  to: number,
  source: SubtreeHashSource,
): Promise<Buffer[]> {
  return proofHashes(consistencyPathRanges(from, to), source);
}

function proofHashes(ranges: readonly Range[], source: SubtreeHashSource): Promise<Buffer[]> {
  return Promise.all(
    ranges.map(([start, end]) => rangeRoot(start, end, (s, size) => source.subtreeHash(s, size))),
  );
}

/**
 * RFC 9162 section 2.1.3.2. Returns false (never throws) for any malformed input: non-integer or
 * out-of-range positions, index >= treeSize, hashes that are not 32-byte Uint8Arrays, wrong proof length.
 */
export function verifyInclusion(
  index: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize) return false;
  if (!isHash(leaf) || !isHash(root) || !isHashList(proof)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/**
 * RFC 9162 section 2.1.4.2, never throwing. Cases the RFC algorithm does not cover, decided here:
 * - size1 > size2, malformed sizes or hashes: false.
 * - size1 === 0: anything extends the empty tree, so the proof must be empty; root1 must still be the
 *   empty-tree root (and so must root2 when size2 is 0 too) so that a bogus "old root" is never vouched for.
 * - size1 === size2 (> 0): the proof must be empty and the roots equal.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!isSize(size1) || !isSize(size2) || size1 > size2) return false;
  if (!isHash(root1) || !isHash(root2) || !isHashList(proof)) return false;
  const first = Buffer.from(root1);
  const second = Buffer.from(root2);
  if (size1 === 0) {
    const empty = emptyRoot();
    return proof.length === 0 && first.equals(empty) && (size2 > 0 || second.equals(empty));
  }
  if (size1 === size2) return proof.length === 0 && first.equals(second);
  if (proof.length === 0) return false;

  const path = isPowerOfTwo(size1) ? [first, ...proof] : [...proof];
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
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && first.equals(fr) && second.equals(sr);
}

/** Root from a frontier (see Frontier): fold from the right, exactly as MTH combines unequal halves. */
export function rootFromFrontier(frontier: readonly Buffer[]): Buffer {
  return foldFromRight(frontier);
}

/**
 * A growing tree held as its right edge (a compact range): the perfect subtrees whose sizes are the set
 * bits of the tree size, largest first. Appending a leaf is a binary increment whose carries hash pairs,
 * so n appends cost about 2n hashes in all; the root is computed only when asked for.
 */
export class RightEdge {
  /** Right-edge subtrees, sizes strictly decreasing. */
  private readonly stack: PerfectSubtree[];
  private size: number;

  /** Throws if the frontier does not have one 32-byte hash per set bit of treeSize. */
  constructor(treeSize = 0, frontier: readonly Buffer[] = []) {
    const layout = subtreeDecomposition(0, treeSize);
    if (layout.length !== frontier.length || !frontier.every(isHash)) {
      throw new RangeError(`frontier does not match a tree of size ${treeSize}`);
    }
    this.stack = layout.map((ref, i) => ({ ...ref, level: log2(ref.size), hash: frontier[i] }));
    this.size = treeSize;
  }

  get treeSize(): number {
    return this.size;
  }

  get frontier(): Buffer[] {
    return this.stack.map((subtree) => subtree.hash);
  }

  root(): Buffer {
    return rootFromFrontier(this.frontier);
  }

  /** Appends one leaf; returns the perfect subtrees it completed, the leaf itself first, children before parents. */
  append(hash: Buffer): PerfectSubtree[] {
    if (!isHash(hash)) throw new RangeError(`leaf hash at position ${this.size} is not ${HASH_SIZE} bytes`);
    assertSize(this.size + 1, 'resulting treeSize');
    let node: PerfectSubtree = { start: this.size, size: 1, level: 0, hash };
    const completed = [node];
    for (let top = this.stack.at(-1); top !== undefined && top.size === node.size; top = this.stack.at(-1)) {
      this.stack.pop();
      node = { start: top.start, size: top.size * 2, level: top.level + 1, hash: nodeHash(top.hash, node.hash) };
      completed.push(node);
    }
    this.stack.push(node);
    this.size += 1;
    return completed;
  }
}

/**
 * Appends leaf hashes to a tree of `treeSize` leaves whose right edge is `frontier`, in O(k + log n)
 * hashes for k new leaves. Throws if the frontier does not have one 32-byte hash per set bit of treeSize.
 */
export function appendLeaves(
  treeSize: number,
  frontier: readonly Buffer[],
  newLeafHashes: readonly Buffer[],
): AppendResult {
  const edge = new RightEdge(treeSize, frontier);
  const completed = newLeafHashes.flatMap((hash) => edge.append(hash));
  return { treeSize: edge.treeSize, frontier: edge.frontier, root: edge.root(), completed };
}

function foldFromRight(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return emptyRoot();
  let acc = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i], acc);
  return acc;
}

function isSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function assertSize(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer, got ${n}`);
  }
}

function isHash(h: unknown): h is Uint8Array {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

function isHashList(list: unknown): list is Uint8Array[] {
  return Array.isArray(list) && list.every(isHash);
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

function log2(powerOfTwo: number): number {
  let level = 0;
  for (let s = powerOfTwo; s > 1; s /= 2) level += 1;
  return level;
}

/**
 * Flat tables for verifying a log of millions of leaves: hashes by position in a few large buffers
 * rather than a million small objects.
 */

export const HASH_BYTES = 32;
/** Leaves (and subtrees of one level) per row of the fast verification pass: 512 KiB of hashes. */
export const VERIFY_CHUNK = 16_384;
const HAS_LEAF = 1;
const HAS_ENTRY = 2;
const CLAIM_MALFORMED = 4;

/** Stored and recomputed leaf hashes by seq, in two flat buffers rather than a million small objects. */
export class LeafTable {
  private readonly claimedHashes: Buffer;
  private readonly recomputedHashes: Buffer;
  private readonly flags: Uint8Array;

  constructor(size: number) {
    this.claimedHashes = Buffer.alloc(size * HASH_BYTES);
    this.recomputedHashes = Buffer.alloc(size * HASH_BYTES);
    this.flags = new Uint8Array(size);
  }

  set(seq: number, claimed: Buffer, recomputed: Buffer | null): void {
    if (seq < 0 || seq >= this.flags.length) return;
    let flags = HAS_LEAF;
    if (claimed.length === HASH_BYTES) claimed.copy(this.claimedHashes, seq * HASH_BYTES);
    else flags |= CLAIM_MALFORMED;
    if (recomputed) {
      recomputed.copy(this.recomputedHashes, seq * HASH_BYTES);
      flags |= HAS_ENTRY;
    }
    this.flags[seq] = flags;
  }

  hasLeaf(seq: number): boolean {
    return (this.flags[seq] & HAS_LEAF) !== 0;
  }

  /** The stored leaf hash (an empty buffer, which matches nothing, when the stored value is not a hash). */
  claimed(seq: number): Buffer {
    return this.flags[seq] & CLAIM_MALFORMED ? Buffer.alloc(0) : this.claimedHashes.subarray(seq * HASH_BYTES, (seq + 1) * HASH_BYTES);
  }

  recomputed(seq: number): Buffer | null {
    return this.flags[seq] & HAS_ENTRY ? this.recomputedHashes.subarray(seq * HASH_BYTES, (seq + 1) * HASH_BYTES) : null;
  }
}

/** Stored inner subtree hashes by (level, start), one flat buffer per level. */
export class SubtreeTable {
  private readonly levels: Array<{ hashes: Buffer; stored: Uint8Array }> = [];

  constructor(size: number) {
    for (let level = 1; 2 ** level <= size; level++) {
      const count = Math.floor(size / 2 ** level);
      this.levels[level] = { hashes: Buffer.alloc(count * HASH_BYTES), stored: new Uint8Array(count) };
    }
  }

  set(level: number, start: number, hash: Buffer): void {
    const table = this.levels[level];
    const index = start / 2 ** level;
    // A row that is not an aligned subtree inside the tree, or not a hash, is simply not a stored subtree.
    if (!table || !Number.isInteger(index) || index >= table.stored.length || hash.length !== HASH_BYTES) return;
    hash.copy(table.hashes, index * HASH_BYTES);
    table.stored[index] = 1;
  }

  /**
   * Stores a chunk of a level's subtree hashes, the subtrees from index `from` on; false (and nothing
   * stored) unless the chunk holds every subtree of its range, each a 32-byte hash.
   */
  setChunk(level: number, from: number, stored: number, hashes: Buffer, wellformed: boolean): boolean {
    const table = this.levels[level];
    if (!table || !wellformed) return false;
    const expected = Math.min(VERIFY_CHUNK, table.stored.length - from);
    if (from < 0 || expected <= 0 || stored !== expected || hashes.length !== stored * HASH_BYTES) return false;
    hashes.copy(table.hashes, from * HASH_BYTES);
    table.stored.fill(1, from, from + stored);
    return true;
  }

  /** Whether every level holds every one of its subtrees. */
  complete(): boolean {
    return this.levels.every((table) => table === undefined || table.stored.every((stored) => stored === 1));
  }

  get(level: number, start: number): Buffer | undefined {
    const table = this.levels[level];
    const index = start / 2 ** level;
    if (!table || !table.stored[index]) return undefined;
    return table.hashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }
}

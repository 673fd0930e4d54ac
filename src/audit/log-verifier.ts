import type { KeyObject } from 'node:crypto';
import { openSignedNote, parseCheckpointBody } from './merkle/checkpoint-note';
import { leafHash, RightEdge, type PerfectSubtree } from './merkle/merkle-tree';

/** An entry's bytes: a buffer, a string (hashed as UTF-8) or pieces hashed in order. */
export type EntryBytes = Uint8Array | string | readonly Uint8Array[];

export interface SignedCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  note: string;
}

export interface VerificationReport {
  valid: boolean;
  treeSize: number;
  rootHash: string;
  checked: number;
  firstInvalidSeq?: number;
  problems?: string[];
}

interface Problem {
  seq?: number;
  /** Leaves [start, end) of a stored subtree hash that differs from the one recomputed. */
  subtree?: [start: number, end: number];
  message: string;
}

/**
 * Recomputes a log from its entries, in index order, and checks it against signed checkpoints: every
 * leaf hash from the entry itself, the root at every checkpoint size, each checkpoint's signature.
 * Pure (no database), so the service's `verify` and the offline verifier share it.
 */
export class LogVerifier {
  private size = 0;
  /** The recomputed tree (stops growing once indexes no longer line up). */
  private readonly edge = new RightEdge();
  private broken = false;
  private readonly problems: Problem[] = [];
  private readonly pending: SignedCheckpoint[];
  /** Size of the largest checkpoint whose root matched the recomputed tree. */
  private provenSize = 0;

  constructor(
    checkpoints: SignedCheckpoint[],
    private readonly keyName: string,
    private readonly publicKey: KeyObject,
  ) {
    this.pending = checkpoints.filter((checkpoint) => this.signatureHolds(checkpoint)).sort((a, b) => a.treeSize - b.treeSize);
  }

  /**
   * Adds the next leaf. `entry` is the entry's bytes, its canonical JSON as stored or exported (null
   * when the entry is missing); `claimedLeafHash` is the leaf hash the log stored or served for it
   * (null when absent). Returns the perfect subtrees the recomputed tree completed, for callers that
   * also check stored subtree hashes.
   */
  addLeaf(seq: number, entry: EntryBytes | null, claimedLeafHash: Buffer | null): PerfectSubtree[] {
    return this.addRecomputedLeaf(seq, entry === null ? null : leafHash(entry), claimedLeafHash);
  }

  /** As addLeaf, for a caller that hashed the entry's bytes itself (null when the entry is missing). */
  addRecomputedLeaf(seq: number, hash: Buffer | null, claimedLeafHash: Buffer | null): PerfectSubtree[] {
    if (seq !== this.size) {
      this.report(this.size, seq > this.size ? `leaf ${this.size} is missing` : `leaf ${seq} appears twice`);
      this.broken = true; // indexes no longer line up: later roots cannot be compared
      return [];
    }
    if (!hash) this.report(seq, `the entry of leaf ${seq} is missing`);
    else if (claimedLeafHash && !hash.equals(claimedLeafHash)) this.report(seq, `entry ${seq} does not match its leaf hash`);
    // Without its entry, the stored hash stands in (if it is one) so that later roots can still be compared.
    const leaf = hash ?? (claimedLeafHash?.length === 32 ? claimedLeafHash : null);
    if (!leaf || this.broken) {
      this.broken = true;
      this.size += 1;
      return [];
    }
    const completed = this.edge.append(leaf);
    this.size += 1;
    while (this.pending.length && this.pending[0].treeSize <= this.size) {
      const checkpoint = this.pending.shift()!;
      if (checkpoint.treeSize === this.size) this.compareRoot(checkpoint);
    }
    return completed;
  }

  /** A stored subtree hash that differs from the recomputed one: the stored tree state was rewritten. */
  reportSubtree(start: number, size: number): void {
    this.report(undefined, `the stored hash of leaves ${start}..${start + size - 1} differs from the entries`, [start, start + size]);
  }

  finish(): VerificationReport {
    // Empty-tree checkpoints are checked here: no leaf triggers them.
    for (const checkpoint of this.pending.splice(0)) {
      if (checkpoint.treeSize === 0 && this.size === 0) this.compareRoot(checkpoint);
      else if (checkpoint.treeSize > this.size) {
        this.report(this.size, `checkpoint ${checkpoint.treeSize} signed ${checkpoint.treeSize} leaves but only ${this.size} are present`);
      }
    }
    const leafSeqs = this.problems.map((problem) => problem.seq).filter((seq): seq is number => seq !== undefined);
    // A stored subtree that differs only tells that something in its range changed. When a leaf in it
    // was found bad, that leaf explains it. Otherwise either the stored hash itself was rewritten (its
    // leaves are all covered by a checkpoint that still matches) or leaves were rewritten together with
    // their hashes, and then only at or after the largest checkpoint that still matches.
    const subtreeSeqs = this.problems
      .map((problem) => problem.subtree)
      .filter((range): range is [number, number] => range !== undefined && !leafSeqs.some((seq) => seq >= range[0] && seq < range[1]))
      .map(([start, end]) => (this.provenSize >= end ? start : Math.max(start, this.provenSize)));
    const seqs = [...leafSeqs, ...subtreeSeqs];
    const report: VerificationReport = {
      valid: this.problems.length === 0,
      treeSize: this.size,
      rootHash: this.edge.root().toString('hex'),
      checked: this.size,
    };
    if (!report.valid) {
      // A root mismatch with every leaf matching means a leaf and its hash were both rewritten: the first
      // index not covered by a checkpoint that still matches is the first that cannot be trusted.
      report.firstInvalidSeq = seqs.length ? Math.min(...seqs) : this.provenSize;
      report.problems = this.problems.map((problem) => problem.message);
    }
    return report;
  }

  private compareRoot(checkpoint: SignedCheckpoint): void {
    if (this.broken) return;
    if (this.edge.root().equals(checkpoint.rootHash)) {
      this.provenSize = Math.max(this.provenSize, checkpoint.treeSize);
    } else {
      this.report(undefined, `the entries do not produce the root signed in checkpoint ${checkpoint.treeSize}`);
    }
  }

  private signatureHolds(checkpoint: SignedCheckpoint): boolean {
    try {
      const body = parseCheckpointBody(openSignedNote(checkpoint.note, this.keyName, this.publicKey));
      if (body.treeSize === checkpoint.treeSize && body.rootHash.equals(checkpoint.rootHash)) return true;
      this.report(undefined, `checkpoint ${checkpoint.treeSize} does not match its signed note`);
    } catch (error) {
      this.report(undefined, `checkpoint ${checkpoint.treeSize} has no valid signature: ${(error as Error).message}`);
    }
    return false;
  }

  private report(seq: number | undefined, message: string, subtree?: [number, number]): void {
    const problem: Problem = subtree ? { subtree, message } : { seq, message };
    const first = (p: Problem) => p.seq ?? p.subtree?.[0];
    const at = first(problem);
    if (this.problems.length < 100) this.problems.push(problem);
    else if (at !== undefined && this.problems.every((other) => first(other) === undefined || first(other)! > at)) {
      this.problems.push(problem);
    }
  }
}

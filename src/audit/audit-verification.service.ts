import { Injectable } from '@nestjs/common';
import { auditVerifications } from '../metrics/metrics';
import { AuditLogRepository } from './audit-log.repository';
import { LogVerifier, VerificationReport } from './log-verifier';
import { SigningKeyHolder } from './signing-key.holder';
import { HASH_BYTES, LeafTable, SubtreeTable, VERIFY_CHUNK } from './verification-tables';

/** The log's verification against what it stores: two algorithms, a fast one and one that names every problem. */
@Injectable()
export class AuditVerification {
  constructor(
    private readonly log: AuditLogRepository,
    private readonly signing: SigningKeyHolder,
  ) {}

  /**
   * Recomputes the whole log from the stored entries and checks every leaf hash, every stored subtree
   * hash and every signed checkpoint. A log that is intact, as nearly every log is, is checked in one
   * fast pass (verifyIntact); when that pass meets anything out of place, the row-by-row pass runs and
   * names each problem.
   */
  async verify(): Promise<VerificationReport> {
    const intact = await this.verifyIntact();
    if (intact) {
      auditVerifications.inc({ pass: 'intact', valid: 'true' });
      return intact;
    }
    const report = await this.verifyRowByRow();
    auditVerifications.inc({ pass: 'row_by_row', valid: String(report.valid) });
    return report;
  }

  /**
   * The fast pass: PostgreSQL hashes every entry in one sequential pass and returns the recomputed
   * leaf hashes folded into chunks (see forEachLeafHashChunk), the stored subtree hashes likewise; the
   * service rebuilds the tree from them and compares each subtree and checkpoint. The report when
   * everything holds; undefined at the first thing that does not (a short or non-intact chunk, a
   * subtree, a root), for the row-by-row pass to describe. It can never call a broken log valid: every
   * leaf, subtree and root is still compared, only the reporting of failures is left to the other pass.
   */
  private async verifyIntact(): Promise<VerificationReport | undefined> {
    const { verifier, size } = await this.newVerification();
    const leaves = Buffer.alloc(size * HASH_BYTES);
    const subtrees = new SubtreeTable(size);
    let intact = true;
    let leavesSeen = 0;
    await Promise.all([
      this.log.forEachLeafHashChunk(size, VERIFY_CHUNK, (chunk) => {
        const expected = Math.min(VERIFY_CHUNK, size - chunk.from);
        if (!chunk.intact || chunk.leaves !== expected || chunk.hashes.length !== expected * HASH_BYTES) intact = false;
        else chunk.hashes.copy(leaves, chunk.from * HASH_BYTES);
        leavesSeen += chunk.leaves;
      }),
      this.log.forEachStoredSubtreeChunk(size, VERIFY_CHUNK, (chunk) => {
        if (!subtrees.setChunk(chunk.level, chunk.from, chunk.stored, chunk.hashes, chunk.wellformed)) intact = false;
      }),
    ]);
    if (!intact || leavesSeen !== size || !subtrees.complete()) return undefined;
    for (let seq = 0; seq < size; seq++) {
      const hash = leaves.subarray(seq * HASH_BYTES, (seq + 1) * HASH_BYTES);
      for (const subtree of verifier.addRecomputedLeaf(seq, hash, hash)) {
        if (subtree.level > 0 && !subtrees.get(subtree.level, subtree.start)?.equals(subtree.hash)) return undefined;
      }
    }
    const report = verifier.finish();
    return report.valid ? report : undefined;
  }

  /** A verifier loaded with every signed checkpoint, and the size of the log to verify. */
  private async newVerification(): Promise<{ verifier: LogVerifier; size: number }> {
    const { keyName, publicKey } = this.signing.key;
    const verifier = new LogVerifier(await this.log.checkpoints(), keyName, publicKey);
    return { verifier, size: await this.log.treeSize() };
  }

  /**
   * The row-by-row pass, which names every problem. Two streams run at once: PostgreSQL hashing the
   * stored entries in one pass (see forEachRecomputedLeaf) and the stored subtree hashes; both land in
   * flat tables indexed by position (about 100 bytes per leaf: 100 MB for a million), then the tree is
   * rebuilt in index order and compared with them.
   */
  private async verifyRowByRow(): Promise<VerificationReport> {
    const { verifier, size } = await this.newVerification();
    const leaves = new LeafTable(size);
    const subtrees = new SubtreeTable(size);
    await Promise.all([
      this.log.forEachRecomputedLeaf(size, (seq, leafHash, recomputed) => leaves.set(seq, leafHash, recomputed)),
      this.log.forEachStoredSubtree(size, (level, start, hash) => subtrees.set(level, start, hash)),
    ]);
    for (let seq = 0; seq < size; seq++) {
      // A missing leaf is skipped: the verifier then sees the next index arrive early and names the gap.
      if (!leaves.hasLeaf(seq)) continue;
      for (const subtree of verifier.addRecomputedLeaf(seq, leaves.recomputed(seq), leaves.claimed(seq))) {
        if (subtree.level > 0 && !subtrees.get(subtree.level, subtree.start)?.equals(subtree.hash)) {
          verifier.reportSubtree(subtree.start, subtree.size);
        }
      }
    }
    return verifier.finish();
  }
}

import type { SqlRunner } from '../database/sql/sql-runner';
import { AuditLogRepository, subtreeKey } from './audit-log.repository';
import { consistencyPathRanges, inclusionPathRanges, Range, rangeRoot, subtreeDecomposition } from './merkle/merkle-tree';

/**
 * RFC 9162 proofs served from the stored subtree hashes: every hash a proof needs is the root of a
 * range that decomposes into O(log n) stored perfect subtrees, all fetched in a single query.
 */
export async function inclusionProofFromStore(log: AuditLogRepository, seq: number, treeSize: number, runner?: SqlRunner) {
  return proofFromStore(log, inclusionPathRanges(seq, treeSize), runner);
}

export async function consistencyProofFromStore(log: AuditLogRepository, from: number, to: number, runner?: SqlRunner) {
  return proofFromStore(log, consistencyPathRanges(from, to), runner);
}

async function proofFromStore(log: AuditLogRepository, ranges: Range[], runner?: SqlRunner): Promise<Buffer[]> {
  const refs = ranges.flatMap(([start, end]) => subtreeDecomposition(start, end));
  const hashes = await log.subtreeHashes(refs, runner);
  return Promise.all(
    ranges.map(([start, end]) =>
      rangeRoot(start, end, (s, size) => {
        const hash = hashes.get(subtreeKey(s, size));
        if (!hash) throw new Error(`stored subtree (${s}, ${size}) is missing`);
        return hash;
      }),
    ),
  );
}

import { Injectable } from '@nestjs/common';
import { decodeCursor, isKeysetTimestamp } from '../common/cursor';
import { DEFAULT_PAGE_SIZE, Page, PageQueryDto, toPage } from '../common/page';
import { Problem } from '../common/problem';
import type { RequestContext } from '../common/request-context';
import { ShipmentsRepository } from '../shipments/shipments.repository';
import { organizationScope } from '../shipments/shipment-scope';
import { auditVerifications } from '../metrics/metrics';
import { exportLine, type AuditEntryView } from './audit-entry.view';
import type { CheckpointDto } from './dto/audit-response.dto';
import { AuditFilter, AuditLogRepository, CheckpointRow, LeafRow } from './audit-log.repository';
import { LogVerifier, VerificationReport } from './log-verifier';
import { consistencyProofFromStore, inclusionProofFromStore } from './proofs';
import { SigningKeyHolder } from './signing-key.holder';


export type CheckpointView = CheckpointDto;

const hex = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('hex'));

@Injectable()
export class AuditService {
  constructor(
    private readonly log: AuditLogRepository,
    private readonly shipments: ShipmentsRepository,
    private readonly signing: SigningKeyHolder,
  ) {}

  async list(query: PageQueryDto & AuditFilter): Promise<Page<AuditEntryView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeCursor(query.cursor, 'audit', { maxLength: 63, isValid: isKeysetTimestamp }) : undefined;
    const rows = await this.log.list(query, limit + 1, after);
    return toPage(rows, limit, 'audit', (row) => ({ value: row.cursor_value, id: row.entry.id }), (row) => row.entry);
  }

  /** A shipment's entries, oldest first, for those who may see the shipment. */
  async history(context: RequestContext, idOrReference: string, query: PageQueryDto): Promise<Page<AuditEntryView>> {
    const shipmentId = await this.shipments.findId(idOrReference, organizationScope(context.principal));
    if (!shipmentId) throw Problem.notFound('Shipment');
    return this.list({ ...query, entityType: 'shipment', entityId: shipmentId });
  }

  async checkpoint(since?: number): Promise<CheckpointView> {
    const latest = await this.latest();
    const view = this.toView(latest);
    if (since !== undefined) {
      if (since > latest.treeSize) {
        throw Problem.conflict(
          `You hold a tree of ${since} entries but the log's latest checkpoint has ${latest.treeSize}: keep your checkpoint, it is evidence.`,
          'tree-size-ahead',
        );
      }
      view.consistency = { from: since, path: hex(await consistencyProofFromStore(this.log, since, latest.treeSize)) };
    }
    return view;
  }

  publicKey() {
    const { keyName, keyId, publicKey, verifierKey } = this.signing.key;
    return {
      keyName,
      keyId: keyId.toString('hex'),
      algorithm: 'Ed25519',
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      verifierKey,
    };
  }

  async inclusion(seq: number, treeSize?: number) {
    const size = treeSize ?? (await this.latest()).treeSize;
    await this.checkSigned(size, 'treeSize');
    if (seq >= size) throw Problem.field('seq', `must be below treeSize (${size})`);
    const [leaf] = await this.log.leaves(seq, 1);
    if (!leaf || leaf.seq !== seq) throw Problem.notFound(`Leaf ${seq}`);
    const path = await inclusionProofFromStore(this.log, seq, size);
    return { seq, treeSize: size, leafHash: leaf.leafHash.toString('hex'), path: hex(path) };
  }

  async consistency(from: number, to?: number) {
    const size = to ?? (await this.latest()).treeSize;
    await this.checkSigned(size, 'to');
    if (from > size) throw Problem.field('from', `must not exceed to (${size})`);
    return { from, to: size, path: hex(await consistencyProofFromStore(this.log, from, size)) };
  }

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

  /**
   * NDJSON lines: the entries from fromSeq to toSeq (within the latest checkpoint), then that checkpoint.
   * Each entry line is the stored text behind `seq` and `leafHash` (see exportLine), so a verifier can
   * hash the entry's bytes straight from the line.
   */
  async *exportLines(fromSeq = 0, toSeq?: number): AsyncGenerator<string> {
    const checkpoint = await this.latest();
    const last = Math.min(toSeq ?? checkpoint.treeSize - 1, checkpoint.treeSize - 1);
    for (let next = fromSeq; next <= last; ) {
      const batch = await this.log.leaves(next, 2_000, last);
      if (batch.length === 0) break;
      yield batch.map(toExportLine).join('');
      next = batch[batch.length - 1].seq + 1;
    }
    yield `${JSON.stringify(this.toView(checkpoint))}\n`;
  }

  private async latest(): Promise<CheckpointRow> {
    const latest = await this.log.latestCheckpoint();
    if (!latest) throw new Problem(503, 'log-starting', 'Service Unavailable', 'The audit log has not signed its first checkpoint yet; retry in a second.');
    return latest;
  }

  private async checkSigned(size: number, field: string): Promise<void> {
    const latest = await this.latest();
    if (size > latest.treeSize) throw Problem.field(field, `must not exceed the latest checkpoint's size (${latest.treeSize})`);
  }

  private toView(row: CheckpointRow): CheckpointView {
    return {
      origin: this.signing.key.keyName,
      treeSize: row.treeSize,
      rootHash: row.rootHash.toString('base64'),
      timestamp: row.createdAt,
      note: row.note,
    };
  }
}

/** A leaf whose entry row is gone is exported as such, so the verifier names it instead of failing to parse. */
function toExportLine(leaf: LeafRow): string {
  const hash = leaf.leafHash.toString('hex');
  return leaf.content === null ? `{"seq":${leaf.seq},"leafHash":"${hash}","missing":true}\n` : exportLine(leaf.seq, hash, leaf.content);
}

const HASH_BYTES = 32;
/** Leaves (and subtrees of one level) per row of the fast verification pass: 512 KiB of hashes. */
const VERIFY_CHUNK = 16_384;
const HAS_LEAF = 1;
const HAS_ENTRY = 2;
const CLAIM_MALFORMED = 4;

/** Stored and recomputed leaf hashes by seq, in two flat buffers rather than a million small objects. */
class LeafTable {
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
class SubtreeTable {
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

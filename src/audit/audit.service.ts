import { Injectable } from '@nestjs/common';
import { decodeCursor, isKeysetTimestamp } from '../common/cursor';
import { DEFAULT_PAGE_SIZE, Page, PageQueryDto, toPage } from '../common/page';
import { Problem } from '../common/problem';
import type { RequestContext } from '../common/request-context';
import { ShipmentsRepository } from '../shipments/shipments.repository';
import { organizationScope } from '../shipments/shipment-scope';
import { exportLine, type AuditEntryView } from './audit-entry.view';
import type { CheckpointDto } from './dto/audit-response.dto';
import { AuditFilter, AuditLogRepository, CheckpointRow, LeafRow } from './audit-log.repository';
import { AuditVerification } from './audit-verification.service';
import type { VerificationReport } from './log-verifier';
import { consistencyProofFromStore, inclusionProofFromStore } from './proofs';
import { SigningKeyHolder } from './signing-key.holder';
import { CosignedCheckpoints } from './witness/cosigned-checkpoints';


export type CheckpointView = CheckpointDto;

const hex = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('hex'));

/** The log as it is read: entries, a shipment's history, checkpoints, proofs and the export. */
@Injectable()
export class AuditService {
  constructor(
    private readonly log: AuditLogRepository,
    private readonly shipments: ShipmentsRepository,
    private readonly signing: SigningKeyHolder,
    private readonly verification: AuditVerification,
    private readonly cosigned: CosignedCheckpoints,
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

  /** With `cosigned`, the newest checkpoint that at least that many witnesses have cosigned. */
  async checkpoint(since?: number, cosigned?: number): Promise<CheckpointView> {
    const latest = cosigned === undefined ? await this.latest() : await this.cosigned.newest(cosigned);
    const view = await this.toView(latest);
    if (since !== undefined) {
      if (since > latest.treeSize && cosigned !== undefined) {
        throw Problem.conflict(
          `You hold a tree of ${since} entries but the newest checkpoint cosigned by ${cosigned} witness(es) has ${latest.treeSize}: ask again once the witnesses have caught up.`,
          'tree-size-ahead',
        );
      }
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

  /** See AuditVerification.verify. */
  verify(): Promise<VerificationReport> {
    return this.verification.verify();
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
    yield `${JSON.stringify(await this.toView(checkpoint))}\n`;
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

  private async toView(row: CheckpointRow): Promise<CheckpointView> {
    const { note, cosignatures } = await this.cosigned.cosigned(row);
    return {
      origin: this.signing.key.keyName,
      treeSize: row.treeSize,
      rootHash: row.rootHash.toString('base64'),
      timestamp: row.createdAt,
      note,
      cosignatures,
    };
  }
}

/** A leaf whose entry row is gone is exported as such, so the verifier names it instead of failing to parse. */
function toExportLine(leaf: LeafRow): string {
  const hash = leaf.leafHash.toString('hex');
  return leaf.content === null ? `{"seq":${leaf.seq},"leafHash":"${hash}","missing":true}\n` : exportLine(leaf.seq, hash, leaf.content);
}

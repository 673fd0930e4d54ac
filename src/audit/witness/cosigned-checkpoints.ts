import { Injectable } from '@nestjs/common';
import { Problem } from '../../common/problem';
import type { CheckpointRow } from '../audit-log.repository';
import { WitnessSubmitter } from './witness-submitter';
import { WitnessRepository } from './witness.repository';

export interface CosignatureView {
  /** The witness's key name. */
  name: string;
  /** Its 4-byte key ID, hex. */
  keyId: string;
  /** When it cosigned (the cosignature's own timestamp), ISO 8601. */
  timestamp: string;
}

export interface WitnessView {
  name: string;
  keyId: string;
  verifierKey: string;
  /** The size of the latest checkpoint it cosigned; null until known. */
  cosignedSize: number | null;
  /** The timestamp of its latest cosignature held here. */
  cosignedAt: string | null;
  /** Entries of the latest checkpoint it has not cosigned. */
  lag: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** Checkpoints as witnesses vouch for them: the cosigned note, a quorum query, the witnesses' state. */
@Injectable()
export class CosignedCheckpoints {
  constructor(
    private readonly submitter: WitnessSubmitter,
    private readonly repository: WitnessRepository,
  ) {}

  private get verifierKeys(): string[] {
    return this.submitter.configured.map((witness) => witness.verifierKey);
  }

  /** The log's note with the configured witnesses' cosignature lines appended, and those cosignatures. */
  async cosigned(checkpoint: CheckpointRow): Promise<{ note: string; cosignatures: CosignatureView[] }> {
    if (this.verifierKeys.length === 0) return { note: checkpoint.note, cosignatures: [] };
    const rows = await this.repository.cosignatures(checkpoint.treeSize, this.verifierKeys);
    return {
      note: checkpoint.note + rows.map((row) => `${row.line}\n`).join(''),
      cosignatures: rows.map((row) => ({
        name: row.name,
        keyId: row.keyId.toString('hex'),
        timestamp: new Date(row.timestamp * 1000).toISOString(),
      })),
    };
  }

  /** The newest checkpoint cosigned by at least `quorum` configured witnesses; 404 when there is none (yet). */
  async newest(quorum: number): Promise<CheckpointRow> {
    const configured = this.verifierKeys.length;
    const found = configured >= quorum ? await this.repository.newestCosigned(quorum, this.verifierKeys) : undefined;
    if (!found) {
      throw new Problem(
        404,
        'no-cosigned-checkpoint',
        'Not Found',
        configured < quorum
          ? `No checkpoint can have ${quorum} cosignatures: this log is configured with ${configured} witness(es).`
          : `No checkpoint has been cosigned by ${quorum} witness(es) yet; retry later, or see GET /audit/witnesses.`,
      );
    }
    return found;
  }

  async witnesses(): Promise<{ data: WitnessView[] }> {
    const rows = new Map((await this.repository.witnesses(this.verifierKeys)).map((row) => [row.verifierKey, row]));
    const treeSize = await this.repository.latestTreeSize();
    return {
      data: this.submitter.configured.map((witness) => {
        const row = rows.get(witness.verifierKey);
        const cosignedSize = row?.cosignedSize ?? null;
        return {
          name: witness.name,
          keyId: witness.keyId.toString('hex'),
          verifierKey: witness.verifierKey,
          cosignedSize,
          cosignedAt: row?.cosignedAt ?? null,
          lag: treeSize === undefined ? null : Math.max(0, treeSize - (cosignedSize ?? 0)),
          lastError: row?.lastError ?? null,
          lastErrorAt: row?.lastErrorAt ?? null,
        };
      }),
    };
  }
}

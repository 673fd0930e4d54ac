import { Injectable } from '@nestjs/common';
import { isoTimestamp } from '../../common/sql';
import { Database } from '../../database/sql/database';
import type { CheckpointRow } from '../audit-log.repository';

export interface WitnessRow {
  verifierKey: string;
  name: string;
  cosignedSize: number | null;
  cosignedAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface CosignatureRow {
  treeSize: number;
  verifierKey: string;
  name: string;
  keyId: Buffer;
  timestamp: number;
  line: string;
}

const CHECKPOINT_COLUMNS = `c.tree_size::text AS "treeSize", c.root_hash AS "rootHash", c.note, ${isoTimestamp('c.created_at')} AS "createdAt"`;
const toCheckpoint = (row: CheckpointRow & { treeSize: string }): CheckpointRow => ({ ...row, treeSize: Number(row.treeSize) });
const toCosignature = (row: CosignatureRow & { treeSize: string; timestamp: string }): CosignatureRow => ({
  ...row,
  treeSize: Number(row.treeSize),
  timestamp: Number(row.timestamp),
});

/** The SQL of witness cosigning: the witnesses' shared state, their leases, the stored cosignatures. */
@Injectable()
export class WitnessRepository {
  constructor(private readonly database: Database) {}

  /** A row for each configured witness; rows of witnesses no longer configured stay, unused. */
  async register(witnesses: ReadonlyArray<{ verifierKey: string; name: string }>): Promise<void> {
    await this.database.query(
      `INSERT INTO audit_witness (verifier_key, name) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (verifier_key) DO NOTHING`,
      [witnesses.map((w) => w.verifierKey), witnesses.map((w) => w.name)],
    );
  }

  /**
   * Takes the witness for `leaseMs` if no instance holds it and its backoff has passed; returns the size
   * it last cosigned (null: unknown), or undefined when it is not this instance's turn.
   */
  async lease(verifierKey: string, leaseId: string, leaseMs: number): Promise<{ cosignedSize: number | null } | undefined> {
    const [row] = await this.database.query<{ cosignedSize: string | null }>(
      `UPDATE audit_witness SET lease_id = $2, lease_until = now() + $3 * interval '1 millisecond'
        WHERE verifier_key = $1 AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
       RETURNING cosigned_size::text AS "cosignedSize"`,
      [verifierKey, leaseId, leaseMs],
    );
    return row ? { cosignedSize: row.cosignedSize === null ? null : Number(row.cosignedSize) } : undefined;
  }

  /** The size the witness says it holds (its 409 answer), while this instance holds the lease. */
  async learnSize(verifierKey: string, leaseId: string, size: number): Promise<void> {
    await this.database.query('UPDATE audit_witness SET cosigned_size = $3 WHERE verifier_key = $1 AND lease_id = $2', [
      verifierKey,
      leaseId,
      size,
    ]);
  }

  /** Stores a verified cosignature and moves the witness's size on, in one transaction. */
  async storeCosignature(leaseId: string, cosignature: CosignatureRow): Promise<void> {
    await this.database.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO audit_cosignature (tree_size, verifier_key, name, key_id, timestamp, line, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (tree_size, verifier_key) DO NOTHING`,
        [cosignature.treeSize, cosignature.verifierKey, cosignature.name, cosignature.keyId, cosignature.timestamp, cosignature.line],
      );
      await tx.query(
        `UPDATE audit_witness SET cosigned_size = $3, cosigned_at = to_timestamp($4), failures = 0
          WHERE verifier_key = $1 AND lease_id = $2`,
        [cosignature.verifierKey, leaseId, cosignature.treeSize, cosignature.timestamp],
      );
    });
  }

  /** Gives the lease back; after a failure, with the next attempt put off by `retryInMs`. */
  async release(verifierKey: string, leaseId: string, failure?: { error: string; retryInMs: (failures: number) => number }): Promise<void> {
    if (!failure) {
      await this.database.query('UPDATE audit_witness SET lease_id = NULL, lease_until = NULL WHERE verifier_key = $1 AND lease_id = $2', [
        verifierKey,
        leaseId,
      ]);
      return;
    }
    const [row] = await this.database.query<{ failures: number }>('SELECT failures FROM audit_witness WHERE verifier_key = $1', [verifierKey]);
    const failures = (row?.failures ?? 0) + 1;
    await this.database.query(
      `UPDATE audit_witness SET lease_id = NULL, lease_until = NULL, failures = $3, last_error = $4, last_error_at = now(),
              next_attempt_at = now() + $5 * interval '1 millisecond'
        WHERE verifier_key = $1 AND lease_id = $2`,
      [verifierKey, leaseId, failures, failure.error, failure.retryInMs(failures)],
    );
  }

  /**
   * The checkpoints from `fromSize` on that this witness has not cosigned, oldest first, at most `limit`.
   */
  async uncosigned(verifierKey: string, fromSize: number, limit: number): Promise<CheckpointRow[]> {
    const rows = await this.database.query<CheckpointRow & { treeSize: string }>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoint c
        WHERE c.tree_size >= $2
          AND NOT EXISTS (SELECT 1 FROM audit_cosignature s WHERE s.tree_size = c.tree_size AND s.verifier_key = $1)
        ORDER BY c.tree_size LIMIT $3`,
      [verifierKey, fromSize, limit],
    );
    return rows.map(toCheckpoint);
  }

  async witnesses(verifierKeys: readonly string[]): Promise<WitnessRow[]> {
    const rows = await this.database.query<WitnessRow & { cosignedSize: string | null }>(
      `SELECT verifier_key AS "verifierKey", name, cosigned_size::text AS "cosignedSize",
              ${isoTimestamp('cosigned_at')} AS "cosignedAt", last_error AS "lastError", ${isoTimestamp('last_error_at')} AS "lastErrorAt"
         FROM audit_witness WHERE verifier_key = ANY($1::text[])`,
      [verifierKeys],
    );
    return rows.map((row) => ({ ...row, cosignedSize: row.cosignedSize === null ? null : Number(row.cosignedSize) }));
  }

  async cosignatures(treeSize: number, verifierKeys: readonly string[]): Promise<CosignatureRow[]> {
    const rows = await this.database.query<CosignatureRow & { treeSize: string; timestamp: string }>(
      `SELECT tree_size::text AS "treeSize", verifier_key AS "verifierKey", name, key_id AS "keyId", timestamp::text AS timestamp, line
         FROM audit_cosignature WHERE tree_size = $1 AND verifier_key = ANY($2::text[]) ORDER BY name, verifier_key`,
      [treeSize, verifierKeys],
    );
    return rows.map(toCosignature);
  }

  /** The newest checkpoint that at least `quorum` of the given witnesses have cosigned. */
  async newestCosigned(quorum: number, verifierKeys: readonly string[]): Promise<CheckpointRow | undefined> {
    const [row] = await this.database.query<CheckpointRow & { treeSize: string }>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoint c
        WHERE c.tree_size = (SELECT s.tree_size FROM audit_cosignature s WHERE s.verifier_key = ANY($2::text[])
                              GROUP BY s.tree_size HAVING count(*) >= $1 ORDER BY s.tree_size DESC LIMIT 1)`,
      [quorum, verifierKeys],
    );
    return row ? toCheckpoint(row) : undefined;
  }

  async latestTreeSize(): Promise<number | undefined> {
    const [row] = await this.database.query<{ size: string | null }>('SELECT max(tree_size)::text AS size FROM audit_checkpoint');
    return row?.size === null || row?.size === undefined ? undefined : Number(row.size);
  }
}

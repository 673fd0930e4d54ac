import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The Merkle log's tables. `audit_leaf` gives each committed audit entry its leaf index (`seq`,
 * contiguous from 0) and leaf hash; `audit_subtree` keeps the hash of every complete aligned subtree
 * above the leaves, so a proof or a root needs O(log n) reads; `audit_checkpoint` keeps every signed
 * checkpoint. All three are append-only (triggers refuse UPDATE, DELETE and TRUNCATE).
 * `audit_queue` is the integrator's work list: entries written but not yet sequenced.
 */
@Entity('audit_leaf')
export class AuditLeafEntity {
  @PrimaryColumn('bigint') seq: string;
  @Index('audit_leaf_entry', { unique: true }) @Column('uuid', { name: 'entry_id' }) entryId: string;
  @Column('bytea', { name: 'leaf_hash' }) leafHash: Buffer;
  @Column('timestamptz', { name: 'integrated_at' }) integratedAt: Date;
}

@Entity('audit_subtree')
export class AuditSubtreeEntity {
  /** log2 of the subtree's leaf count, from 1 (leaves are in audit_leaf). */
  @PrimaryColumn('smallint') level: number;
  /** Index of the subtree's first leaf. */
  @PrimaryColumn('bigint') start: string;
  @Column('bytea') hash: Buffer;
}

@Entity('audit_checkpoint')
export class AuditCheckpointEntity {
  @PrimaryColumn('bigint', { name: 'tree_size' }) treeSize: string;
  @Column('bytea', { name: 'root_hash' }) rootHash: Buffer;
  @Column('text') note: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

@Entity('audit_queue')
export class AuditQueueEntity {
  @PrimaryColumn('uuid', { name: 'entry_id' }) entryId: string;
  @Index('audit_queue_order') @Column('bigint', { name: 'enqueued', generated: 'increment' }) enqueued: string;
}

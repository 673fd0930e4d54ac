import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per configured witness: what the service knows of it and who may talk to it now. The lease
 * (lease_id, lease_until) lets one instance at a time submit to a witness, so instances never race each
 * other with different `old` sizes; failures and next_attempt_at are the shared backoff.
 */
@Entity('audit_witness')
export class AuditWitnessEntity {
  /** The C2SP verifier key, as in AUDIT_WITNESSES. */
  @PrimaryColumn('text', { name: 'verifier_key' }) verifierKey: string;
  @Column('text') name: string;
  /** The size of the latest checkpoint the witness cosigned, from its 200 or 409 answers; null: not known yet. */
  @Column('bigint', { name: 'cosigned_size', nullable: true }) cosignedSize: string | null;
  /** The timestamp of its latest cosignature the service holds. */
  @Column('timestamptz', { name: 'cosigned_at', nullable: true }) cosignedAt: Date | null;
  @Column('integer', { default: 0 }) failures: number;
  @Column('timestamptz', { name: 'next_attempt_at', default: () => 'now()' }) nextAttemptAt: Date;
  @Column('uuid', { name: 'lease_id', nullable: true }) leaseId: string | null;
  @Column('timestamptz', { name: 'lease_until', nullable: true }) leaseUntil: Date | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'last_error_at', nullable: true }) lastErrorAt: Date | null;
}

/**
 * A witness's cosignature of a signed checkpoint (`tree_size` names it), verified against its configured
 * key before it is stored. No foreign key to audit_checkpoint: both are append-only, and a key would make
 * TRUNCATE of the checkpoints fail on the key rather than on their append-only trigger.
 */
@Entity('audit_cosignature')
export class AuditCosignatureEntity {
  @PrimaryColumn('bigint', { name: 'tree_size' }) treeSize: string;
  @PrimaryColumn('text', { name: 'verifier_key' }) verifierKey: string;
  @Column('text') name: string;
  @Column('bytea', { name: 'key_id' }) keyId: Buffer;
  /** The cosignature's own timestamp, POSIX seconds. */
  @Column('bigint') timestamp: string;
  /** The note signature line, as the witness returned it. */
  @Column('text') line: string;
  @Column('timestamptz', { name: 'received_at' }) receivedAt: Date;
}

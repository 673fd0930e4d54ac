import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One change, written in the same transaction as the change itself. Insert-only: the leaf index
 * (`seq`) and leaf hash are assigned after commit by the log integrator, in a table of their own,
 * so no writer ever waits on a chain head.
 */
@Entity('audit_entry')
@Index('audit_entry_entity', ['entityType', 'entityId'])
@Index('audit_entry_recorded', ['recordedAt', 'id'])
export class AuditEntryEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
  @Column('text') action: string;
  @Column('text', { name: 'entity_type' }) entityType: string;
  @Column('uuid', { name: 'entity_id' }) entityId: string;
  @Column('jsonb') actor: object;
  @Column('text', { name: 'request_id', nullable: true }) requestId: string | null;
  /** The entry's RFC 8785 canonical JSON (less seq and leafHash): the bytes its leaf hash covers. */
  @Column('text') content: string;
}

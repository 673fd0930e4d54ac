import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ShipmentEntity } from './shipment.entity';

/**
 * One step of a shipment's delivery. Never edited or deleted: a mistaken event is marked voided and a
 * `void` event that restores the previous status is appended after it.
 */
@Entity('shipment_event')
@Index('shipment_event_timeline', ['shipmentId', 'position'], { unique: true })
@Index('shipment_event_voids', ['voidsEventId'], { where: 'voids_event_id IS NOT NULL' })
export class ShipmentEventEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'shipment_id' }) shipmentId: string;
  @ManyToOne(() => ShipmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'shipment_id' })
  shipment?: ShipmentEntity;
  /** Order of recording within the shipment, from 1. */
  @Column('integer') position: number;
  @Column('text') type: string;
  @Column('text', { name: 'from_status' }) fromStatus: string;
  @Column('text', { name: 'to_status' }) toStatus: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt: Date;
  @Column('timestamptz', { name: 'recorded_at' }) recordedAt: Date;
  @Column('jsonb', { nullable: true }) location: object | null;
  @Column('text', { nullable: true }) note: string | null;
  @Column('jsonb', { nullable: true }) receipt: object | null;
  @Column('jsonb', { nullable: true }) evidence: object | null;
  @Column('jsonb') actor: object;
  @Column('uuid', { name: 'voids_event_id', nullable: true }) voidsEventId: string | null;
  @Column('timestamptz', { name: 'voided_at', nullable: true }) voidedAt: Date | null;
  @Column('text', { name: 'void_reason', nullable: true }) voidReason: string | null;
}

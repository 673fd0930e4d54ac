import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { oneOf } from '../../database/check-expressions';
import { OrganizationEntity } from '../../organizations/organization.entity';
import { STATUSES } from '../shipment-lifecycle';

/**
 * References are drawn from the sequence `shipment_reference_seq` (DomainRules migration): a sequence that
 * no column owns, which TypeORM neither models nor compares.
 */
@Entity('shipment')
@Index('shipment_created_keyset', ['createdAt', 'id'])
@Index('shipment_updated_keyset', ['updatedAt', 'id'])
@Index('shipment_donor_keyset', ['donorId', 'createdAt', 'id'])
@Index('shipment_recipient_keyset', ['recipientId', 'createdAt', 'id'])
@Index('shipment_status', ['status', 'createdAt', 'id'])
@Index('shipment_destination', ['destinationCountry', 'createdAt'])
@Index('shipment_origin', ['originCountry', 'createdAt'])
// Expression indexes, which TypeORM cannot express: created by the DomainRules migration. The emergency
// filter compares lower(emergency); text search is a trigram GIN index over reference and title.
@Index('shipment_emergency', { synchronize: false })
@Index('shipment_search', { synchronize: false })
@Check('shipment_status_check', oneOf('status', STATUSES))
@Check('shipment_parties_differ', `donor_id <> recipient_id`)
@Check('shipment_dates_ordered', `expected_arrival_date >= planned_dispatch_date`)
export class ShipmentEntity {
  @PrimaryColumn('uuid') id: string;
  @Index('shipment_reference_unique', { unique: true }) @Column('text') reference: string;
  @Column('text', { nullable: true }) title: string | null;
  @Column('text') status: string;
  @Column('integer') version: number;
  @Column('uuid', { name: 'donor_id' }) donorId: string;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'donor_id' })
  donor?: OrganizationEntity;
  @Column('uuid', { name: 'recipient_id' }) recipientId: string;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recipient_id' })
  recipient?: OrganizationEntity;
  @Column('char', { length: 2, name: 'origin_country' }) originCountry: string;
  @Column('text', { name: 'origin_location', nullable: true }) originLocation: string | null;
  @Column('char', { length: 2, name: 'destination_country' }) destinationCountry: string;
  @Column('text', { name: 'destination_location', nullable: true }) destinationLocation: string | null;
  @Column('text', { name: 'transport_mode', nullable: true }) transportMode: string | null;
  @Column('text', { nullable: true }) emergency: string | null;
  @Column('text') priority: string;
  @Column('date', { name: 'planned_dispatch_date', nullable: true }) plannedDispatchDate: string | null;
  @Column('date', { name: 'expected_arrival_date', nullable: true }) expectedArrivalDate: string | null;
  /** Denormalised at write time (items only change while planned): lists and reports need no item scan. */
  @Column('integer', { name: 'line_count' }) lineCount: number;
  @Column('jsonb') totals: object;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}

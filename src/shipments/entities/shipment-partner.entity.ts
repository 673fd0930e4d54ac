import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../../organizations/organization.entity';
import { ShipmentEntity } from './shipment.entity';

/** An implementing or logistics partner of a shipment (besides donor and recipient). */
@Entity('shipment_partner')
export class ShipmentPartnerEntity {
  @PrimaryColumn('uuid', { name: 'shipment_id' }) shipmentId: string;
  @Index() @PrimaryColumn('uuid', { name: 'organization_id' }) organizationId: string;
  @Column('integer', { default: 0 }) position: number;
  @ManyToOne(() => ShipmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'shipment_id' })
  shipment?: ShipmentEntity;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;
}

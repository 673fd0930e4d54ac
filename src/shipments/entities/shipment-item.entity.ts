import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ShipmentEntity } from './shipment.entity';

/** One line of a shipment's contents. Quantities and values are PostgreSQL numeric, strings in Node. */
@Entity('shipment_item')
@Index('shipment_item_line', ['shipmentId', 'lineNo'], { unique: true })
@Index('shipment_item_category', ['category', 'shipmentId'])
// A trigram GIN index over description, item code and batch number (an expression TypeORM cannot
// express): created by the DomainRules migration.
@Index('shipment_item_search', { synchronize: false })
@Check(
  'shipment_item_quantities',
  `quantity > 0 AND quantity_received >= 0 AND quantity_damaged >= 0 AND quantity_received + quantity_damaged <= quantity`,
)
@Check('shipment_item_value', `unit_value IS NULL OR (unit_value >= 0 AND currency IS NOT NULL)`)
export class ShipmentItemEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'shipment_id' }) shipmentId: string;
  @ManyToOne(() => ShipmentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'shipment_id' })
  shipment?: ShipmentEntity;
  @Column('integer', { name: 'line_no' }) lineNo: number;
  @Column('text') description: string;
  @Column('text') category: string;
  @Column('numeric') quantity: string;
  @Column('text') unit: string;
  @Column('numeric', { name: 'unit_value', nullable: true }) unitValue: string | null;
  @Column('char', { length: 3, nullable: true }) currency: string | null;
  @Column('text', { name: 'item_code', nullable: true }) itemCode: string | null;
  @Column('text', { name: 'batch_number', nullable: true }) batchNumber: string | null;
  @Column('date', { name: 'expiry_date', nullable: true }) expiryDate: string | null;
  @Column('numeric', { name: 'weight_kg', nullable: true }) weightKg: string | null;
  @Column('numeric', { name: 'volume_m3', nullable: true }) volumeM3: string | null;
  @Column('numeric', { name: 'quantity_received', default: 0 }) quantityReceived: string;
  @Column('numeric', { name: 'quantity_damaged', default: 0 }) quantityDamaged: string;
}

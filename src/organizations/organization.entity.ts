import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { oneOf } from '../database/check-expressions';

export const ORGANIZATION_TYPES = [
  'government',
  'multilateral',
  'ngo',
  'red_cross_red_crescent',
  'private_sector',
  'foundation',
  'academic',
  'other',
] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

/** A donor, recipient or partner. Names are unique regardless of case (a unique index on lower(name)). */
@Entity('organization')
// An expression index, which TypeORM cannot express: created by the DomainRules migration.
@Index('organization_name_unique', { synchronize: false })
@Check('organization_type_check', oneOf('type', ORGANIZATION_TYPES))
export class OrganizationEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') type: OrganizationType;
  @Column('char', { length: 2, name: 'country_code', nullable: true }) countryCode: string | null;
  @Column('text', { name: 'iati_identifier', nullable: true }) iatiIdentifier: string | null;
  @Column('integer', { default: 1 }) version: number;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' }) updatedAt: Date;
}

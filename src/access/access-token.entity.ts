import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { oneOf } from '../database/check-expressions';
import { OrganizationEntity } from '../organizations/organization.entity';

export const ROLES = ['admin', 'coordinator', 'auditor', 'partner'] as const;
export type Role = (typeof ROLES)[number];

/** A bearer token. Only the SHA-256 of the secret is stored; the secret is shown once at creation. */
@Entity('access_token')
@Check('access_token_role_check', oneOf('role', ROLES))
@Check('access_token_partner_scope', `role <> 'partner' OR organization_id IS NOT NULL`)
export class AccessTokenEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') role: Role;
  @Column('uuid', { name: 'organization_id', nullable: true }) organizationId: string | null;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;
  @Index('access_token_secret_hash', { unique: true })
  @Column('bytea', { name: 'secret_hash' })
  secretHash: Buffer;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
}

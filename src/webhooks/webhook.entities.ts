import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { textArray } from '../database/check-expressions';
import { OrganizationEntity } from '../organizations/organization.entity';
import { WEBHOOK_EVENTS } from './webhook-events';

/**
 * A partner's (or an operator's) subscription to shipment events. The signing secret is stored as is,
 * not hashed: every delivery is signed with HMAC-SHA256 over it, so the service must be able to read
 * it back. It never leaves the service except in the response that creates or rotates it.
 */
@Entity('webhook_subscription')
@Index('webhook_subscription_organization', ['organizationId', 'createdAt', 'id'])
@Check('webhook_subscription_events', `cardinality(events) > 0 AND events <@ ${textArray(WEBHOOK_EVENTS)}`)
export class WebhookSubscriptionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') url: string;
  @Column('text', { array: true }) events: string[];
  @Column('text') secret: string;
  /** Null: sees every shipment (admin, unscoped coordinator); else only that organization's shipments. */
  @Column('uuid', { name: 'organization_id', nullable: true }) organizationId: string | null;
  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;
  @Column('uuid', { name: 'created_by_token_id' }) createdByTokenId: string;
  @Column('boolean') active: boolean;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @Column('timestamptz', { name: 'secret_rotated_at', nullable: true }) secretRotatedAt: Date | null;
}

/** One event to send to one subscription: the outbox row, written in the transaction of the change. */
@Entity('webhook_delivery')
@Index('webhook_delivery_event', ['subscriptionId', 'eventId'], { unique: true })
@Index('webhook_delivery_list', ['subscriptionId', 'createdAt', 'id'])
// What the workers poll: only pending rows, in the order they fall due.
@Index('webhook_delivery_due', ['nextAttemptAt'], { where: `status = 'pending'` })
@Check('webhook_delivery_status', `status IN ('pending','delivered','failed')`)
export class WebhookDeliveryEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'subscription_id' }) subscriptionId: string;
  @ManyToOne(() => WebhookSubscriptionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id' })
  subscription?: WebhookSubscriptionEntity;
  @Column('uuid', { name: 'event_id' }) eventId: string;
  @Column('text', { name: 'event_type' }) eventType: string;
  /** The exact JSON body that is signed and sent. */
  @Column('text') payload: string;
  /** pending | delivered | failed */
  @Column('text') status: string;
  @Column('integer') attempts: number;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt: Date | null;
  /** Set while an instance is sending it; when the lease runs out (a crash), it is sent again. */
  @Column('timestamptz', { name: 'locked_until', nullable: true }) lockedUntil: Date | null;
  @Column('uuid', { name: 'lease_id', nullable: true }) leaseId: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt: Date | null;
}

/** One try at sending a delivery, as the receiver answered it (or did not). */
@Entity('webhook_attempt')
export class WebhookAttemptEntity {
  @PrimaryColumn('uuid', { name: 'delivery_id' }) deliveryId: string;
  @ManyToOne(() => WebhookDeliveryEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id' })
  delivery?: WebhookDeliveryEntity;
  @PrimaryColumn('integer') attempt: number;
  @Column('timestamptz', { name: 'attempted_at' }) attemptedAt: Date;
  @Column('integer', { name: 'status_code', nullable: true }) statusCode: number | null;
  @Column('integer', { name: 'latency_ms' }) latencyMs: number;
  @Column('text', { nullable: true }) error: string | null;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt: Date | null;
}

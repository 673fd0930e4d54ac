import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageOf } from '../../common/openapi/page.dto';
import { WEBHOOK_EVENTS, type WebhookEventType } from '../webhook-events';

export const MAX_URL_LENGTH = 2048;

export class CreateWebhookDto {
  /** Where deliveries are POSTed: an http(s) URL without credentials, reaching a public address. */
  @IsString() @MinLength(1) @MaxLength(MAX_URL_LENGTH)
  url: string;

  /** What to be told about: `shipment.created`, `shipment.status_changed`, `shipment.updated`. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(WEBHOOK_EVENTS.length) @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `each value must be one of ${WEBHOOK_EVENTS.join(', ')}` })
  events: WebhookEventType[];
}

/**
 * Edits a subscription. `active: false` pauses it: while paused, no deliveries are created for it and
 * those already queued wait; `active: true` resumes it and the queued ones are sent.
 */
export class UpdateWebhookDto {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(MAX_URL_LENGTH)
  url?: string;

  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(WEBHOOK_EVENTS.length) @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `each value must be one of ${WEBHOOK_EVENTS.join(', ')}` })
  events?: WebhookEventType[];

  /** false pauses the subscription, true resumes it. */
  @IsOptional() @IsBoolean()
  active?: boolean;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'https://partner.example.org/aidtrail' })
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true, example: ['shipment.status_changed'] })
  events: string[];

  /** false while paused. */
  active: boolean;
  /** Null: every shipment; else only shipments in which this organization is donor, recipient or partner. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  organizationId: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  secretRotatedAt: string | null;
}

export class WebhookWithSecretDto extends WebhookDto {
  /** The signing secret (HMAC-SHA256 key). Shown only in this response (absent from a replay by Idempotency-Key). */
  @ApiProperty({ required: false, example: 'whsec_4qk0Cq3mV7v1h2j9Yt8sLr5nB6xWzA0dE1fG2hI3jK4' })
  secret: string;
}

export class WebhookAttemptDto {
  /** 1 for the first try. */
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 })
  attempt: number;

  @ApiProperty({ format: 'date-time' })
  attemptedAt: string;

  /** The receiver's HTTP status; null when it did not answer (timeout, refused, blocked address). */
  @ApiProperty({ type: 'integer', nullable: true, example: 204 })
  statusCode: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, example: 87 })
  latencyMs: number;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  /** When the next try was scheduled after this one; null after a success or the last try. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  /** The event's `id` in the payload: the same for every subscription that receives it. */
  @ApiProperty({ format: 'uuid' })
  eventId: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, example: 'shipment.status_changed' })
  eventType: string;

  @ApiProperty({ enum: ['pending', 'delivered', 'failed'], example: 'delivered' })
  status: string;

  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  attemptCount: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt: string | null;

  @ApiProperty({ type: () => WebhookAttemptDto, isArray: true })
  attempts: WebhookAttemptDto[];
}

export class WebhookPageDto extends PageOf(WebhookDto) {}

export class WebhookDeliveryPageDto extends PageOf(WebhookDeliveryDto) {}

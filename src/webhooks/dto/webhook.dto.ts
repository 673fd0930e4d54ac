import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
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
  id: string;
  url: string;
  events: string[];
  /** false while paused. */
  active: boolean;
  /** Null: every shipment; else only shipments in which this organization is donor, recipient or partner. */
  organizationId: string | null;
  createdAt: string;
  updatedAt: string;
  secretRotatedAt: string | null;
}

export class WebhookWithSecretDto extends WebhookDto {
  /** The signing secret (HMAC-SHA256 key). Shown only in this response. */
  secret: string;
}

export class WebhookAttemptDto {
  /** 1 for the first try. */
  attempt: number;
  attemptedAt: string;
  /** The receiver's HTTP status; null when it did not answer (timeout, refused, blocked address). */
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  /** When the next try was scheduled after this one; null after a success or the last try. */
  nextAttemptAt: string | null;
}

export class WebhookDeliveryDto {
  id: string;
  /** The event's `id` in the payload: the same for every subscription that receives it. */
  eventId: string;
  eventType: string;
  /** pending | delivered | failed */
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  createdAt: string;
  completedAt: string | null;
  attempts: WebhookAttemptDto[];
}

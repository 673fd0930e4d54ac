import type { WebhookDto } from './dto/webhook.dto';
import type { WebhookRow } from './webhooks.repository';

/** The subscription as served and as audited: never its secret. */
export function toWebhookView(row: WebhookRow): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    active: row.active,
    organizationId: row.organization_id,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    secretRotatedAt: row.secret_rotated_at?.toISOString() ?? null,
  };
}

import type { Change } from '../database/ledger-transaction';

export const WEBHOOK_EVENTS = ['shipment.created', 'shipment.status_changed', 'shipment.updated'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** A ledger change as a webhook event, before the shipment is attached. */
export interface ShipmentChangeEvent {
  type: WebhookEventType;
  shipmentId: string;
  fromStatus?: string;
  toStatus?: string;
  /** The delivery event recorded (or the `void` correction), for status changes. */
  event?: unknown;
  /** The shipment as it was, for updates (its parties also see the update that removes them). */
  before?: unknown;
}

interface StatusSnapshot {
  status?: string;
}

/**
 * Which webhook event, if any, a ledger change is. Both recording and voiding a delivery event change
 * the status; edits and creations are what their names say.
 */
export function webhookEventOf(change: Change): ShipmentChangeEvent | undefined {
  if (change.entityType !== 'shipment') return undefined;
  switch (change.action) {
    case 'shipment.created':
      return { type: 'shipment.created', shipmentId: change.entityId };
    case 'shipment.updated':
      return { type: 'shipment.updated', shipmentId: change.entityId, before: change.before };
    case 'shipment.event_recorded':
    case 'shipment.event_voided': {
      const before = change.before as StatusSnapshot | null;
      const after = change.after as { shipment?: StatusSnapshot; event?: unknown } | null;
      return {
        type: 'shipment.status_changed',
        shipmentId: change.entityId,
        fromStatus: before?.status,
        toStatus: after?.shipment?.status,
        event: after?.event,
      };
    }
    default:
      return undefined;
  }
}

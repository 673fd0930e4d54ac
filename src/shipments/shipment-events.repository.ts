import { Injectable } from '@nestjs/common';
import { isoTimestamp } from '../common/sql';
import type { LedgerTransaction } from '../database/ledger-transaction';
import { Database } from '../database/sql/database';
import type { EventView } from './shipment.views';

/** An event as served. */
const EVENT_JSON = `json_build_object(
  'id', e.id, 'shipmentId', e.shipment_id, 'type', e.type, 'fromStatus', e.from_status, 'toStatus', e.to_status,
  'occurredAt', ${isoTimestamp('e.occurred_at')}, 'recordedAt', ${isoTimestamp('e.recorded_at')},
  'location', e.location, 'note', e.note, 'receipt', e.receipt, 'evidence', e.evidence, 'actor', e.actor,
  'voidsEventId', e.voids_event_id, 'voidedAt', ${isoTimestamp('e.voided_at')}, 'voidReason', e.void_reason)`;

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** A shipment's delivery events, in the order recorded (shipment_event). */
@Injectable()
export class ShipmentEventsRepository {
  constructor(private readonly database: Database) {}

  /** The latest event that is neither voided nor itself a void: the one a new event follows. */
  async latestEffective(tx: LedgerTransaction, shipmentId: string): Promise<EventView | undefined> {
    const [row] = await tx.query<{ event: EventView }>(
      `SELECT ${EVENT_JSON} AS event FROM shipment_event e
        WHERE e.shipment_id = $1 AND e.voided_at IS NULL AND e.type <> 'void'
        ORDER BY e.position DESC LIMIT 1`,
      [shipmentId],
    );
    return row?.event;
  }

  async insert(tx: LedgerTransaction, event: Omit<EventView, 'voidedAt' | 'voidReason'>): Promise<EventView> {
    const [row] = await tx.query<{ event: EventView }>(
      `WITH e AS (
         INSERT INTO shipment_event (id, shipment_id, position, type, from_status, to_status, occurred_at, recorded_at,
                                     location, note, receipt, evidence, actor, voids_event_id)
         SELECT $1, $2, coalesce(max(position), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
           FROM shipment_event WHERE shipment_id = $2
         RETURNING *)
       SELECT ${EVENT_JSON} AS event FROM e`,
      [
        event.id, event.shipmentId, event.type, event.fromStatus, event.toStatus, event.occurredAt, event.recordedAt,
        json(event.location), event.note, json(event.receipt), json(event.evidence), JSON.stringify(event.actor),
        event.voidsEventId,
      ],
    );
    return row.event;
  }

  async markVoided(tx: LedgerTransaction, eventId: string, voidedAt: string, reason: string): Promise<EventView> {
    const [row] = await tx.query<{ event: EventView }>(
      `WITH e AS (UPDATE shipment_event SET voided_at = $2, void_reason = $3 WHERE id = $1 RETURNING *)
       SELECT ${EVENT_JSON} AS event FROM e`,
      [eventId, voidedAt, reason],
    );
    return row.event;
  }

  async find(tx: LedgerTransaction, shipmentId: string, eventId: string): Promise<EventView | undefined> {
    const [row] = await tx.query<{ event: EventView }>(
      `SELECT ${EVENT_JSON} AS event FROM shipment_event e WHERE e.shipment_id = $1 AND e.id = $2`,
      [shipmentId, eventId],
    );
    return row?.event;
  }

  /** The timeline, oldest first, keyset on the event's position. */
  async timeline(shipmentId: string, limit: number, afterPosition: number): Promise<Array<{ event: EventView; position: number }>> {
    return this.database.query(
      `SELECT ${EVENT_JSON} AS event, e.position FROM shipment_event e
        WHERE e.shipment_id = $1 AND e.position > $2 ORDER BY e.position LIMIT $3`,
      [shipmentId, afterPosition, limit],
    );
  }
}

import { Injectable } from '@nestjs/common';
import QueryStream from 'pg-query-stream';
import { isoTimestamp, SqlParams } from '../../common/sql';
import { Database } from '../../database/sql/database';
import type { ShipmentFilterDto } from '../../shipments/dto/list-shipments-query.dto';
import { shipmentFilterConditions } from '../../shipments/shipment-filters';
import { visibleTo } from '../../shipments/shipment-scope';

/** Shipments per fetch from the cursor: each row carries all its lines. */
export const IATI_BATCH = 100;

const organization = (alias: string) =>
  `json_build_object('id', ${alias}.id, 'name', ${alias}.name, 'type', ${alias}.type,
   'countryCode', ${alias}.country_code, 'iatiIdentifier', ${alias}.iati_identifier)`;
const organizationById = (column: string) =>
  `(SELECT ${organization('o')} FROM organization o WHERE o.id = ${column})`;

/** When the shipment's effective (not voided) event of this type occurred; the latest, should there be two. */
const effectiveEventAt = (type: string) =>
  `(SELECT ${isoTimestamp('e.occurred_at')} FROM shipment_event e
     WHERE e.shipment_id = s.id AND e.type = ${type} AND e.voided_at IS NULL
     ORDER BY e.position DESC LIMIT 1)`;

/** A shipment as IatiSourceShipment (iati-activity.mapper.ts); numerics and dates as text. */
const SHIPMENT_JSON = `json_build_object(
  'reference', s.reference, 'title', s.title, 'status', s.status,
  'donor', ${organizationById('s.donor_id')}, 'recipient', ${organizationById('s.recipient_id')},
  'partners', coalesce((SELECT json_agg(${organization('o')} ORDER BY sp.position)
                          FROM shipment_partner sp JOIN organization o ON o.id = sp.organization_id
                         WHERE sp.shipment_id = s.id), '[]'::json),
  'destinationCountry', rtrim(s.destination_country), 'emergency', s.emergency,
  'plannedDispatchDate', s.planned_dispatch_date::text, 'expectedArrivalDate', s.expected_arrival_date::text,
  'dispatchedAt', ${effectiveEventAt(`'dispatched'`)},
  'endedAt', CASE WHEN s.status IN ('delivered', 'lost', 'cancelled') THEN ${effectiveEventAt('s.status')} END,
  'createdAt', ${isoTimestamp('s.created_at')}, 'updatedAt', ${isoTimestamp('s.updated_at')},
  'declaredValue', coalesce(s.totals -> 'declaredValue', '[]'::jsonb),
  'items', coalesce((SELECT json_agg(json_build_object(
      'lineNo', i.line_no, 'description', i.description, 'category', i.category, 'quantity', i.quantity::text,
      'unit', i.unit, 'batchNumber', i.batch_number, 'expiryDate', i.expiry_date::text) ORDER BY i.line_no)
    FROM shipment_item i WHERE i.shipment_id = s.id), '[]'::json))`;

/**
 * The IATI export's statement: one row per shipment the filter and scope admit, oldest first, as
 * [shipment JSON, skipped], where `skipped` counts the admitted shipments whose donor has no IATI
 * identifier. That count is an uncorrelated subquery, so PostgreSQL computes it once (an InitPlan), before
 * the first row, and in the same snapshot: the service can put it in a header before it streams the body.
 * The shipments are chosen and ordered in a subquery of their own and each one's JSON is built above it,
 * row by row as the cursor is read: where the order needs a sort (a partner's bitmap of shipments), it
 * sorts shipment rows, not documents of a thousand lines each.
 */
export function iatiActivitiesQuery(
  filter: ShipmentFilterDto,
  scope: string | null,
): { sql: string; values: unknown[] } {
  const params = new SqlParams();
  const conditions = [visibleTo(params, scope, 'many'), ...shipmentFilterConditions(params, filter)].join(
    ' AND ',
  );
  const sql = `SELECT ${SHIPMENT_JSON} AS shipment,
                      (SELECT count(*) FROM shipment s JOIN organization d ON d.id = s.donor_id
                        WHERE d.iati_identifier IS NULL AND ${conditions})::text AS skipped
                 FROM (SELECT s.* FROM shipment s WHERE ${conditions} ORDER BY s.created_at, s.id) s
                ORDER BY s.created_at, s.id`;
  return { sql, values: params.values };
}

/** A running IATI query: rows as [shipment, skipped]. */
export interface IatiCursor {
  rows: QueryStream;
  /** Returns the connection to the pool, or discards it when the stream failed or was cut short. */
  release(failed: boolean): void;
}

@Injectable()
export class IatiActivitiesRepository {
  constructor(private readonly database: Database) {}

  /** The shipments from a server-side cursor, IATI_BATCH at a time, as the client reads (see Database.longRead). */
  async open(filter: ShipmentFilterDto, scope: string | null): Promise<IatiCursor> {
    const { sql, values } = iatiActivitiesQuery(filter, scope);
    const read = await this.database.longRead(sql, values, IATI_BATCH);
    return { rows: read.rows, release: (failed) => void read.close(failed) };
  }
}

import { Injectable } from '@nestjs/common';
import QueryStream from 'pg-query-stream';
import { isoTimestamp, SqlParams } from '../common/sql';
import { Database } from '../database/sql/database';
import type { ShipmentFilterDto } from '../shipments/dto/list-shipments-query.dto';
import { shipmentFilterConditions } from '../shipments/shipment-filters';
import { visibleTo } from '../shipments/shipment-scope';
import { MANIFEST_COLUMNS, ManifestColumn } from './manifest-columns';

/** Each manifest column as text, so every cell leaves PostgreSQL exactly as stored (decimals, dates). */
const MANIFEST_SQL: Record<ManifestColumn, string> = {
  shipmentKey: 's.id::text',
  reference: 's.reference',
  title: 's.title',
  donorId: 's.donor_id::text',
  donorName: 'd.name',
  recipientId: 's.recipient_id::text',
  recipientName: 'r.name',
  originCountry: 'rtrim(s.origin_country)',
  originLocation: 's.origin_location',
  destinationCountry: 'rtrim(s.destination_country)',
  destinationLocation: 's.destination_location',
  status: 's.status',
  transportMode: 's.transport_mode',
  emergency: 's.emergency',
  priority: 's.priority',
  plannedDispatchDate: 's.planned_dispatch_date::text',
  expectedArrivalDate: 's.expected_arrival_date::text',
  lineNo: 'i.line_no::text',
  description: 'i.description',
  category: 'i.category',
  quantity: 'i.quantity::text',
  unit: 'i.unit',
  unitValue: 'i.unit_value::text',
  currency: 'rtrim(i.currency)',
  itemCode: 'i.item_code',
  batchNumber: 'i.batch_number',
  expiryDate: 'i.expiry_date::text',
  weightKg: 'i.weight_kg::text',
  volumeM3: 'i.volume_m3::text',
  quantityReceived: 'i.quantity_received::text',
  quantityDamaged: 'i.quantity_damaged::text',
  createdAt: isoTimestamp('s.created_at'),
};

/** Manifest lines per fetch from the cursor. */
/** Rows per fetch of the manifest's cursor (also the benchmark's raw side). */
export const MANIFEST_BATCH = 1000;

/** The manifest's statement (also run by the benchmark's raw side). */
export function manifestQuery(
  filter: ShipmentFilterDto,
  scope: string | null,
): { sql: string; values: unknown[] } {
  const params = new SqlParams();
  const conditions = [visibleTo(params, scope, 'many'), ...shipmentFilterConditions(params, filter)];
  const sql = `SELECT ${MANIFEST_COLUMNS.map((column) => MANIFEST_SQL[column.name]).join(', ')}
                 FROM shipment s
                 JOIN organization d ON d.id = s.donor_id
                 JOIN organization r ON r.id = s.recipient_id
                 JOIN shipment_item i ON i.shipment_id = s.id
                WHERE ${conditions.join(' AND ')}
                ORDER BY s.created_at, s.id, i.line_no`;
  return { sql, values: params.values };
}

/** A running manifest query: rows as arrays of text cells (null for empty), in MANIFEST_COLUMNS order. */
export interface ManifestCursor {
  rows: QueryStream;
  /** Returns the connection to the pool, or discards it when the stream failed or was cut short. */
  release(failed: boolean): void;
}

@Injectable()
export class ExportsRepository {
  constructor(private readonly database: Database) {}

  /**
   * The manifest lines of the shipments the filter and scope admit, oldest shipment first, from a
   * server-side cursor (pg-query-stream fetches `batchSize` rows at a time, as the client reads), so a
   * million lines take the memory of one batch. One statement, so one snapshot: the file is consistent.
   * The order walks the shipment_created_keyset index (created_at, id), each shipment's lines through
   * shipment_item_line (shipment_id, line_no).
   */
  async openManifest(filter: ShipmentFilterDto, scope: string | null): Promise<ManifestCursor> {
    const { sql, values } = manifestQuery(filter, scope);
    const read = await this.database.longRead(sql, values, MANIFEST_BATCH);
    return { rows: read.rows, release: (failed) => void read.close(failed) };
  }
}

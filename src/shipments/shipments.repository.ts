import { Injectable } from '@nestjs/common';
import type { Keyset } from '../common/cursor';
import { isoTimestamp, SqlParams } from '../common/sql';
import type { LedgerTransaction } from '../database/ledger-transaction';
import { Database } from '../database/sql/database';
import type { SqlRunner } from '../database/sql/sql-runner';
import type { ShipmentFilterDto, ShipmentSort } from './dto/list-shipments-query.dto';
import { shipmentFilterConditions } from './shipment-filters';
import { ShipmentItemRecord, ShipmentItemsRepository } from './shipment-items.repository';
import { ShipmentPartnersRepository } from './shipment-partners.repository';
import { generatedReference } from './shipment-reference';
import { visibleTo } from './shipment-scope';
import { textSearchPage } from './shipment-text-search';
import type { ShipmentTotals } from './shipment-totals';
import type { ItemView, ShipmentSummaryView } from './shipment.views';

/** A shipment's columns as the service writes them. */
export interface ShipmentRecord {
  id: string;
  reference: string | null;
  title: string | null;
  donorId: string;
  recipientId: string;
  partnerIds: string[];
  originCountry: string;
  originLocation: string | null;
  destinationCountry: string;
  destinationLocation: string | null;
  transportMode: string | null;
  emergency: string | null;
  priority: string;
  plannedDispatchDate: string | null;
  expectedArrivalDate: string | null;
  totals: ShipmentTotals;
  items: ShipmentItemRecord[];
}

/** What the lifecycle needs of a locked shipment. */
export interface LockedShipment {
  id: string;
  status: string;
  version: number;
}

const organizationRef = (alias: string) => `json_build_object('id', ${alias}.id, 'name', ${alias}.name)`;

const ITEMS_JSON = `coalesce((SELECT json_agg(json_build_object(
  'id', i.id, 'lineNo', i.line_no, 'description', i.description, 'category', i.category,
  'quantity', i.quantity::text, 'unit', i.unit, 'unitValue', i.unit_value::text, 'currency', i.currency,
  'itemCode', i.item_code, 'batchNumber', i.batch_number, 'expiryDate', i.expiry_date,
  'weightKg', i.weight_kg::text, 'volumeM3', i.volume_m3::text,
  'quantityReceived', i.quantity_received::text, 'quantityDamaged', i.quantity_damaged::text) ORDER BY i.line_no)
  FROM shipment_item i WHERE i.shipment_id = s.id), '[]'::json)`;

/**
 * The JSON of a shipment as served, less `warnings`, with either its `items` (one shipment) or its
 * `lineCount` (lists). Numerics travel as text, never as JSON numbers.
 */
const shipmentJson = (detail: 'items' | 'lineCount') => `json_build_object(
  'id', s.id, 'reference', s.reference, 'title', s.title, 'status', s.status, 'version', s.version,
  'donor', (SELECT ${organizationRef('d')} FROM organization d WHERE d.id = s.donor_id),
  'recipient', (SELECT ${organizationRef('r')} FROM organization r WHERE r.id = s.recipient_id),
  'partners', coalesce((SELECT json_agg(${organizationRef('o')} ORDER BY sp.position)
                          FROM shipment_partner sp JOIN organization o ON o.id = sp.organization_id
                         WHERE sp.shipment_id = s.id), '[]'::json),
  'origin', json_build_object('countryCode', rtrim(s.origin_country), 'location', s.origin_location),
  'destination', json_build_object('countryCode', rtrim(s.destination_country), 'location', s.destination_location),
  'transportMode', s.transport_mode, 'emergency', s.emergency, 'priority', s.priority,
  'plannedDispatchDate', s.planned_dispatch_date, 'expectedArrivalDate', s.expected_arrival_date,
  ${detail === 'items' ? `'items', ${ITEMS_JSON}` : `'lineCount', s.line_count`}, 'totals', s.totals,
  'createdAt', ${isoTimestamp('s.created_at')}, 'updatedAt', ${isoTimestamp('s.updated_at')})`;

/**
 * Donor and recipient names are subqueries of the JSON, not joins: PostgreSQL then looks them up only for
 * the rows a list page returns, after its LIMIT. As joins, they were planned from the row estimate of
 * the filters, and a partner's page at a million shipments (estimated 10 rows, 5,000 actual) joined
 * every candidate row against every organization: 430 ms for page 1 (bench, scale section).
 */
const FROM_SHIPMENT = `shipment s`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A path segment that no stored reference can equal (PostgreSQL refuses NUL in text with a 500) matches nothing. */
const couldBeReference = (value: string) => value.length <= 64 && !value.includes('\u0000') && value.isWellFormed();

const byIdOrReference = (params: SqlParams, idOrReference: string) =>
  UUID.test(idOrReference)
    ? `s.id = ${params.add(idOrReference)}`
    : couldBeReference(idOrReference)
      ? `s.reference = ${params.add(idOrReference)}`
      : 'false';

/** Shipments (shipment), with their partners and lines as one aggregate for writes. */
@Injectable()
export class ShipmentsRepository {
  constructor(
    private readonly database: Database,
    private readonly partners: ShipmentPartnersRepository,
    private readonly items: ShipmentItemsRepository,
  ) {}

  /** The shipment with items, or undefined when absent or outside the caller's scope. */
  async findView(
    idOrReference: string,
    scope: string | null,
    runner: SqlRunner = this.database,
  ): Promise<(ShipmentSummaryView & { items: ItemView[] }) | undefined> {
    const params = new SqlParams();
    const [row] = await runner.query<{ shipment: ShipmentSummaryView & { items: ItemView[] } }>(
      `SELECT ${shipmentJson('items')} AS shipment
         FROM ${FROM_SHIPMENT} WHERE ${byIdOrReference(params, idOrReference)} AND ${visibleTo(params, scope)}`,
      params.values,
    );
    return row?.shipment;
  }

  /** The shipment's id when it exists within the caller's scope. */
  async findId(idOrReference: string, scope: string | null): Promise<string | undefined> {
    const params = new SqlParams();
    const [row] = await this.database.query<{ id: string }>(
      `SELECT s.id FROM shipment s WHERE ${byIdOrReference(params, idOrReference)} AND ${visibleTo(params, scope)}`,
      params.values,
    );
    return row?.id;
  }

  /** Those of `references` that shipments already have. */
  async takenReferences(references: string[]): Promise<Set<string>> {
    const rows = await this.database.query<{ reference: string }>('SELECT reference FROM shipment WHERE reference = ANY($1::text[])', [
      references,
    ]);
    return new Set(rows.map((row) => row.reference));
  }

  /** Locks the shipment row for a lifecycle change or an edit; concurrent changes queue behind it. */
  async lock(tx: LedgerTransaction, idOrReference: string, scope: string | null): Promise<LockedShipment | undefined> {
    const params = new SqlParams();
    const [row] = await tx.query<LockedShipment>(
      `SELECT s.id, s.status, s.version FROM shipment s
        WHERE ${byIdOrReference(params, idOrReference)} AND ${visibleTo(params, scope)} FOR UPDATE OF s`,
      params.values,
    );
    return row;
  }

  async insert(tx: LedgerTransaction, shipment: ShipmentRecord, now: string): Promise<string> {
    const [row] = await tx.query<{ reference: string }>(
      `INSERT INTO shipment (id, reference, title, status, version, donor_id, recipient_id, origin_country, origin_location,
                             destination_country, destination_location, transport_mode, emergency, priority,
                             planned_dispatch_date, expected_arrival_date, line_count, totals, created_at, updated_at)
       VALUES ($1, coalesce($2, ${generatedReference('$17::timestamptz')}),
               $3, 'planned', 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
       RETURNING reference`,
      [...this.shipmentColumns(shipment), now],
    );
    await this.partners.insert(tx, shipment.id, shipment.partnerIds);
    await this.items.insert(tx, shipment.id, shipment.items);
    return row.reference;
  }

  /** Rewrites an edited (still planned) shipment: columns, partners and all lines. */
  async replace(tx: LedgerTransaction, shipment: ShipmentRecord & { reference: string }, now: string): Promise<void> {
    await tx.query(
      `UPDATE shipment SET reference = $2, title = $3, donor_id = $4, recipient_id = $5, origin_country = $6,
              origin_location = $7, destination_country = $8, destination_location = $9, transport_mode = $10,
              emergency = $11, priority = $12, planned_dispatch_date = $13, expected_arrival_date = $14,
              line_count = $15, totals = $16, version = version + 1, updated_at = $17
        WHERE id = $1`,
      [...this.shipmentColumns(shipment), now],
    );
    await this.partners.deleteAll(tx, shipment.id);
    await this.items.deleteAll(tx, shipment.id);
    await this.partners.insert(tx, shipment.id, shipment.partnerIds);
    await this.items.insert(tx, shipment.id, shipment.items);
  }

  private shipmentColumns(s: ShipmentRecord): unknown[] {
    return [
      s.id, s.reference, s.title, s.donorId, s.recipientId, s.originCountry, s.originLocation, s.destinationCountry,
      s.destinationLocation, s.transportMode, s.emergency, s.priority, s.plannedDispatchDate, s.expectedArrivalDate,
      s.items.length, JSON.stringify(s.totals),
    ];
  }

  async list(
    filter: ShipmentFilterDto,
    scope: string | null,
    sort: ShipmentSort,
    limit: number,
    after?: Keyset,
  ): Promise<Array<{ shipment: ShipmentSummaryView; cursor_value: string }>> {
    const params = new SqlParams();
    const column = sort.endsWith('updatedAt') ? 's.updated_at' : 's.created_at';
    const descending = sort.startsWith('-');
    const conditions = [visibleTo(params, scope, 'many'), ...shipmentFilterConditions(params, { ...filter, q: undefined })];
    if (after) {
      conditions.push(
        `(${column}, s.id) ${descending ? '<' : '>'} (${params.add(after.value)}::timestamptz, ${params.add(after.id)}::uuid)`,
      );
    }
    const direction = descending ? 'DESC' : 'ASC';
    const order = `ORDER BY ${column} ${direction}, s.id ${direction}`;
    const rows = params.add(limit);
    const page = (from: string, where: string[]) =>
      `SELECT ${shipmentJson('lineCount')} AS shipment, ${isoTimestamp(column)} AS cursor_value, ${column} AS sort_at, s.id AS sort_id
         FROM ${from}
        WHERE ${where.join(' AND ')}
        ${order} LIMIT ${rows}`;
    if (!filter.q) return this.database.query(page(FROM_SHIPMENT, conditions), params.values);
    return this.database.query(textSearchPage(params, filter.q, { conditions, order, direction, page }, rows), params.values);
  }

  async setStatus(tx: LedgerTransaction, shipmentId: string, status: string, now: string): Promise<LockedShipment> {
    const [row] = await tx.query<LockedShipment>(
      `UPDATE shipment SET status = $2, version = version + 1, updated_at = $3 WHERE id = $1 RETURNING id, status, version`,
      [shipmentId, status, now],
    );
    return row;
  }
}

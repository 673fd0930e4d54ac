import { Injectable } from '@nestjs/common';
import type { Keyset } from '../common/cursor';
import { escapeLike, isoTimestamp, SqlParams } from '../common/sql';
import type { LedgerTransaction } from '../database/ledger-transaction';
import { Database } from '../database/sql/database';
import type { SqlRunner } from '../database/sql/sql-runner';
import type { ShipmentFilterDto, ShipmentSort } from './dto/list-shipments-query.dto';
import type { LineBalance } from './receipt';
import type { ShipmentTotals } from './shipment-totals';
import type { EventView, ItemView, ShipmentSummaryView } from './shipment.views';

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
  items: Array<Omit<ItemView, 'quantityReceived' | 'quantityDamaged'>>;
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

const EVENT_JSON = `json_build_object(
  'id', e.id, 'shipmentId', e.shipment_id, 'type', e.type, 'fromStatus', e.from_status, 'toStatus', e.to_status,
  'occurredAt', ${isoTimestamp('e.occurred_at')}, 'recordedAt', ${isoTimestamp('e.recorded_at')},
  'location', e.location, 'note', e.note, 'receipt', e.receipt, 'evidence', e.evidence, 'actor', e.actor,
  'voidsEventId', e.voids_event_id, 'voidedAt', ${isoTimestamp('e.voided_at')}, 'voidReason', e.void_reason)`;

/**
 * The next reference number: six digits, more once a million have been given out (lpad would cut
 * 1000000 to 100000, a duplicate). A plain expression, evaluated per row; shared with the bench's bulk load.
 */
export const REFERENCE_NUMBER = `to_char(nextval('shipment_reference_seq'), 'FM999999999999000000')`;

/**
 * Donor and recipient names are subqueries of the JSON, not joins: PostgreSQL then looks them up only for
 * the rows a list page returns, after its LIMIT. As joins, they were planned from the row estimate of
 * the filters, and a partner's page at a million shipments (estimated 10 rows, 5,000 actual) joined
 * every candidate row against every organization: 430 ms for page 1 (bench, scale section).
 */
const FROM_SHIPMENT = `shipment s`;

/**
 * The organization-scope rule in SQL: a scoped caller sees a shipment only when its organization is
 * the donor, the recipient or a partner. Everything a scoped caller reads or writes passes through it.
 * `rows: 'many'` for lists (see involves).
 */
export function visibleTo(params: SqlParams, scope: string | null, rows: 'one' | 'many' = 'one'): string {
  if (!scope) return 'TRUE';
  return involves(params.add(scope), rows);
}

/**
 * Organization `org` (a placeholder) is donor, recipient or partner of shipment `s`. For one shipment the
 * partner test probes shipment_partner by key. Over many, the organization's partner rows are read once
 * (an InitPlan), so that PostgreSQL can OR the three tests as one bitmap of the organization's shipments;
 * with a correlated EXISTS it could only walk the created_at index and test each row, and a page then
 * cost the whole table for an organization with few shipments (bench: scale section).
 */
function involves(org: string, rows: 'one' | 'many'): string {
  const partner =
    rows === 'one'
      ? `EXISTS (SELECT 1 FROM shipment_partner vp WHERE vp.shipment_id = s.id AND vp.organization_id = ${org})`
      : `s.id = ANY(ARRAY(SELECT vp.shipment_id FROM shipment_partner vp WHERE vp.organization_id = ${org}))`;
  return `(s.donor_id = ${org} OR s.recipient_id = ${org} OR ${partner})`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A path segment that no stored reference can equal (PostgreSQL refuses NUL in text with a 500) matches nothing. */
const couldBeReference = (value: string) => value.length <= 64 && !value.includes('\u0000') && value.isWellFormed();

const byIdOrReference = (params: SqlParams, idOrReference: string) =>
  UUID.test(idOrReference)
    ? `s.id = ${params.add(idOrReference)}`
    : couldBeReference(idOrReference)
      ? `s.reference = ${params.add(idOrReference)}`
      : 'false';

@Injectable()
export class ShipmentsRepository {
  constructor(private readonly database: Database) {}

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
       VALUES ($1, coalesce($2, 'SHP-' || to_char($17::timestamptz AT TIME ZONE 'UTC', 'YYYY') || '-'
                                || ${REFERENCE_NUMBER}),
               $3, 'planned', 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
       RETURNING reference`,
      [...this.shipmentColumns(shipment), now],
    );
    await this.insertPartners(tx, shipment.id, shipment.partnerIds);
    await this.insertItems(tx, shipment.id, shipment.items);
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
    await tx.query('DELETE FROM shipment_partner WHERE shipment_id = $1', [shipment.id]);
    await tx.query('DELETE FROM shipment_item WHERE shipment_id = $1', [shipment.id]);
    await this.insertPartners(tx, shipment.id, shipment.partnerIds);
    await this.insertItems(tx, shipment.id, shipment.items);
  }

  private shipmentColumns(s: ShipmentRecord): unknown[] {
    return [
      s.id, s.reference, s.title, s.donorId, s.recipientId, s.originCountry, s.originLocation, s.destinationCountry,
      s.destinationLocation, s.transportMode, s.emergency, s.priority, s.plannedDispatchDate, s.expectedArrivalDate,
      s.items.length, JSON.stringify(s.totals),
    ];
  }

  private async insertPartners(tx: LedgerTransaction, shipmentId: string, partnerIds: string[]): Promise<void> {
    if (partnerIds.length === 0) return;
    await tx.query(
      `INSERT INTO shipment_partner (shipment_id, organization_id, position)
       SELECT $1, organization_id, position - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS p(organization_id, position)`,
      [shipmentId, partnerIds],
    );
  }

  /** All lines in one statement: each column travels as one array, numerics as text. */
  private async insertItems(tx: LedgerTransaction, shipmentId: string, items: ShipmentRecord['items']): Promise<void> {
    const column = <K extends keyof ShipmentRecord['items'][number]>(key: K) => items.map((item) => item[key]);
    await tx.query(
      `INSERT INTO shipment_item (id, shipment_id, line_no, description, category, quantity, unit, unit_value, currency,
                                  item_code, batch_number, expiry_date, weight_kg, volume_m3)
       SELECT id, $1, line_no, description, category, quantity, unit, unit_value, currency, item_code, batch_number,
              expiry_date, weight_kg, volume_m3
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::numeric[], $9::text[],
                     $10::text[], $11::text[], $12::date[], $13::numeric[], $14::numeric[])
           AS t(id, line_no, description, category, quantity, unit, unit_value, currency, item_code, batch_number,
                expiry_date, weight_kg, volume_m3)`,
      [
        shipmentId,
        column('id'), column('lineNo'), column('description'), column('category'), column('quantity'), column('unit'),
        column('unitValue'), column('currency'), column('itemCode'), column('batchNumber'), column('expiryDate'),
        column('weightKg'), column('volumeM3'),
      ],
    );
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

    // Text search has two good plans, and which one depends on how common the text is: a common text is
    // found soonest by walking the shipments in list order and testing each, a rare one by collecting its
    // few hits through the trigram indexes and sorting them. Three steps, in one statement (one snapshot),
    // each later one behind a one-time test of the earlier ones, so only what is needed runs:
    //  1. walk the first SEARCH_WALK shipments in order: a full page there is the answer (a common text);
    //  2. else count the hits through the trigram indexes, up to FEW_SEARCH_HITS: if that is all of them,
    //     collect and sort them (a rare text);
    //  3. else the text is common but not among the newest: walk on, testing each shipment.
    // A GIN index lists every match of a text before a LIMIT can stop it, so step 2 costs in proportion
    // to how common the text is (75 ms for 'rehydration', 200,000 lines at a million shipments); step 1
    // spares the usual case that cost.
    const pattern = params.add(`%${escapeLike(filter.q)}%`);
    const walkedFrom = `(SELECT * FROM shipment s WHERE ${conditions.join(' AND ')} ${order} LIMIT ${SEARCH_WALK}) s`;
    const notFilled = 'NOT (SELECT page FROM filled)';
    return this.database.query(
      `WITH walked AS MATERIALIZED (${page(walkedFrom, [textSearchRow(pattern)])}),
            filled AS MATERIALIZED (SELECT count(*) >= ${rows} AS page FROM walked),
            hits AS MATERIALIZED (SELECT id FROM (${textSearchHits(pattern)}) h WHERE ${notFilled} LIMIT ${FEW_SEARCH_HITS + 1}),
            few AS MATERIALIZED (SELECT count(*) <= ${FEW_SEARCH_HITS} AS hits FROM hits)
       SELECT shipment, cursor_value FROM (
         (SELECT * FROM walked WHERE (SELECT page FROM filled))
         UNION ALL
         (${page(FROM_SHIPMENT, [notFilled, '(SELECT hits FROM few)', ...conditions, 's.id IN (SELECT id FROM hits)'])})
         UNION ALL
         (${page(FROM_SHIPMENT, [notFilled, 'NOT (SELECT hits FROM few)', ...conditions, textSearchRow(pattern)])})
       ) found ORDER BY sort_at ${direction}, sort_id ${direction}`,
      params.values,
    );
  }

  async lineBalances(tx: LedgerTransaction, shipmentId: string): Promise<LineBalance[]> {
    return tx.query<LineBalance>(
      `SELECT id, line_no AS "lineNo", quantity::text AS quantity, quantity_received::text AS "quantityReceived",
              quantity_damaged::text AS "quantityDamaged"
         FROM shipment_item WHERE shipment_id = $1 ORDER BY line_no`,
      [shipmentId],
    );
  }

  async saveLineBalances(tx: LedgerTransaction, lines: LineBalance[]): Promise<void> {
    await tx.query(
      `UPDATE shipment_item i SET quantity_received = b.received, quantity_damaged = b.damaged
         FROM unnest($1::uuid[], $2::numeric[], $3::numeric[]) AS b(id, received, damaged) WHERE i.id = b.id`,
      [lines.map((l) => l.id), lines.map((l) => l.quantityReceived), lines.map((l) => l.quantityDamaged)],
    );
  }

  async setStatus(tx: LedgerTransaction, shipmentId: string, status: string, now: string): Promise<LockedShipment> {
    const [row] = await tx.query<LockedShipment>(
      `UPDATE shipment SET status = $2, version = version + 1, updated_at = $3 WHERE id = $1 RETURNING id, status, version`,
      [shipmentId, status, now],
    );
    return row;
  }

  /** The latest event that is neither voided nor itself a void: the one a new event follows. */
  async latestEffectiveEvent(tx: LedgerTransaction, shipmentId: string): Promise<EventView | undefined> {
    const [row] = await tx.query<{ event: EventView }>(
      `SELECT ${EVENT_JSON} AS event FROM shipment_event e
        WHERE e.shipment_id = $1 AND e.voided_at IS NULL AND e.type <> 'void'
        ORDER BY e.position DESC LIMIT 1`,
      [shipmentId],
    );
    return row?.event;
  }

  async insertEvent(
    tx: LedgerTransaction,
    event: Omit<EventView, 'voidedAt' | 'voidReason'>,
  ): Promise<EventView> {
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

  async findEvent(tx: LedgerTransaction, shipmentId: string, eventId: string): Promise<EventView | undefined> {
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

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** The searched texts of a shipment and of a line; each has a trigram GIN index on exactly this expression. */
const SHIPMENT_TEXT = (alias: string) => `(${alias}.reference || ' ' || coalesce(${alias}.title, ''))`;
const LINE_TEXT = (alias: string) =>
  `(${alias}.description || ' ' || coalesce(${alias}.item_code, '') || ' ' || coalesce(${alias}.batch_number, ''))`;

/** Ids of the shipments whose reference, title or a line's text contains `pattern`, found through the
 * trigram indexes (one id per matching shipment or line, so an id may repeat). */
const textSearchHits = (pattern: string) =>
  `SELECT qs.id FROM shipment qs WHERE ${SHIPMENT_TEXT('qs')} ILIKE ${pattern}
   UNION ALL
   SELECT qi.shipment_id FROM shipment_item qi WHERE ${LINE_TEXT('qi')} ILIKE ${pattern}`;

/**
 * The same test, row by row, for walking shipments in list order. OFFSET 0 keeps PostgreSQL from turning
 * the EXISTS into a hashed subplan, which would first collect every matching line (seconds for a common
 * word at a million shipments) when a page needs only the first few dozen.
 */
const textSearchRow = (pattern: string) =>
  `(${SHIPMENT_TEXT('s')} ILIKE ${pattern}
    OR EXISTS (SELECT 1 FROM shipment_item fq WHERE fq.shipment_id = s.id AND ${LINE_TEXT('fq')} ILIKE ${pattern} OFFSET 0))`;

/** Shipments a text search walks in list order before it looks at how many hits the text has (step 1). */
const SEARCH_WALK = 2000;

/**
 * Hits up to which a text counts as rare and its hits are collected and sorted (step 2). Collecting
 * costs one lookup per hit; walking costs about page size × shipments / hits tests: the two meet near
 * sqrt(51 × 1,000,000) ≈ 7,000 hits at a million shipments, and counting is itself bounded by this.
 */
const FEW_SEARCH_HITS = 2000;

/** The shipment filters as SQL conditions on alias `s`; shared with reports and exports. */
export function shipmentFilterConditions(params: SqlParams, filter: ShipmentFilterDto): string[] {
  const conditions: string[] = [];
  if (filter.status?.length) conditions.push(`s.status = ANY(${params.add(filter.status)}::text[])`);
  if (filter.donorId) conditions.push(`s.donor_id = ${params.add(filter.donorId)}`);
  if (filter.recipientId) conditions.push(`s.recipient_id = ${params.add(filter.recipientId)}`);
  if (filter.organizationId) conditions.push(involves(params.add(filter.organizationId), 'many'));
  if (filter.category) {
    conditions.push(`EXISTS (SELECT 1 FROM shipment_item fc WHERE fc.shipment_id = s.id AND fc.category = ${params.add(filter.category)})`);
  }
  if (filter.originCountry) conditions.push(`s.origin_country = ${params.add(filter.originCountry.toUpperCase())}`);
  if (filter.destinationCountry) {
    conditions.push(`s.destination_country = ${params.add(filter.destinationCountry.toUpperCase())}`);
  }
  if (filter.emergency) conditions.push(`lower(s.emergency) = lower(${params.add(filter.emergency)})`);
  if (filter.q) {
    const pattern = params.add(`%${escapeLike(filter.q)}%`);
    conditions.push(`s.id IN (${textSearchHits(pattern)})`);
  }
  if (filter.createdFrom) {
    conditions.push(
      /^\d{4}-\d{2}-\d{2}$/.test(filter.createdFrom)
        ? `s.created_at >= ${params.add(filter.createdFrom)}::date::timestamp AT TIME ZONE 'UTC'`
        : `s.created_at >= ${params.add(filter.createdFrom)}::timestamptz`,
    );
  }
  if (filter.createdTo) {
    // A bare date includes that whole day (UTC); a timestamp is an inclusive bound.
    conditions.push(
      /^\d{4}-\d{2}-\d{2}$/.test(filter.createdTo)
        ? `s.created_at < (${params.add(filter.createdTo)}::date + 1)::timestamp AT TIME ZONE 'UTC'`
        : `s.created_at <= ${params.add(filter.createdTo)}::timestamptz`,
    );
  }
  if (filter.updatedSince) conditions.push(`s.updated_at >= ${params.add(filter.updatedSince)}::timestamptz`);
  return conditions;
}

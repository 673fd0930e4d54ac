/**
 * The statements the service sends for the measured operations, as SQL text of the bench's own: the raw
 * twins (raw-sql.ts) run them over a bare pg pool, so the comparison is the same work without HTTP, Nest,
 * validation or the service's data layer. They are copies, not imports: when a statement of the service
 * changes shape (src/shipments/shipments.repository.ts, src/access/tokens.repository.ts,
 * src/organizations/organizations.repository.ts, src/audit/audit-recorder.ts,
 * src/webhooks/webhooks.repository.ts, src/exports/exports.repository.ts), change its twin here too, or
 * the ratio compares different work. The checks of each measurement (same rows, same JSON) catch a
 * twin that reads something else, not one that reads the same thing another way.
 */
import type { Keyset } from '../src/common/cursor';

/** One SQL statement with its positional parameters. */
export interface Statement {
  sql: string;
  parameters: unknown[];
}

/** Collects positional parameters while a statement is assembled. */
class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The shipment filters of GET /api/v1/shipments (and of reports and exports), as the service parses them. */
export interface ShipmentFilter {
  status?: string[];
  donorId?: string;
  recipientId?: string;
  organizationId?: string;
  category?: string;
  originCountry?: string;
  destinationCountry?: string;
  emergency?: string;
  q?: string;
  createdFrom?: string;
  createdTo?: string;
  updatedSince?: string;
}

export type ShipmentSort = 'createdAt' | '-createdAt' | 'updatedAt' | '-updatedAt';

/** A shipment with its lines, as the service writes it on create. */
export interface ShipmentRow {
  id: string;
  reference: string | null;
  title: string | null;
  donorId: string;
  recipientId: string;
  originCountry: string;
  originLocation: string | null;
  destinationCountry: string;
  destinationLocation: string | null;
  transportMode: string | null;
  emergency: string | null;
  priority: string;
  plannedDispatchDate: string | null;
  expectedArrivalDate: string | null;
  totals: unknown;
  items: Array<{
    id: string;
    lineNo: number;
    description: string;
    category: string;
    quantity: string;
    unit: string;
    unitValue: string | null;
    currency: string | null;
    itemCode: string | null;
    batchNumber: string | null;
    expiryDate: string | null;
    weightKg: string | null;
    volumeM3: string | null;
  }>;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The AuthGuard's lookup of a bearer token by the SHA-256 of its secret. */
export const TOKEN_BY_SECRET_HASH = `SELECT id, name, role, organization_id, expires_at, revoked_at, created_at, secret_hash
  FROM access_token WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`;

/** The create's check that donor and recipient exist. */
export const ORGANIZATION_NAMES = 'SELECT id, name FROM organization WHERE id = ANY($1::uuid[])';

/** The reference number: six digits, more once a million have been given out. */
export const REFERENCE_NUMBER = `to_char(nextval('shipment_reference_seq'), 'FM999999999999000000')`;

export function insertShipment(shipment: ShipmentRow, now: string): Statement {
  return {
    sql: `INSERT INTO shipment (id, reference, title, status, version, donor_id, recipient_id, origin_country, origin_location,
                             destination_country, destination_location, transport_mode, emergency, priority,
                             planned_dispatch_date, expected_arrival_date, line_count, totals, created_at, updated_at)
       VALUES ($1, coalesce($2, 'SHP-' || to_char($17::timestamptz AT TIME ZONE 'UTC', 'YYYY') || '-'
                                || ${REFERENCE_NUMBER}),
               $3, 'planned', 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
       RETURNING reference`,
    parameters: [
      shipment.id, shipment.reference, shipment.title, shipment.donorId, shipment.recipientId, shipment.originCountry,
      shipment.originLocation, shipment.destinationCountry, shipment.destinationLocation, shipment.transportMode,
      shipment.emergency, shipment.priority, shipment.plannedDispatchDate, shipment.expectedArrivalDate,
      shipment.items.length, JSON.stringify(shipment.totals), now,
    ],
  };
}

/** All lines in one statement: each column travels as one array, numerics as text. */
export function insertItems(shipment: ShipmentRow): Statement {
  const column = <K extends keyof ShipmentRow['items'][number]>(key: K) => shipment.items.map((item) => item[key]);
  return {
    sql: `INSERT INTO shipment_item (id, shipment_id, line_no, description, category, quantity, unit, unit_value, currency,
                                  item_code, batch_number, expiry_date, weight_kg, volume_m3)
       SELECT id, $1, line_no, description, category, quantity, unit, unit_value, currency, item_code, batch_number,
              expiry_date, weight_kg, volume_m3
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::numeric[], $9::text[],
                     $10::text[], $11::text[], $12::date[], $13::numeric[], $14::numeric[])
           AS t(id, line_no, description, category, quantity, unit, unit_value, currency, item_code, batch_number,
                expiry_date, weight_kg, volume_m3)`,
    parameters: [
      shipment.id,
      column('id'), column('lineNo'), column('description'), column('category'), column('quantity'), column('unit'),
      column('unitValue'), column('currency'), column('itemCode'), column('batchNumber'), column('expiryDate'),
      column('weightKg'), column('volumeM3'),
    ],
  };
}

/** The audit entry of a change and its queue row, in one statement (content: the entry's canonical text). */
export const INSERT_AUDIT_ENTRY = `WITH entry AS (
       INSERT INTO audit_entry (id, recorded_at, action, entity_type, entity_id, actor, request_id, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id)
     INSERT INTO audit_queue (entry_id) SELECT id FROM entry`;

/** The webhook outbox's question on every shipment change: who subscribes to this event type. */
export const WEBHOOK_SUBSCRIBERS = `SELECT s.id, s.organization_id FROM webhook_subscription s
         JOIN access_token t ON t.id = s.created_by_token_id
        WHERE s.active AND $1 = ANY(s.events)
          AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`;

const organizationRef = (alias: string) => `json_build_object('id', ${alias}.id, 'name', ${alias}.name)`;

const ITEMS_JSON = `coalesce((SELECT json_agg(json_build_object(
  'id', i.id, 'lineNo', i.line_no, 'description', i.description, 'category', i.category,
  'quantity', i.quantity::text, 'unit', i.unit, 'unitValue', i.unit_value::text, 'currency', i.currency,
  'itemCode', i.item_code, 'batchNumber', i.batch_number, 'expiryDate', i.expiry_date,
  'weightKg', i.weight_kg::text, 'volumeM3', i.volume_m3::text,
  'quantityReceived', i.quantity_received::text, 'quantityDamaged', i.quantity_damaged::text) ORDER BY i.line_no)
  FROM shipment_item i WHERE i.shipment_id = s.id), '[]'::json)`;

/** A shipment's served JSON, less `warnings`, with its `items` (one shipment) or its `lineCount` (lists). */
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
  'createdAt', ${iso('s.created_at')}, 'updatedAt', ${iso('s.updated_at')})`;

/** The scope rule: a scoped caller sees a shipment when its organization is donor, recipient or partner. */
function visibleTo(params: Params, scope: string | null, rows: 'one' | 'many' = 'one'): string {
  return scope ? involves(params.add(scope), rows) : 'TRUE';
}

function involves(org: string, rows: 'one' | 'many'): string {
  const partner =
    rows === 'one'
      ? `EXISTS (SELECT 1 FROM shipment_partner vp WHERE vp.shipment_id = s.id AND vp.organization_id = ${org})`
      : `s.id = ANY(ARRAY(SELECT vp.shipment_id FROM shipment_partner vp WHERE vp.organization_id = ${org}))`;
  return `(s.donor_id = ${org} OR s.recipient_id = ${org} OR ${partner})`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /api/v1/shipments/:idOrReference: the served JSON of one shipment within the caller's scope. */
export function shipmentView(idOrReference: string, scope: string | null): Statement {
  const params = new Params();
  const key = UUID.test(idOrReference) ? `s.id = ${params.add(idOrReference)}` : `s.reference = ${params.add(idOrReference)}`;
  return {
    sql: `SELECT ${shipmentJson('items')} AS shipment
         FROM shipment s WHERE ${key} AND ${visibleTo(params, scope)}`,
    parameters: params.values,
  };
}

const SHIPMENT_TEXT = (alias: string) => `(${alias}.reference || ' ' || coalesce(${alias}.title, ''))`;
const LINE_TEXT = (alias: string) =>
  `(${alias}.description || ' ' || coalesce(${alias}.item_code, '') || ' ' || coalesce(${alias}.batch_number, ''))`;

const textSearchHits = (pattern: string) =>
  `SELECT qs.id FROM shipment qs WHERE ${SHIPMENT_TEXT('qs')} ILIKE ${pattern}
   UNION ALL
   SELECT qi.shipment_id FROM shipment_item qi WHERE ${LINE_TEXT('qi')} ILIKE ${pattern}`;

const textSearchRow = (pattern: string) =>
  `(${SHIPMENT_TEXT('s')} ILIKE ${pattern}
    OR EXISTS (SELECT 1 FROM shipment_item fq WHERE fq.shipment_id = s.id AND ${LINE_TEXT('fq')} ILIKE ${pattern} OFFSET 0))`;

const SEARCH_WALK = 2000;
const FEW_SEARCH_HITS = 2000;

/** The shipment filters as SQL conditions on alias `s`. */
function filterConditions(params: Params, filter: ShipmentFilter): string[] {
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
  if (filter.q) conditions.push(`s.id IN (${textSearchHits(params.add(`%${escapeLike(filter.q)}%`))})`);
  if (filter.createdFrom) {
    conditions.push(
      /^\d{4}-\d{2}-\d{2}$/.test(filter.createdFrom)
        ? `s.created_at >= ${params.add(filter.createdFrom)}::date::timestamp AT TIME ZONE 'UTC'`
        : `s.created_at >= ${params.add(filter.createdFrom)}::timestamptz`,
    );
  }
  if (filter.createdTo) {
    conditions.push(
      /^\d{4}-\d{2}-\d{2}$/.test(filter.createdTo)
        ? `s.created_at < (${params.add(filter.createdTo)}::date + 1)::timestamp AT TIME ZONE 'UTC'`
        : `s.created_at <= ${params.add(filter.createdTo)}::timestamptz`,
    );
  }
  if (filter.updatedSince) conditions.push(`s.updated_at >= ${params.add(filter.updatedSince)}::timestamptz`);
  return conditions;
}

/**
 * GET /api/v1/shipments: one page (`limit` rows: the service asks for its page size + 1) of served JSON
 * with each row's keyset value, newest or oldest first; a text search (`q`) takes the service's
 * three-step plan (walk the newest, else collect rare hits, else walk on), in one statement.
 */
export function shipmentList(
  filter: ShipmentFilter,
  scope: string | null,
  sort: ShipmentSort,
  limit: number,
  after?: Keyset,
): Statement {
  const params = new Params();
  const column = sort.endsWith('updatedAt') ? 's.updated_at' : 's.created_at';
  const descending = sort.startsWith('-');
  const conditions = [visibleTo(params, scope, 'many'), ...filterConditions(params, { ...filter, q: undefined })];
  if (after) {
    conditions.push(
      `(${column}, s.id) ${descending ? '<' : '>'} (${params.add(after.value)}::timestamptz, ${params.add(after.id)}::uuid)`,
    );
  }
  const direction = descending ? 'DESC' : 'ASC';
  const order = `ORDER BY ${column} ${direction}, s.id ${direction}`;
  const rows = params.add(limit);
  const page = (from: string, where: string[]) =>
    `SELECT ${shipmentJson('lineCount')} AS shipment, ${iso(column)} AS cursor_value, ${column} AS sort_at, s.id AS sort_id
         FROM ${from}
        WHERE ${where.join(' AND ')}
        ${order} LIMIT ${rows}`;
  if (!filter.q) return { sql: page('shipment s', conditions), parameters: params.values };

  const pattern = params.add(`%${escapeLike(filter.q)}%`);
  const walkedFrom = `(SELECT * FROM shipment s WHERE ${conditions.join(' AND ')} ${order} LIMIT ${SEARCH_WALK}) s`;
  const notFilled = 'NOT (SELECT page FROM filled)';
  return {
    sql: `WITH walked AS MATERIALIZED (${page(walkedFrom, [textSearchRow(pattern)])}),
            filled AS MATERIALIZED (SELECT count(*) >= ${rows} AS page FROM walked),
            hits AS MATERIALIZED (SELECT id FROM (${textSearchHits(pattern)}) h WHERE ${notFilled} LIMIT ${FEW_SEARCH_HITS + 1}),
            few AS MATERIALIZED (SELECT count(*) <= ${FEW_SEARCH_HITS} AS hits FROM hits)
       SELECT shipment, cursor_value FROM (
         (SELECT * FROM walked WHERE (SELECT page FROM filled))
         UNION ALL
         (${page('shipment s', [notFilled, '(SELECT hits FROM few)', ...conditions, 's.id IN (SELECT id FROM hits)'])})
         UNION ALL
         (${page('shipment s', [notFilled, 'NOT (SELECT hits FROM few)', ...conditions, textSearchRow(pattern)])})
       ) found ORDER BY sort_at ${direction}, sort_id ${direction}`,
    parameters: params.values,
  };
}

const GROUP_KEYS: Record<string, { key: string; label: string }> = {
  status: { key: 's.status', label: 's.status' },
  destinationCountry: { key: 'rtrim(s.destination_country)', label: 'rtrim(s.destination_country)' },
  month: { key: `to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM')`, label: `to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM')` },
  donor: { key: 's.donor_id::text', label: '(SELECT name FROM organization o WHERE o.id = s.donor_id)' },
  recipient: { key: 's.recipient_id::text', label: '(SELECT name FROM organization o WHERE o.id = s.recipient_id)' },
};

/**
 * The summary report as the contract describes it ({key, label, shipments, lines, declaredValue per
 * currency, quantities per unit}) over the shipment filters and scope, in one statement: the reference
 * the API's figure stands beside (not the reports module's own SQL). Shipment-level keys only.
 */
export function summary(groupBy: string, filter: ShipmentFilter, scope: string | null): Statement {
  const group = GROUP_KEYS[groupBy];
  if (!group) throw new Error(`summary twin: groupBy=${groupBy} is not supported`);
  const params = new Params();
  const conditions = [...filterConditions(params, filter)];
  if (scope) conditions.push(involves(params.add(scope), 'one'));
  const sql = `
    WITH f AS MATERIALIZED (
           SELECT s.id, ${group.key} AS key, ${group.label} AS label FROM shipment s
            WHERE ${conditions.length ? conditions.join(' AND ') : 'TRUE'}),
         l AS MATERIALIZED (
           SELECT f.key, i.quantity, i.unit, i.unit_value, i.currency FROM f JOIN shipment_item i ON i.shipment_id = f.id),
         value AS (
           SELECT key, json_agg(json_build_object('currency', currency, 'amount', amount::text) ORDER BY currency) AS v
             FROM (SELECT key, currency, sum(quantity * unit_value) AS amount FROM l WHERE unit_value IS NOT NULL GROUP BY 1, 2) x
            GROUP BY key),
         quantity AS (
           SELECT key, json_agg(json_build_object('unit', unit, 'quantity', quantity::text) ORDER BY unit) AS q
             FROM (SELECT key, unit, sum(quantity) AS quantity FROM l GROUP BY 1, 2) x GROUP BY key),
         lines AS (SELECT key, count(*)::int AS lines FROM l GROUP BY key)
    SELECT f.key, min(f.label) AS label, count(*)::int AS shipments, coalesce(min(lines.lines), 0) AS lines,
           coalesce(min(value.v::text), '[]')::json AS "declaredValue", coalesce(min(quantity.q::text), '[]')::json AS quantities
      FROM f LEFT JOIN lines USING (key) LEFT JOIN value USING (key) LEFT JOIN quantity USING (key)
     GROUP BY f.key ORDER BY f.key`;
  return { sql, parameters: params.values };
}

/** GET /api/v1/shipments/export: one row per line, every cell as text, in the manifest's column order. */
export function manifest(filter: ShipmentFilter, scope: string | null): Statement {
  const params = new Params();
  const conditions = [visibleTo(params, scope, 'many'), ...filterConditions(params, filter)];
  return {
    sql: `SELECT s.id::text, s.reference, s.title, s.donor_id::text, d.name, s.recipient_id::text, r.name,
                 rtrim(s.origin_country), s.origin_location, rtrim(s.destination_country), s.destination_location,
                 s.status, s.transport_mode, s.emergency, s.priority, s.planned_dispatch_date::text,
                 s.expected_arrival_date::text, i.line_no::text, i.description, i.category, i.quantity::text, i.unit,
                 i.unit_value::text, rtrim(i.currency), i.item_code, i.batch_number, i.expiry_date::text,
                 i.weight_kg::text, i.volume_m3::text, i.quantity_received::text, i.quantity_damaged::text,
                 ${iso('s.created_at')}
            FROM shipment s
            JOIN organization d ON d.id = s.donor_id
            JOIN organization r ON r.id = s.recipient_id
            JOIN shipment_item i ON i.shipment_id = s.id
           WHERE ${conditions.join(' AND ')}
           ORDER BY s.created_at, s.id, i.line_no`,
    parameters: params.values,
  };
}

/** Rows per fetch of the manifest's cursor, as the service reads it. */
export const MANIFEST_BATCH = 1000;

/**
 * The scale section (issue "Prove it under load and faults"): a million shipments with their lines,
 * written by SQL on the server (INSERT … SELECT … FROM generate_series, in batches: no client-side COPY),
 * with realistic spreads (a few hundred organizations, statuses by age, categories, countries, two years
 * of created_at, emergencies, partners), then ANALYZE; then the list, lookup and summary queries measured
 * through the API against their raw SQL twins at the same concurrency, and EXPLAIN (ANALYZE, BUFFERS) of
 * the main ones, each checked for a sequential scan of a large table.
 */
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { QueryConfig } from 'pg';
import { encodeCursor, Keyset } from '../src/common/cursor';
import type { BenchContext, Measurement } from './measurements';
import type { RawSql } from './raw-sql';
import { REFERENCE_NUMBER, ShipmentFilter, ShipmentSort, Statement } from './service-sql';

export interface ScaleSettings {
  shipments: number;
  linesPerShipment: number;
  /** Pages of 50 that the deep cursor lies behind (fewer when the filter matches fewer rows). */
  depth: number;
}

/** Organizations 1..60 give (governments, multilaterals), 61..300 receive and partner (ministries, NGOs). */
const ORGANIZATIONS = 300;
const DONORS = 60;
const BATCH = 20_000;
const PAGE = 50;

// Donor countries, by donor number; recipient countries, by recipient number: an organization's country
// is its shipments' origin or destination.
const ORIGINS = [
  'US',
  'DE',
  'GB',
  'JP',
  'FR',
  'NO',
  'SE',
  'NL',
  'CA',
  'AZ',
  'CH',
  'DK',
  'AE',
  'SA',
  'KR',
  'AU',
  'IT',
  'ES',
  'BE',
  'FI',
];
const DESTINATIONS = [
  'UA',
  'SY',
  'TR',
  'YE',
  'AF',
  'SD',
  'SS',
  'ET',
  'SO',
  'CD',
  'HT',
  'PK',
  'BD',
  'LB',
  'MM',
  'NG',
  'ML',
  'MZ',
  'VE',
  'PS',
  'IQ',
  'LY',
  'CF',
  'NE',
  'TD',
];
const EMERGENCIES = [
  'COVID-19',
  'Ukraine conflict 2022',
  'Türkiye–Syria earthquake 2023',
  'Pakistan floods 2022',
  'Sudan crisis 2023',
  'Gaza 2023',
  'Cholera outbreak 2022',
  'Horn of Africa drought',
  'Mpox 2024',
  'Cyclone Freddy 2023',
  'Libya floods 2023',
  'Sahel food crisis',
];

/** The line catalogue: description, category, unit, unit value, currency, kg per unit. */
const CATALOGUE: Array<[string, string, string, string, string, string]> = [
  ['Medical masks', 'ppe', 'each', '0.10', 'USD', '0.004'],
  ['Protective suits', 'ppe', 'each', '12.50', 'USD', '0.25'],
  ['Nitrile examination gloves', 'ppe', 'box', '7.80', 'USD', '0.65'],
  ['PCR test kits', 'laboratory', 'kit', '450.00', 'USD', '1.2'],
  ['Disinfectant', 'wash', 'litre', '2.20', 'EUR', '1.05'],
  ['Water purification tablets', 'wash', 'pack', '3.40', 'USD', '0.1'],
  ['Hygiene kits', 'wash', 'kit', '18.00', 'EUR', '2.5'],
  ['Oral rehydration salts', 'medical_consumables', 'pack', '0.35', 'USD', '0.03'],
  ['Amoxicillin 500 mg capsules', 'pharmaceuticals', 'pack', '2.10', 'EUR', '0.05'],
  ['Paracetamol 500 mg tablets', 'pharmaceuticals', 'pack', '0.90', 'EUR', '0.04'],
  ['Insulin glargine pens', 'pharmaceuticals', 'pack', '38.00', 'EUR', '0.2'],
  ['Measles vaccine', 'pharmaceuticals', 'dose', '1.05', 'USD', '0.01'],
  ['Surgical instrument sets', 'medical_equipment', 'set', '310.00', 'USD', '6'],
  ['Portable ultrasound scanners', 'medical_equipment', 'each', '8200.00', 'USD', '5'],
  ['Oxygen concentrators', 'medical_equipment', 'each', '640.00', 'USD', '18'],
  ['Wheat flour', 'food', 'tonne', '380.00', 'USD', '1000'],
  ['Rice', 'food', 'tonne', '420.00', 'USD', '1000'],
  ['Ready-to-use therapeutic food', 'nutrition', 'carton', '52.00', 'USD', '14'],
  ['Family tents', 'shelter', 'each', '260.00', 'EUR', '45'],
  ['Tarpaulins', 'shelter', 'each', '9.50', 'USD', '4'],
  ['Blankets', 'non_food_items', 'each', '6.20', 'EUR', '1.8'],
  ['Kitchen sets', 'non_food_items', 'set', '24.00', 'EUR', '6'],
  ['Generators 20 kVA', 'logistics_equipment', 'each', '7400.00', 'USD', '420'],
  ['Mobile storage units', 'logistics_equipment', 'each', '5200.00', 'USD', '900'],
];

const sqlText = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]`;
const column = (index: number) => sqlText(CATALOGUE.map((entry) => entry[index]));
/** A version-4-shaped UUID derived from a text (the API's validators accept only RFC 4122 ids). */
const uuidOf = (text: string) =>
  `overlay(overlay(md5(${text}) placing '4' from 13) placing '8' from 17)::uuid`;
const organizationId = (n: string) => uuidOf(`'aidtrail-scale-org-' || ${n}`);
const shipmentId = (g: string) => uuidOf(`'aidtrail-scale-shipment-' || ${g}`);

/** Organizations 1..300, ids derived from their number so that shipments can name them without a join. */
export const ORGANIZATIONS_SQL = `
  INSERT INTO organization (id, name, type, country_code, created_at, updated_at)
  SELECT ${organizationId('n')},
         CASE WHEN n <= 40 THEN 'Government of donor ' || n
              WHEN n <= ${DONORS} THEN 'Multilateral fund ' || n
              WHEN n <= 100 THEN 'Ministry of Health, region ' || n
              ELSE 'Relief partner ' || n END,
         CASE WHEN n <= 40 THEN 'government' WHEN n <= ${DONORS} THEN 'multilateral' WHEN n <= 100 THEN 'government'
              WHEN n % 5 = 0 THEN 'red_cross_red_crescent' ELSE 'ngo' END,
         CASE WHEN n <= ${DONORS} THEN (${sqlText(ORIGINS)})[1 + n % ${ORIGINS.length}]
              ELSE (${sqlText(DESTINATIONS)})[1 + n % ${DESTINATIONS.length}] END,
         now() - interval '3 years', now() - interval '3 years'
    FROM generate_series(1, ${ORGANIZATIONS}) AS n`;

/**
 * Shipments $1..$2 with $3 lines each, their partners and their lines, in one statement: the lines are
 * drawn first so that each shipment's stored totals are those of its lines (as computeTotals gives them:
 * per currency, numeric scales kept). Older shipments are mostly delivered; recent ones on their way.
 */
export const SHIPMENTS_SQL = `
  WITH base AS MATERIALIZED (
    SELECT g, ${shipmentId('g')} AS id,
           date_trunc('milliseconds', now() - random() * interval '730 days') AS created_at,
           1 + floor(${DONORS} * power(random(), 2))::int AS donor_n,
           ${DONORS + 1} + floor(${ORGANIZATIONS - DONORS} * power(random(), 1.5))::int AS recipient_n,
           random() AS r_status, random() AS r_emergency, random() AS r_mode, random() AS r_partner
      FROM generate_series($1::int, $2::int) AS g),
  s AS MATERIALIZED (
    SELECT base.*, ${organizationId('donor_n')} AS donor_id, ${organizationId('recipient_n')} AS recipient_id,
           CASE WHEN r_partner < 0.3 THEN ${organizationId(`(${DONORS + 1} + (recipient_n - ${DONORS} + floor(r_partner * 1000)::int) % ${ORGANIZATIONS - DONORS})`)} END AS partner_id,
           CASE WHEN created_at < now() - interval '90 days' THEN
                  CASE WHEN r_status < 0.85 THEN 'delivered' WHEN r_status < 0.91 THEN 'partially_delivered'
                       WHEN r_status < 0.96 THEN 'cancelled' WHEN r_status < 0.97 THEN 'lost'
                       WHEN r_status < 0.98 THEN 'arrived' ELSE 'held' END
                ELSE
                  CASE WHEN r_status < 0.2 THEN 'planned' WHEN r_status < 0.4 THEN 'dispatched'
                       WHEN r_status < 0.7 THEN 'in_transit' WHEN r_status < 0.78 THEN 'held'
                       WHEN r_status < 0.9 THEN 'arrived' ELSE 'delivered' END END AS status
      FROM base),
  lines AS MATERIALIZED (
    SELECT drawn.*, (${column(3)})[k]::numeric AS unit_value, (${column(4)})[k] AS currency,
           quantity * (${column(5)})[k]::numeric AS weight
      FROM (SELECT picked.*, ((1 + floor(random() * 500)) * CASE WHEN k = 1 THEN 1000 ELSE 1 END)::numeric AS quantity
              FROM (SELECT s.id AS shipment_id, s.status, s.created_at, line_no, 1 + floor(random() * ${CATALOGUE.length})::int AS k
                      FROM s, generate_series(1, $3::int) AS line_no) AS picked) AS drawn),
  declared AS (
    SELECT shipment_id, jsonb_agg(jsonb_build_object('currency', currency, 'amount', amount::text) ORDER BY currency) AS declared
      FROM (SELECT shipment_id, currency, sum(quantity * unit_value) AS amount FROM lines GROUP BY 1, 2) AS per_currency
     GROUP BY 1),
  totals AS (
    SELECT l.shipment_id, count(*)::int AS lines, sum(l.weight)::text AS weight, min(d.declared::text)::jsonb AS declared
      FROM lines l JOIN declared d ON d.shipment_id = l.shipment_id GROUP BY l.shipment_id),
  shipments AS (
    INSERT INTO shipment (id, reference, title, status, version, donor_id, recipient_id, origin_country, origin_location,
                          destination_country, destination_location, transport_mode, emergency, priority,
                          planned_dispatch_date, expected_arrival_date, line_count, totals, created_at, updated_at)
    SELECT s.id, 'SHP-' || to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY') || '-' || ${REFERENCE_NUMBER},
           CASE WHEN r_emergency < 0.7 THEN (${sqlText(EMERGENCIES)})[1 + floor(r_emergency / 0.7 * ${EMERGENCIES.length})::int] || ' response, lot ' || (g % 97)
                ELSE 'Regular supply, lot ' || (g % 97) END,
           s.status,
           CASE s.status WHEN 'planned' THEN 1 WHEN 'dispatched' THEN 2 WHEN 'in_transit' THEN 3 ELSE 4 END,
           donor_id, recipient_id,
           (${sqlText(ORIGINS)})[1 + donor_n % ${ORIGINS.length}], 'Capital hub',
           (${sqlText(DESTINATIONS)})[1 + recipient_n % ${DESTINATIONS.length}], 'Central warehouse ' || (recipient_n % 7),
           (ARRAY['air','sea','road','rail','multimodal'])[1 + floor(r_mode * 5)::int],
           CASE WHEN r_emergency < 0.7 THEN (${sqlText(EMERGENCIES)})[1 + floor(r_emergency / 0.7 * ${EMERGENCIES.length})::int] END,
           CASE WHEN r_mode < 0.25 THEN 'urgent' WHEN r_mode < 0.9 THEN 'standard' ELSE 'low' END,
           (s.created_at AT TIME ZONE 'UTC')::date + 7, (s.created_at AT TIME ZONE 'UTC')::date + 7 + (g % 30),
           t.lines, jsonb_build_object('lines', t.lines, 'declaredValue', t.declared, 'weightKg', t.weight, 'volumeM3', NULL),
           s.created_at,
           CASE WHEN s.status = 'planned' THEN s.created_at
                ELSE least(now(), s.created_at + (1 + floor(r_mode * 60)) * interval '1 day') END
      FROM s JOIN totals t ON t.shipment_id = s.id
    RETURNING id),
  partners AS (
    INSERT INTO shipment_partner (shipment_id, organization_id, position)
    SELECT id, partner_id, 0 FROM s WHERE partner_id IS NOT NULL AND partner_id <> recipient_id)
  INSERT INTO shipment_item (id, shipment_id, line_no, description, category, quantity, unit, unit_value, currency,
                             item_code, batch_number, expiry_date, weight_kg, quantity_received, quantity_damaged)
  SELECT gen_random_uuid(), shipment_id, line_no, (${column(0)})[k], (${column(1)})[k], quantity, (${column(2)})[k],
         unit_value, currency, 'ITM-' || lpad(k::text, 3, '0'),
         CASE WHEN (${column(1)})[k] = 'pharmaceuticals' THEN 'LOT-' || to_char(created_at, 'YYMM') || '-' || k END,
         CASE WHEN (${column(1)})[k] = 'pharmaceuticals' THEN (created_at AT TIME ZONE 'UTC')::date + 540 END,
         weight,
         CASE status WHEN 'delivered' THEN quantity WHEN 'partially_delivered' THEN floor(quantity / 2) ELSE 0 END, 0
    FROM lines`;

/** What the load left behind for the measurements to ask about. */
export interface ScaleData {
  shipments: number;
  lines: number;
  partners: number;
  organizations: number;
  loadMs: number;
  analyzeMs: number;
  /** A donor with a middling share of the shipments. */
  donorId: string;
  /** A recipient-side organization that also partners, for a partner token. */
  partnerOrganizationId: string;
  partnerToken: string;
  references: string[];
}

export async function loadScaleData(
  context: BenchContext,
  settings: ScaleSettings,
  analyze: () => Promise<void>,
): Promise<ScaleData> {
  const { raw, log } = context;
  const started = performance.now();
  const client = await raw.connect();
  try {
    await client.query('SET synchronous_commit = off');
    await client.query(ORGANIZATIONS_SQL);
    for (let from = 1; from <= settings.shipments; from += BATCH) {
      const to = Math.min(settings.shipments, from + BATCH - 1);
      // The pool's 30 s query timeout is for measured statements; a batch may take longer on a busy machine.
      await client.query({
        text: SHIPMENTS_SQL,
        values: [from, to, settings.linesPerShipment],
        query_timeout: 600_000,
      } as QueryConfig);
      if (to % 200_000 === 0 && to < settings.shipments) {
        log(`    ${to} shipments written (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    }
  } finally {
    client.release();
  }
  const loadMs = performance.now() - started;
  const analyzeStarted = performance.now();
  await analyze();
  const analyzeMs = performance.now() - analyzeStarted;
  const [counts] = await raw.query<{
    shipments: number;
    lines: number;
    partners: number;
    organizations: number;
  }>(
    `SELECT (SELECT count(*)::int FROM shipment) AS shipments, (SELECT count(*)::int FROM shipment_item) AS lines,
            (SELECT count(*)::int FROM shipment_partner) AS partners, (SELECT count(*)::int FROM organization) AS organizations`,
  );
  const [{ id: donorId }] = await raw.query<{ id: string }>(`SELECT ${organizationId('8')} AS id`);
  const [{ id: partnerOrganizationId }] = await raw.query<{ id: string }>(
    `SELECT ${organizationId('150')} AS id`,
  );
  const { token: partnerToken } = await context.api.json<{ token: string }>(
    'POST',
    '/api/v1/tokens',
    context.adminToken,
    { name: 'Scale bench partner', role: 'partner', organizationId: partnerOrganizationId },
    201,
  );
  // A scattered sample of references: random reads all over the table, as partners look them up.
  const sample = Math.min(20_000, counts.shipments);
  const references = (
    await raw.query<{ reference: string }>(
      `SELECT reference FROM shipment WHERE id IN (SELECT ${shipmentId('(1 + floor(random() * $1))::int')}
                                                     FROM generate_series(1, $2))`,
      [settings.shipments, sample],
    )
  ).map((row) => row.reference);
  return { ...counts, loadMs, analyzeMs, donorId, partnerOrganizationId, partnerToken, references };
}

/** One list query of the API with its raw twin's arguments. */
interface ListCase {
  name: string;
  description: string;
  query: Record<string, string>;
  filter: ShipmentFilter;
  /** Organization scope of the token (a partner's), or null for the admin. */
  scope: string | null;
  token: string;
}

function listCases(context: BenchContext, data: ScaleData): ListCase[] {
  return [
    {
      name: 'status+destination',
      description: 'status=in_transit,held&destinationCountry=UA (admin)',
      query: { status: 'in_transit,held', destinationCountry: 'UA' },
      filter: { status: ['in_transit', 'held'], destinationCountry: 'UA' },
      scope: null,
      token: context.adminToken,
    },
    {
      name: 'donor',
      description: 'donorId=<a donor with a middling share> (admin)',
      query: { donorId: data.donorId },
      filter: { donorId: data.donorId },
      scope: null,
      token: context.adminToken,
    },
    {
      name: 'partner',
      description: 'organizationId=<its own> (partner token: scope = donor, recipient or partner)',
      query: { organizationId: data.partnerOrganizationId },
      filter: { organizationId: data.partnerOrganizationId },
      scope: data.partnerOrganizationId,
      token: data.partnerToken,
    },
    {
      name: 'q',
      description: 'q=rehydration (text in reference, title or lines; admin)',
      query: { q: 'rehydration' },
      filter: { q: 'rehydration' },
      scope: null,
      token: context.adminToken,
    },
  ];
}

const SORT: ShipmentSort = '-createdAt';

/**
 * The keyset after page `depth` (or after the deepest page that still has a full page behind it, when the
 * filter matches fewer rows), found by SQL: what following `nextCursor` that many times would give.
 */
async function deepKeyset(
  raw: RawSql,
  list: ListCase,
  depth: number,
): Promise<{ keyset: Keyset; pages: number } | null> {
  const rows = await raw.listRows(list.filter, list.scope, SORT, (depth + 1) * PAGE + 1);
  const pages = Math.min(depth, Math.floor((rows.length - PAGE - 1) / PAGE));
  if (pages < 1) return null;
  const last = rows[pages * PAGE - 1];
  return { keyset: { value: last.cursor_value, id: last.shipment.id }, pages };
}

const headersFor = (token: string) => ({ authorization: `Bearer ${token}`, accept: 'application/json' });

function listMeasurement(
  context: BenchContext,
  list: ListCase,
  deep: { keyset: Keyset; pages: number } | null,
): Measurement {
  const parameters = new URLSearchParams(list.query);
  if (deep) parameters.set('cursor', encodeCursor(deep.keyset, SORT));
  const path = `/api/v1/shipments?${parameters.toString()}`;
  const headers = headersFor(list.token);
  const after = deep?.keyset;
  return {
    name: `scale-list-${list.name}${deep ? '-deep' : ''}`,
    description:
      `GET /api/v1/shipments?${list.description}, ` +
      (deep ? `page ${deep.pages + 1} by cursor (${deep.pages * PAGE} rows deep)` : 'page 1') +
      ` of ${PAGE}`,
    target: 0.5,
    check: async () => {
      const served = await context.api.json<{ data: Array<{ id: string }> }>('GET', path, list.token);
      const rows = await context.raw.listShipments(list.token, list.filter, SORT, PAGE + 1, after);
      const rawIds = rows.slice(0, PAGE).map((row) => row.shipment.id);
      if (
        served.data.length === 0 ||
        !isDeepStrictEqual(
          served.data.map((row) => row.id),
          rawIds,
        )
      ) {
        throw new Error(
          `${path}: the API served ${served.data.length} rows, raw SQL ${rawIds.length}, or other ones`,
        );
      }
    },
    api: async () => {
      await context.api.expect(200, 'GET', path, headers);
    },
    raw: async () => {
      await context.raw.listShipments(list.token, list.filter, SORT, PAGE + 1, after);
    },
  };
}

function lookupMeasurement(context: BenchContext, data: ScaleData): Measurement {
  let nextApi = 0;
  let nextRaw = 0;
  const { references } = data;
  const adminHeaders = headersFor(context.adminToken);
  const path = (reference: string) => `/api/v1/shipments/${encodeURIComponent(reference)}`;
  return {
    name: 'scale-lookup-reference',
    description: `GET /api/v1/shipments/:reference, ${references.length} references scattered over the table (admin)`,
    target: 0.5,
    check: async () => {
      const served = await context.api.json('GET', path(references[0]), context.adminToken);
      const stored = await context.raw.readShipment(context.adminToken, references[0]);
      const { warnings: _warnings, ...servedWithoutWarnings } = served;
      if (!isDeepStrictEqual(servedWithoutWarnings, JSON.parse(JSON.stringify(stored))))
        throw new Error(`scale-lookup-reference: the raw twin read another shipment than the API`);
    },
    api: async () => {
      await context.api.expect(200, 'GET', path(references[nextApi++ % references.length]), adminHeaders);
    },
    raw: async () => {
      await context.raw.readShipment(context.adminToken, references[nextRaw++ % references.length]);
    },
  };
}

/** Summary reports in flight at once (see Measurement.connections). */
const SUMMARY_CONNECTIONS = 2;

/** The summary report's cases; the raw twin is the aggregation the contract describes, in one statement. */
function summaryCases(
  data: ScaleData,
): Array<{ name: string; groupBy: string; query: Record<string, string>; filter: ShipmentFilter }> {
  return [
    {
      name: 'destination',
      groupBy: 'destinationCountry',
      query: { status: 'delivered', createdFrom: daysAgo(365) },
      filter: { status: ['delivered'], createdFrom: daysAgo(365) },
    },
    {
      name: 'donor-month',
      groupBy: 'month',
      query: { donorId: data.donorId },
      filter: { donorId: data.donorId },
    },
  ];
}

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

export interface SummaryRowCounts {
  shipments: number;
  lines: number;
}

function summaryMeasurement(
  context: BenchContext,
  summary: ReturnType<typeof summaryCases>[number],
): Measurement {
  const parameters = new URLSearchParams({ groupBy: summary.groupBy, ...summary.query });
  const path = `/api/v1/reports/summary?${parameters.toString()}`;
  const headers = headersFor(context.adminToken);
  return {
    name: `scale-summary-${summary.name}`,
    description: `GET ${path.replace(/donorId=[0-9a-f-]+/, 'donorId=<donor>')} (${SUMMARY_CONNECTIONS} at a time)`,
    target: 0.5,
    connections: SUMMARY_CONNECTIONS,
    check: async () => {
      const served = await context.api.json<{ rows: SummaryRowCounts[] }>('GET', path, context.adminToken);
      const rows = await context.raw.summary(context.adminToken, summary.groupBy, summary.filter);
      const sum = (list: SummaryRowCounts[], field: keyof SummaryRowCounts) =>
        list.reduce((total, row) => total + Number(row[field]), 0);
      for (const field of ['shipments', 'lines'] as const) {
        if (sum(served.rows, field) !== sum(rows, field))
          throw new Error(
            `${path}: the API counts ${sum(served.rows, field)} ${field}, raw SQL ${sum(rows, field)}`,
          );
      }
    },
    api: async () => {
      await context.api.expect(200, 'GET', path, headers);
    },
    raw: async () => {
      await context.raw.summary(context.adminToken, summary.groupBy, summary.filter);
    },
  };
}

/** What a scale measurement turned out to be when it could not be measured. */
export interface Skipped {
  name: string;
  description: string;
  reason: string;
}

/**
 * The scale measurements, in report order: each list at page 1 then at its deep cursor, the lookup,
 * then the summaries (n/a while GET /api/v1/reports/summary answers 404).
 */
export async function scaleMeasurements(
  context: BenchContext,
  data: ScaleData,
  depth: number,
): Promise<{ measurements: Measurement[]; skipped: Skipped[]; statements: ExplainedQuery[] }> {
  const measurements: Measurement[] = [];
  const skipped: Skipped[] = [];
  const statements: ExplainedQuery[] = [];
  for (const list of listCases(context, data)) {
    measurements.push(listMeasurement(context, list, null));
    statements.push({
      name: `list ${list.name}, page 1`,
      statement: context.raw.listStatement(list.filter, list.scope, SORT, PAGE + 1),
    });
    const deep = await deepKeyset(context.raw, list, depth);
    if (deep) {
      measurements.push(listMeasurement(context, list, deep));
      statements.push({
        name: `list ${list.name}, page ${deep.pages + 1} by cursor`,
        statement: context.raw.listStatement(list.filter, list.scope, SORT, PAGE + 1, deep.keyset),
      });
    } else {
      skipped.push({
        name: `scale-list-${list.name}-deep`,
        description: list.description,
        reason: 'n/a (fewer than two pages match)',
      });
    }
  }
  measurements.push(lookupMeasurement(context, data));
  statements.push({
    name: 'lookup by reference',
    statement: context.raw.findViewStatement(data.references[0], null),
  });
  for (const summary of summaryCases(data)) {
    const probe = await context.api.send(
      'GET',
      `/api/v1/reports/summary?groupBy=${summary.groupBy}`,
      headersFor(context.adminToken),
    );
    if (probe.status === 404) {
      skipped.push({
        name: `scale-summary-${summary.name}`,
        description: `GET /api/v1/reports/summary?groupBy=${summary.groupBy}`,
        reason: 'n/a (endpoint missing)',
      });
      continue;
    }
    measurements.push(summaryMeasurement(context, summary));
    statements.push({
      name: `summary ${summary.name} (raw twin)`,
      statement: context.raw.summaryStatement(summary.groupBy, summary.filter),
    });
  }
  return { measurements, skipped, statements };
}

export interface ExplainedQuery {
  name: string;
  statement: Statement;
}

export interface Plan {
  name: string;
  text: string;
  /** Large tables read whole: a missing index (or a plan that ignores one). */
  seqScans: string[];
  usedIndexes: string[];
  executionMs: number;
}

/** EXPLAIN (ANALYZE, BUFFERS) of each statement, with the service's exact SQL and parameters. */
export async function explain(raw: RawSql, queries: ExplainedQuery[]): Promise<Plan[]> {
  const large = new Set(['shipment', 'shipment_item', 'shipment_partner']);
  const plans: Plan[] = [];
  for (const { name, statement } of queries) {
    const rows = await raw.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`,
      statement.parameters,
    );
    const text = rows.map((row) => row['QUERY PLAN']).join('\n');
    const seqScans = [...text.matchAll(/Seq Scan on (\w+)/g)]
      .map((m) => m[1])
      .filter((table) => large.has(table));
    const usedIndexes = [
      ...new Set(
        [
          ...text.matchAll(
            /(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/g,
          ),
        ].map((m) => m[1]),
      ),
    ];
    const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? Number.NaN);
    plans.push({ name, text, seqScans: [...new Set(seqScans)], usedIndexes, executionMs });
  }
  return plans;
}

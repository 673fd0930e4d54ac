/**
 * The line-item export in constant memory (issue 4): N lines loaded by SQL, then GET /api/v1/shipments/export
 * ?format=csv read to the end, with the service's peak resident memory sampled meanwhile; against the same
 * statement and CSV writer run in this process over a pg cursor (what the export costs without HTTP).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import QueryStream from 'pg-query-stream';
import { manifestCsvWriter } from '../src/exports/manifest-csv';
import { RssSampler } from './audit';
import type { RawSql } from './raw-sql';
import type { Parties } from './seed';
import { MANIFEST_BATCH, manifest } from './service-sql';

/** Target: the service's peak RSS while it exports, MiB. */
export const EXPORT_PEAK_RSS_TARGET_MIB = 300;

const LINES_PER_SHIPMENT = 1000;

export interface ExportResult {
  lines: number;
  loadMs: number;
  /** The service's RSS just before the export, and its peak during it, MiB. */
  api: { ms: number; rows: number; bytes: number; beforeMiB: number | null; peakMiB: number | null };
  raw: { ms: number; rows: number; bytes: number };
  met: boolean;
}

/** A process's resident set now, MiB (null when /proc cannot be read). */
function residentMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Counts bytes and CSV records (the bench's cells hold no line breaks, so records are CRLF-terminated lines). */
class Counter extends Writable {
  bytes = 0;
  records = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) this.records++;
    done();
  }
}

/**
 * `count` lines in shipments of 1,000 (the API's maximum), with the seed case's shapes: ten kinds of line,
 * unit values in two currencies, batches and expiry dates; one INSERT … SELECT per 100 shipments, one
 * transaction. Their audit entries are not written: the export does not read them.
 */
export async function loadLines(raw: RawSql, parties: Parties, count: number, log: (line: string) => void) {
  const shipments = Math.ceil(count / LINES_PER_SHIPMENT);
  const chunk = 100;
  const started = performance.now();
  await raw.inTransaction(async (client) => {
    for (let from = 1; from <= shipments; from += chunk) {
      const to = Math.min(shipments, from + chunk - 1);
      await client.query(
        `WITH s AS (
           INSERT INTO shipment (id, reference, title, status, version, donor_id, recipient_id, origin_country,
                                 origin_location, destination_country, destination_location, transport_mode,
                                 emergency, priority, planned_dispatch_date, expected_arrival_date, line_count,
                                 totals, created_at, updated_at)
           SELECT md5('bench-export-' || g)::uuid, 'BENCH-EXPORT-' || g, 'COVID-19 assistance, convoy ' || g,
                  'planned', 1, $3, $4, 'AZ', 'Baku', 'UA', 'Kyiv', 'rail', 'COVID-19', 'urgent',
                  DATE '2020-06-10', DATE '2020-06-20', least($5::int, $6::int - (g - 1) * $5::int),
                  '{"lines": 0, "declaredValue": [], "weightKg": null, "volumeM3": null}'::jsonb,
                  clock_timestamp(), clock_timestamp()
             FROM generate_series($1::int, $2::int) AS g
           RETURNING id, line_count)
         INSERT INTO shipment_item (id, shipment_id, line_no, description, category, quantity, unit, unit_value,
                                    currency, item_code, batch_number, expiry_date, weight_kg)
         SELECT gen_random_uuid(), s.id, n,
                (ARRAY['Medical masks', 'Protective suits', 'PCR test kits', 'Disinfectant, 5 l canister',
                       'Nitrile gloves', 'Face shields', 'Oxygen concentrators', 'Syringes 5 ml',
                       'Surgical gowns', 'Hand sanitiser'])[1 + n % 10] || ' (lot ' || n || ')',
                (ARRAY['ppe', 'ppe', 'laboratory', 'wash', 'ppe', 'ppe', 'medical_equipment',
                       'medical_consumables', 'ppe', 'wash'])[1 + n % 10],
                (n % 97 + 1) * 10, (ARRAY['each', 'box', 'kit', 'litre'])[1 + n % 4],
                ((n % 50) + 0.10)::numeric(12, 2), (ARRAY['USD', 'EUR'])[1 + n % 2],
                'ITEM-' || (n % 500), 'BATCH-2020-' || lpad((n % 1000)::text, 4, '0'),
                DATE '2021-11-30' + (n % 365), (n % 40) * 2.5
           FROM s, generate_series(1, s.line_count) AS n`,
        [from, to, parties.donorId, parties.recipientId, LINES_PER_SHIPMENT, count],
      );
      if ((to * LINES_PER_SHIPMENT) % 200_000 === 0 && to < shipments)
        log(`    ${to * LINES_PER_SHIPMENT} lines written`);
    }
  });
  await raw.query('ANALYZE shipment');
  await raw.query('ANALYZE shipment_item');
  return performance.now() - started;
}

/** GET with the body counted as it arrives, never held. */
function readExport(baseUrl: string, path: string, token: string): Promise<Counter> {
  return new Promise((resolveRead, reject) => {
    const req = request(new URL(path, baseUrl), { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${path} answered ${res.statusCode}`));
        return;
      }
      const counter = new Counter();
      pipeline(res, counter).then(() => resolveRead(counter), reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export async function measureExport(settings: {
  raw: RawSql;
  baseUrl: string;
  servicePid: number;
  adminToken: string;
  parties: Parties;
  lines: number;
  log: (line: string) => void;
}): Promise<ExportResult> {
  const { raw, baseUrl, servicePid, adminToken, parties, lines, log } = settings;
  log(
    `  writing ${lines} line items by SQL (${Math.ceil(lines / LINES_PER_SHIPMENT)} shipments, one transaction)`,
  );
  const loadMs = await loadLines(raw, parties, lines, log);
  const [{ total }] = await raw.query<{ total: number }>('SELECT count(*)::int AS total FROM shipment_item');
  log(`  written in ${(loadMs / 1000).toFixed(1)} s; ${total} lines in the ledger`);

  const beforeMiB = residentMiB(servicePid);
  const rss = new RssSampler(servicePid);
  rss.start();
  let began = performance.now();
  const body = await readExport(baseUrl, '/api/v1/shipments/export?format=csv', adminToken);
  const apiMs = performance.now() - began;
  const peakMiB = rss.stop();
  const apiRows = body.records - 1;
  log(
    `  GET /shipments/export: ${apiRows} rows, ${(body.bytes / 2 ** 20).toFixed(0)} MiB in ${(apiMs / 1000).toFixed(1)} s ` +
      `(${((apiRows / apiMs) * 1000).toFixed(0)} rows/s), service RSS ${beforeMiB?.toFixed(0) ?? '-'} MiB before, peak ${peakMiB?.toFixed(0) ?? '-'} MiB`,
  );
  if (apiRows !== total) throw new Error(`the export holds ${apiRows} rows, the ledger ${total} lines`);

  // The same statement and CSV writer over a cursor in this process: the export without HTTP and Nest.
  const { sql, parameters } = manifest({}, null);
  // As the service reads it: a read-only transaction without statement_timeout (the raw pool's connections
  // carry the service's 30 s, which a few million lines outlast), rows as arrays, a batch per fetch.
  const client = await raw.connect();
  const counter = new Counter();
  began = performance.now();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SELECT set_config('statement_timeout', '0', true)`);
    const rows = client.query(new QueryStream(sql, parameters, { batchSize: MANIFEST_BATCH, rowMode: 'array' }));
    await pipeline(rows, manifestCsvWriter(false), counter);
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    client.release(error as Error); // a cursor cut short may leave the connection mid-protocol: discard it
    throw error;
  }
  const rawMs = performance.now() - began;
  log(`  raw cursor + CSV in this process: ${(((counter.records - 1) / rawMs) * 1000).toFixed(0)} rows/s`);
  return {
    lines: total,
    loadMs,
    api: { ms: apiMs, rows: apiRows, bytes: body.bytes, beforeMiB, peakMiB },
    raw: { ms: rawMs, rows: counter.records - 1, bytes: counter.bytes },
    met: peakMiB !== null && peakMiB < EXPORT_PEAK_RSS_TARGET_MIB,
  };
}

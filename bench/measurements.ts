import { isDeepStrictEqual } from 'node:util';
import type { CommitLog } from './audit';
import type { HttpClient } from './http-client';
import type { Operation } from './load';
import type { RawSql } from './raw-sql';
import { Parties, recordFactory, seedShipmentBody } from './seed';

/** What every measurement may use. */
export interface BenchContext {
  api: HttpClient;
  raw: RawSql;
  adminToken: string;
  parties: Parties;
  connections: number;
  log(line: string): void;
  /** Where the create-shipment API side notes each 201's arrival, for commit-to-checkpoint latency. */
  commits?: CommitLog;
}

/**
 * One line of the report: the same operation through the API and as raw SQL, measured alternately.
 * To add one (issue 5: bulk load, list and report queries, audit verification), write a factory
 * below and add it to MEASUREMENTS.
 */
export interface Measurement {
  name: string;
  /** What one operation is. */
  description: string;
  /** The API's throughput must be at least this fraction of raw SQL's. */
  target: number;
  /** Data the measurement needs, made before its warm-up. */
  prepare?(): Promise<void>;
  /** Proof, before measuring, that both sides do the same thing; throws when they do not. */
  check?(): Promise<void>;
  api: Operation;
  raw: Operation;
  /**
   * Requests in flight for this measurement when fewer than --connections: a report that aggregates a
   * year of a million shipments takes seconds of CPU, and 16 at once on 2 cores would each wait past the
   * 30 s query timeout (as reports are run: by a few people, not by 16 clients in a loop).
   */
  connections?: number;
  /**
   * After each measured run, before its CPU is read: background work the run caused that belongs to
   * it (e.g. audit integration). Returns a note for the run's line, if any.
   */
  afterRun?(): Promise<string | undefined>;
}

export type MeasurementFactory = (context: BenchContext) => Measurement;

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, accept: 'application/json' });

/** POST /api/v1/shipments with the seed case's 5 lines, against the same transaction in raw SQL. */
export const createShipment: MeasurementFactory = (context) => {
  const body = seedShipmentBody(context.parties);
  const payload = Buffer.from(JSON.stringify(body));
  const headers = { ...bearer(context.adminToken), 'content-type': 'application/json' };
  const nextRecord = recordFactory(body);
  const post = () => context.api.expect(201, 'POST', '/api/v1/shipments', headers, payload);
  let afterRuns = 0;
  return {
    name: 'create-shipment',
    description: 'POST /api/v1/shipments, 5 lines (token lookup + 1 transaction, 9 round trips)',
    target: 0.6,
    api: async () => {
      const response = await post();
      context.commits?.record(Date.now(), response.body);
    },
    raw: async () => {
      await context.raw.createShipment(context.adminToken, nextRecord());
    },
    afterRun: async () => {
      // The first call follows the warm-ups: commit-to-checkpoint counts the measured runs only.
      if (afterRuns++ === 0) context.commits?.clear();
      const waited = await drainAuditQueue(context.raw);
      return waited === null ? undefined : `audit backlog integrated in ${waited} ms`;
    },
    check: async () => {
      const viaApi = JSON.parse((await post()).body.toString('utf8'));
      const rawId = await context.raw.createShipment(context.adminToken, nextRecord());
      const rawAsServed = await context.api.json('GET', `/api/v1/shipments/${rawId}`, context.adminToken);
      const identity = (view: any) => ({
        ...view,
        id: undefined,
        reference: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        items: view.items.map((item: any) => ({ ...item, id: undefined })),
      });
      if (!isDeepStrictEqual(identity(viaApi), identity(rawAsServed))) {
        throw new Error(
          `create-shipment: the raw twin stored another shipment than the API:\n` +
            `API: ${JSON.stringify(identity(viaApi))}\nraw: ${JSON.stringify(identity(rawAsServed))}`,
        );
      }
      const audit = await context.raw.query<{ action: string; entity_id: string }>(
        'SELECT action, entity_id FROM audit_entry WHERE entity_id = ANY($1::uuid[]) ORDER BY action',
        [[viaApi.id, rawId]],
      );
      if (audit.length !== 2 || audit.some((entry) => entry.action !== 'shipment.created')) {
        throw new Error(
          `create-shipment: expected one shipment.created entry per side, found ${JSON.stringify(audit)}`,
        );
      }
    },
  };
};

/** GET /api/v1/shipments/:reference over the shipments created so far, against the same SELECTs. */
export const readByReference: MeasurementFactory = (context) => {
  let references: string[] = [];
  let nextApi = 0;
  let nextRaw = 0;
  const headers = bearer(context.adminToken);
  const minimum = 1000;
  const path = (reference: string) => `/api/v1/shipments/${encodeURIComponent(reference)}`;
  return {
    name: 'read-by-reference',
    description: 'GET /api/v1/shipments/:reference (token lookup + 1 SELECT, 2 round trips)',
    target: 0.5,
    prepare: async () => {
      const [{ count }] = await context.raw.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM shipment',
      );
      if (count < minimum) {
        context.log(`  creating ${minimum - count} shipments to read`);
        const nextRecord = recordFactory(seedShipmentBody(context.parties));
        let left = minimum - count;
        await Promise.all(
          Array.from({ length: context.connections }, async () => {
            while (left-- > 0) await context.raw.createShipment(context.adminToken, nextRecord());
          }),
        );
        await drainAuditQueue(context.raw);
      }
      const rows = await context.raw.query<{ reference: string }>(
        'SELECT reference FROM shipment ORDER BY id',
      );
      // Both sides read the same references in the same (scattered, reproducible) order.
      references = shuffle(rows.map((row) => row.reference));
      nextApi = nextRaw = 0;
    },
    check: async () => {
      const reference = references[0];
      const served = await context.api.json('GET', path(reference), context.adminToken);
      const stored = await context.raw.readShipment(context.adminToken, reference);
      const { warnings: _warnings, ...servedWithoutWarnings } = served;
      if (!isDeepStrictEqual(servedWithoutWarnings, JSON.parse(JSON.stringify(stored)))) {
        throw new Error(
          `read-by-reference: the raw twin read another shipment than the API:\n` +
            `API: ${JSON.stringify(servedWithoutWarnings)}\nraw: ${JSON.stringify(stored)}`,
        );
      }
    },
    api: async () => {
      await context.api.expect(200, 'GET', path(references[nextApi++ % references.length]), headers);
    },
    raw: async () => {
      await context.raw.readShipment(context.adminToken, references[nextRaw++ % references.length]);
    },
  };
};

/**
 * Waits until the service's audit integrator (src/audit/audit-integrator.ts) has sequenced every queued
 * entry, so that each run's entries are integrated, and the CPU that takes is counted, within that run
 * and none spill into the next one. Both sides' entries are integrated by the service alike. Returns
 * the milliseconds waited, or null when this schema has no audit queue.
 */
async function drainAuditQueue(raw: RawSql, timeoutMs = 120_000): Promise<number | null> {
  const started = Date.now();
  for (;;) {
    let queued: number;
    try {
      [{ queued }] = await raw.query<{ queued: number }>('SELECT count(*)::int AS queued FROM audit_queue');
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return null; // undefined_table
      throw error;
    }
    if (queued === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`the audit integrator left ${queued} entries queued for ${timeoutMs} ms`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

/** By name, in report order; writes first, so that reads have rows to read. */
export const MEASUREMENTS: ReadonlyArray<readonly [name: string, factory: MeasurementFactory]> = [
  ['create-shipment', createShipment],
  ['read-by-reference', readByReference],
];

/** Fisher–Yates with a fixed-seed generator, so runs read in the same order. */
function shuffle<T>(values: T[]): T[] {
  let seed = 0x2f6b3a1;
  const random = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

/**
 * The audit trail's own numbers (issue 5): how long after a create's 201 its entry is covered by a signed
 * checkpoint under load, and how fast a large log is integrated, verified online (GET /audit/verify) and
 * offline (the verify-export CLI's verifyExport) against raw SHA-256 over the same bytes on this machine.
 */
import { createHash, createPublicKey, randomUUID } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { entryText, splitExportLine } from '../src/audit/audit-entry.view';
import { verifyExport } from '../src/audit/cli/verify-export';
import type { HttpClient } from './http-client';
import { percentile } from './load';
import type { RawSql } from './raw-sql';

/** Target: p99 of commit-to-checkpoint under load, milliseconds. */
export const CHECKPOINT_P99_TARGET_MS = 2000;
/** Target: verification throughput as a fraction of raw SHA-256 over the same bytes. */
export const VERIFY_RATIO_TARGET = 0.3;

/**
 * Successful creates as the load generator saw them: the wall-clock time the 201 arrived and its body
 * (the shipment id is read from it afterwards, so that the measured loop does no parsing).
 */
export class CommitLog {
  private arrivals: number[] = [];
  private bodies: Buffer[] = [];

  record(arrivedMs: number, body: Buffer): void {
    this.arrivals.push(arrivedMs);
    this.bodies.push(body);
  }

  clear(): void {
    this.arrivals = [];
    this.bodies = [];
  }

  get size(): number {
    return this.arrivals.length;
  }

  /** Shipment ids and arrival times, for the one SQL query below. */
  take(): { ids: string[]; arrivals: number[] } {
    const ids = this.bodies.map((body) => (JSON.parse(body.toString('utf8')) as { id: string }).id);
    const arrivals = this.arrivals;
    this.clear();
    return { ids, arrivals };
  }
}

export interface CheckpointLatency {
  creates: number;
  /** Creates whose entry no checkpoint covers (should be 0 once the queue is drained). */
  uncovered: number;
  minMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  met: boolean;
}

/**
 * After the runs, in one query: each create's entry (audit_entry by entity_id) → its leaf (audit_leaf.seq)
 * → the first checkpoint whose tree covers it (tree_size > seq) → checkpoint.created_at − the 201's arrival.
 * Both clocks are this machine's. created_at is stamped just before the integrator's transaction commits,
 * so the checkpoint is readable a few milliseconds after it.
 */
export async function commitToCheckpoint(raw: RawSql, commits: CommitLog): Promise<CheckpointLatency> {
  const { ids, arrivals } = commits.take();
  const rows = await raw.query<{ latency_ms: number | null }>(
    `SELECT extract(epoch FROM c.created_at) * 1000 - r.arrived_ms AS latency_ms
       FROM unnest($1::uuid[], $2::float8[]) AS r(id, arrived_ms)
       JOIN audit_entry e ON e.entity_type = 'shipment' AND e.entity_id = r.id AND e.action = 'shipment.created'
       LEFT JOIN audit_leaf l ON l.entry_id = e.id
       LEFT JOIN LATERAL (SELECT created_at FROM audit_checkpoint
                           WHERE tree_size > l.seq ORDER BY tree_size LIMIT 1) c ON true`,
    [ids, arrivals],
  );
  const latencies = Float64Array.from(
    rows.filter((row) => row.latency_ms !== null).map((row) => Number(row.latency_ms)),
  ).sort();
  const p99Ms = percentile(latencies, 0.99);
  const uncovered = ids.length - latencies.length;
  return {
    creates: ids.length,
    uncovered,
    minMs: latencies.length ? latencies[0] : Number.NaN,
    p50Ms: percentile(latencies, 0.5),
    p99Ms,
    maxMs: latencies.length ? latencies[latencies.length - 1] : Number.NaN,
    met: uncovered === 0 && p99Ms < CHECKPOINT_P99_TARGET_MS,
  };
}

/** A process's resident memory: the peak over a phase (sampled VmRSS, and VmHWM when it can be reset). */
export class RssSampler {
  private peakKb = 0;
  private timer?: NodeJS.Timeout;
  private hwmReset = false;

  constructor(private readonly pid: number) {}

  private field(name: 'VmRSS' | 'VmHWM'): number {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) : 0;
    } catch {
      return 0;
    }
  }

  start(): void {
    // Writing 5 to clear_refs resets VmHWM (the kernel's peak RSS) to the current RSS, so the peak read
    // at the end is this phase's own, not an earlier one's; when not allowed, sampling alone tells.
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
      this.hwmReset = true;
    } catch {
      this.hwmReset = false;
    }
    this.peakKb = this.field('VmRSS');
    this.timer = setInterval(() => {
      this.peakKb = Math.max(this.peakKb, this.field('VmRSS'));
    }, 25);
  }

  /** Peak resident set in MiB (null when /proc cannot be read). */
  stop(): number | null {
    clearInterval(this.timer);
    const peak = Math.max(this.peakKb, this.field('VmRSS'), this.hwmReset ? this.field('VmHWM') : 0);
    return peak ? peak / 1024 : null;
  }
}

export interface VerificationResult {
  /** Entries loaded by SQL for this measurement. */
  loaded: number;
  /** Entries in the log when verified (the loaded ones plus those of the earlier measurements). */
  entries: number;
  loadMs: number;
  integrateMs: number;
  checkpoints: number;
  online: PhaseResult;
  exportPhase: PhaseResult & { bytes: number };
  offline: PhaseResult;
  /** Raw SHA-256 over 0x00 ‖ each export line, right after each verification, in this process. */
  rawAfterOnline: number;
  rawAfterOffline: number;
}

export interface PhaseResult {
  ms: number;
  entriesPerSecond: number;
  valid: boolean;
  /** Peak RSS of the service during the phase (online verify, export), MiB; null for in-process phases. */
  servicePeakMiB: number | null;
}

const ACTOR = {
  tokenId: '6f1c1c9e-2b7a-4c1e-9a51-0d3f0b7f8e21',
  name: 'Logistics desk, Gaziantep hub',
  role: 'coordinator',
  organizationId: null,
};

const STATUSES = ['planned', 'dispatched', 'in_transit', 'arrived', 'received'];
const uuidFrom = (text: string) => {
  const hex = createHash('md5').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** Entry g, shaped like shipment.event_recorded: actor, before {id, status, version}, after {event, shipment}. */
function benchEntry(g: number, at: string) {
  const shipmentId = uuidFrom(`bench-shipment-${Math.floor(g / 4)}`);
  const [beforeStatus, afterStatus] = [STATUSES[g % 4], STATUSES[1 + (g % 4)]];
  return {
    id: randomUUID(),
    recordedAt: at,
    action: 'shipment.event_recorded',
    entityType: 'shipment',
    entityId: shipmentId,
    actor: ACTOR,
    requestId: `bench-${g}`,
    before: { id: shipmentId, status: beforeStatus, version: 1 + (g % 4) },
    after: {
      event: {
        id: uuidFrom(`bench-event-${g}`),
        shipmentId,
        type: afterStatus,
        occurredAt: at,
        recordedAt: at,
        location: { name: 'Kilis border crossing', latitude: '36.7184', longitude: '37.1212' },
        note: `Convoy ${g % 97} checked at the crossing; seals intact`,
        receipt: null,
        evidence: null,
        actor: ACTOR,
        voidsEventId: null,
      },
      shipment: { id: shipmentId, status: afterStatus, version: 2 + (g % 4), updatedAt: at },
    },
  };
}

/**
 * N entries shaped like shipment.event_recorded (about 650 bytes of canonical JSON each), four events per
 * shipment, stored as the service stores them (canonical text, built here with the service's own
 * entryText) with their queue rows, in one transaction (chunks of 5,000 rows), then integrated by the
 * running service's integrator.
 */
export async function loadAuditEntries(raw: RawSql, count: number, log: (line: string) => void) {
  const chunk = 5_000;
  const started = performance.now();
  await raw.inTransaction(async (client) => {
    for (let from = 1; from <= count; from += chunk) {
      const to = Math.min(count, from + chunk - 1);
      const at = new Date().toISOString();
      const entries = Array.from({ length: to - from + 1 }, (_, i) => benchEntry(from + i, at));
      await client.query(
        `WITH entry AS (
           INSERT INTO audit_entry (id, recorded_at, action, entity_type, entity_id, actor, request_id, content)
           SELECT id, $2::timestamptz, 'shipment.event_recorded', 'shipment', entity_id, $3::jsonb, request_id, content
             FROM unnest($1::uuid[], $4::uuid[], $5::text[], $6::text[]) WITH ORDINALITY AS t(id, entity_id, request_id, content, n)
            ORDER BY n
           RETURNING id)
         INSERT INTO audit_queue (entry_id) SELECT id FROM entry`,
        [
          entries.map((e) => e.id),
          at,
          JSON.stringify(ACTOR),
          entries.map((e) => e.entityId),
          entries.map((e) => e.requestId),
          entries.map((e) => entryText(e)),
        ],
      );
      if (to % 200_000 === 0 && to < count) log(`    ${to} entries written`);
    }
  });
  return performance.now() - started;
}

/** Polls until the integrator has emptied audit_queue; returns the milliseconds it took. */
export async function awaitIntegration(raw: RawSql, log: (line: string) => void, timeoutMs: number) {
  const started = performance.now();
  let reported = started;
  for (;;) {
    const [{ queued }] = await raw.query<{ queued: number }>('SELECT count(*)::int AS queued FROM audit_queue');
    if (queued === 0) return performance.now() - started;
    const now = performance.now();
    if (now - started > timeoutMs)
      throw new Error(`the audit integrator left ${queued} entries queued after ${timeoutMs / 1000} s`);
    if (now - reported > 15_000) {
      reported = now;
      log(`    ${queued} entries still queued after ${((now - started) / 1000).toFixed(0)} s`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

/** GET with the body streamed to a file (the export can be a gigabyte); returns its size in bytes. */
function download(baseUrl: string, path: string, token: string, file: string): Promise<number> {
  const url = new URL(path, baseUrl);
  return new Promise((resolveDownload, reject) => {
    const req = request(
      url,
      { headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET ${path} answered ${res.statusCode}`));
          return;
        }
        pipeline(res, createWriteStream(file)).then(() => resolveDownload(statSync(file).size), reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Raw SHA-256 over exactly what a verifier hashes per leaf: 0x00 ‖ each entry's bytes, taken from the
 * export file (the stored canonical text behind each line's seq and leafHash; the checkpoint line is
 * skipped). Only the hashing is timed: not the reading, not finding the lines. Returns hashes per second.
 */
export function rawSha256(file: string): { lines: number; perSecond: number } {
  const prefix = Buffer.from([0]);
  const fd = openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(64 * 1024 * 1024);
  let carry = 0;
  let lines = 0;
  let hashingMs = 0;
  let sink = 0;
  try {
    for (;;) {
      const read = readSync(fd, buffer, carry, buffer.length - carry, null);
      const end = carry + read;
      let start = 0;
      const entries: Buffer[][] = [];
      for (let newline = buffer.indexOf(10, start); newline !== -1 && newline < end; newline = buffer.indexOf(10, start)) {
        const split = splitExportLine(buffer.subarray(start, newline));
        start = newline + 1;
        if (split) entries.push(split.bytes);
      }
      const began = performance.now();
      for (const parts of entries) {
        const hash = createHash('sha256').update(prefix);
        for (const part of parts) hash.update(part);
        sink ^= hash.digest()[0];
      }
      hashingMs += performance.now() - began;
      lines += entries.length;
      if (read === 0) break;
      carry = end - start;
      buffer.copy(buffer, 0, start, end);
    }
  } finally {
    closeSync(fd);
  }
  if (sink === -1) throw new Error('unreachable'); // keeps the digests live
  return { lines, perSecond: (lines / hashingMs) * 1000 };
}

/**
 * Loads `count` entries by SQL, waits for the service to integrate them, then times GET /audit/verify
 * and the offline verifier over a downloaded export, each followed by raw SHA-256 over the same bytes.
 */
export async function measureVerification(settings: {
  raw: RawSql;
  api: HttpClient;
  baseUrl: string;
  servicePid: number;
  adminToken: string;
  count: number;
  log: (line: string) => void;
}): Promise<VerificationResult> {
  const { raw, api, baseUrl, servicePid, adminToken, count, log } = settings;
  log(`  writing ${count} audit entries by SQL (one transaction)`);
  const loadMs = await loadAuditEntries(raw, count, log);
  log(`  written in ${(loadMs / 1000).toFixed(1)} s; waiting for the service's integrator`);
  const integrateMs = await awaitIntegration(raw, log, Math.max(600_000, count * 2));
  const [{ entries, checkpoints }] = await raw.query<{ entries: number; checkpoints: number }>(
    'SELECT (SELECT count(*)::int FROM audit_leaf) AS entries, (SELECT count(*)::int FROM audit_checkpoint) AS checkpoints',
  );
  log(
    `  integrated in ${(integrateMs / 1000).toFixed(1)} s (${((count / integrateMs) * 1000).toFixed(0)} entries/s); ` +
      `log: ${entries} entries, ${checkpoints} checkpoints`,
  );
  const headers = { authorization: `Bearer ${adminToken}`, accept: 'application/json' };
  const file = resolve(tmpdir(), `aidtrail-bench-export-${process.pid}.ndjson`);
  try {
    // Online: the service reads and recomputes everything.
    let rss = new RssSampler(servicePid);
    rss.start();
    let began = performance.now();
    const response = await api.expect(200, 'GET', '/api/v1/audit/verify', headers);
    const onlineMs = performance.now() - began;
    const onlinePeak = rss.stop();
    const report = JSON.parse(response.body.toString('utf8')) as { valid: boolean; checked?: number };
    const online: PhaseResult = {
      ms: onlineMs,
      entriesPerSecond: (entries / onlineMs) * 1000,
      valid: report.valid === true,
      servicePeakMiB: onlinePeak,
    };
    log(
      `  GET /audit/verify: ${(onlineMs / 1000).toFixed(1)} s, valid=${report.valid}, ` +
        `service peak RSS ${onlinePeak?.toFixed(0) ?? '-'} MiB`,
    );

    // The export, streamed to a file.
    rss = new RssSampler(servicePid);
    rss.start();
    began = performance.now();
    const bytes = await download(baseUrl, '/api/v1/audit/export', adminToken, file);
    const exportMs = performance.now() - began;
    const exportPeak = rss.stop();
    log(
      `  GET /audit/export: ${(bytes / 2 ** 20).toFixed(0)} MiB in ${(exportMs / 1000).toFixed(1)} s, ` +
        `service peak RSS ${exportPeak?.toFixed(0) ?? '-'} MiB`,
    );
    const rawAfterOnline = rawSha256(file);

    // Offline: the CLI's verifyExport, in this process.
    const { publicKey } = await api.json<{ publicKey: string }>('GET', '/api/v1/audit/public-key', adminToken);
    began = performance.now();
    const { report: offlineReport } = await verifyExport(file, createPublicKey(publicKey));
    const offlineMs = performance.now() - began;
    const rawAfterOffline = rawSha256(file);
    log(
      `  verifyExport (offline, in-process): ${(offlineMs / 1000).toFixed(1)} s, valid=${offlineReport.valid}; ` +
        `raw SHA-256 over ${rawAfterOffline.lines} lines: ${rawAfterOffline.perSecond.toFixed(0)} /s`,
    );
    if (rawAfterOffline.lines !== entries)
      throw new Error(`the export holds ${rawAfterOffline.lines} entries, the log ${entries}`);
    return {
      loaded: count,
      entries,
      loadMs,
      integrateMs,
      checkpoints,
      online,
      exportPhase: {
        ms: exportMs,
        entriesPerSecond: (entries / exportMs) * 1000,
        valid: true,
        servicePeakMiB: exportPeak,
        bytes,
      },
      offline: {
        ms: offlineMs,
        entriesPerSecond: (entries / offlineMs) * 1000,
        valid: offlineReport.valid === true,
        servicePeakMiB: null,
      },
      rawAfterOnline: rawAfterOnline.perSecond,
      rawAfterOffline: rawAfterOffline.perSecond,
    };
  } finally {
    rmSync(file, { force: true });
  }
}

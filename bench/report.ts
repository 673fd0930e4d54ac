import {
  CHECKPOINT_P99_TARGET_MS,
  type CheckpointLatency,
  VERIFY_RATIO_TARGET,
  type VerificationResult,
} from './audit';
import type { CpuTimes } from './cpu';
import { EXPORT_PEAK_RSS_TARGET_MIB, type ExportResult } from './export';
import { combine, LoadResult, percentile } from './load';

export interface SideResult {
  /** Mean of the rounds' throughputs, requests per second. */
  throughput: number;
  /** Each round's throughput. */
  rounds: number[];
  completed: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU milliseconds per successful request, by component (null: not measurable here). */
  cpuPerRequest: { client: number; service: number | null; postgres: number | null };
}

export interface MeasurementResult {
  name: string;
  description: string;
  target: number;
  api: SideResult;
  raw: SideResult;
  /** API throughput / raw SQL throughput. */
  ratio: number;
  met: boolean;
  /** Failed requests of both sides, warm-ups included: message → count. */
  failures: Map<string, number>;
}

export function sideResult(runs: LoadResult[], cpu: CpuTimes[]): SideResult {
  const all = combine(runs);
  const per = (values: Array<number | null>) =>
    values.some((v) => v === null)
      ? null
      : values.reduce<number>((sum, v) => sum + v!, 0) / Math.max(1, all.completed);
  return {
    throughput: all.throughput,
    rounds: all.rounds,
    completed: all.completed,
    failed: all.failed,
    p50Ms: percentile(all.latenciesMs, 0.5),
    p99Ms: percentile(all.latenciesMs, 0.99),
    cpuPerRequest: {
      client: per(cpu.map((c) => c.clientMs))!,
      service: per(cpu.map((c) => c.serviceMs)),
      postgres: per(cpu.map((c) => c.postgresMs)),
    },
  };
}

const fixed = (value: number | null, digits: number) =>
  value === null || Number.isNaN(value) ? '-' : value.toFixed(digits);

function table(header: string[], rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        rightAligned(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
      )
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The main table: one line per operation. */
export function formatResults(results: MeasurementResult[]): string {
  return table(
    [
      'operation',
      'API req/s',
      'raw SQL req/s',
      'ratio',
      'target',
      'result',
      'API p50 / p99 ms',
      'raw p50 / p99 ms',
    ],
    results.map((r) => [
      r.name,
      fixed(r.api.throughput, 1),
      fixed(r.raw.throughput, 1),
      fixed(r.ratio, 2),
      `>= ${r.target.toFixed(2)}`,
      r.met ? 'met' : 'MISSED',
      `${fixed(r.api.p50Ms, 2)} / ${fixed(r.api.p99Ms, 2)}`,
      `${fixed(r.raw.p50Ms, 2)} / ${fixed(r.raw.p99Ms, 2)}`,
    ]),
    (column) => column !== 0 && column !== 5,
  );
}

/** Per side: each round's throughput and the CPU each component spent per request. */
export function formatDetails(results: MeasurementResult[]): string {
  const rows = results.flatMap((r) =>
    (['api', 'raw'] as const).map((side) => {
      const s = r[side];
      const cpu = s.cpuPerRequest;
      const total = cpu.client + (cpu.service ?? 0) + (cpu.postgres ?? 0);
      return [
        `${r.name} ${side === 'api' ? 'API' : 'raw'}`,
        s.rounds.map((t) => t.toFixed(0)).join(', '),
        String(s.completed),
        fixed(cpu.client, 3),
        fixed(cpu.service, 3),
        fixed(cpu.postgres, 3),
        fixed(total, 3),
      ];
    }),
  );
  return table(
    ['side', 'req/s by round', 'requests', 'CPU ms/req: bench', 'service', 'postgres', 'total'],
    rows,
    (column) => column !== 0,
  );
}

/** Commit (201 arrival) to the first signed checkpoint covering the entry, under the create-shipment load. */
export function formatCheckpointLatency(latency: CheckpointLatency): string {
  return table(
    ['measure', 'creates', 'uncovered', 'min ms', 'p50 ms', 'p99 ms', 'max ms', 'target', 'result'],
    [
      [
        'commit-to-checkpoint',
        String(latency.creates),
        String(latency.uncovered),
        fixed(latency.minMs, 0),
        fixed(latency.p50Ms, 0),
        fixed(latency.p99Ms, 0),
        fixed(latency.maxMs, 0),
        `p99 < ${CHECKPOINT_P99_TARGET_MS} ms`,
        latency.met ? 'met' : 'MISSED',
      ],
    ],
    (column) => column !== 0 && column !== 8,
  );
}

/** Integration, online and offline verification of the loaded log; ratio = entries/s / raw SHA-256/s. */
export function formatVerification(v: VerificationResult): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const rate = (count: number, ms: number) => fixed((count / ms) * 1000, 0);
  const mib = (value: number | null) => fixed(value, 0);
  const compared = (phase: VerificationResult['online'], rawRate: number) => {
    const ratio = phase.entriesPerSecond / rawRate;
    const met = phase.valid && ratio >= VERIFY_RATIO_TARGET;
    return [fixed(rawRate, 0), fixed(ratio, 3), `>= ${VERIFY_RATIO_TARGET.toFixed(2)}`, met ? 'met' : 'MISSED'];
  };
  return table(
    [
      'audit operation',
      'entries',
      'seconds',
      'entries/s',
      'raw SHA-256/s',
      'ratio',
      'target',
      'result',
      'valid',
      'service peak RSS MiB',
    ],
    [
      ['load by SQL (1 tx)', String(v.loaded), seconds(v.loadMs), rate(v.loaded, v.loadMs), '-', '-', '-', '-', '-', '-'],
      ['integrate (service)', String(v.loaded), seconds(v.integrateMs), rate(v.loaded, v.integrateMs), '-', '-', '-', '-', '-', '-'],
      [
        'GET /audit/verify',
        String(v.entries),
        seconds(v.online.ms),
        fixed(v.online.entriesPerSecond, 0),
        ...compared(v.online, v.rawAfterOnline),
        String(v.online.valid),
        mib(v.online.servicePeakMiB),
      ],
      [
        'GET /audit/export',
        String(v.entries),
        seconds(v.exportPhase.ms),
        fixed(v.exportPhase.entriesPerSecond, 0),
        '-',
        '-',
        '-',
        '-',
        '-',
        mib(v.exportPhase.servicePeakMiB),
      ],
      [
        'verifyExport (offline)',
        String(v.entries),
        seconds(v.offline.ms),
        fixed(v.offline.entriesPerSecond, 0),
        ...compared(v.offline, v.rawAfterOffline),
        String(v.offline.valid),
        '-',
      ],
    ],
    (column) => column !== 0 && column !== 7 && column !== 8,
  );
}

/** The export against the same cursor and CSV writer in the bench process; target: the service's peak RSS. */
export function formatExport(e: ExportResult): string {
  const rate = (rows: number, ms: number) => fixed((rows / ms) * 1000, 0);
  return table(
    ['export', 'rows', 'MiB', 'seconds', 'rows/s', 'service RSS before MiB', 'peak RSS MiB', 'target', 'result'],
    [
      [
        'GET /shipments/export?format=csv',
        String(e.api.rows),
        fixed(e.api.bytes / 2 ** 20, 0),
        fixed(e.api.ms / 1000, 1),
        rate(e.api.rows, e.api.ms),
        fixed(e.api.beforeMiB, 0),
        fixed(e.api.peakMiB, 0),
        `< ${EXPORT_PEAK_RSS_TARGET_MIB} MiB`,
        e.met ? 'met' : 'MISSED',
      ],
      [
        'raw cursor + CSV (bench process)',
        String(e.raw.rows),
        fixed(e.raw.bytes / 2 ** 20, 0),
        fixed(e.raw.ms / 1000, 1),
        rate(e.raw.rows, e.raw.ms),
        '-',
        '-',
        '-',
        '-',
      ],
    ],
    (column) => column !== 0 && column !== 8,
  );
}

export function formatFailures(results: MeasurementResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    for (const [message, count] of r.failures) lines.push(`  ${r.name}: ${count} x ${message}`);
  }
  return lines.join('\n');
}

/** The results as plain data (for --json). */
export function toJson(results: MeasurementResult[], settings: Record<string, unknown>) {
  return {
    ...settings,
    results: results.map((r) => ({ ...r, failures: Object.fromEntries(r.failures) })),
  };
}

/** A scale measurement that was not run, with why (e.g. the summary endpoint answering 404). */
export interface SkippedMeasurement {
  name: string;
  reason: string;
}

/**
 * The scale section's table: each query through the API beside its raw SQL twin, then, per list, what
 * a deep page costs against page 1 (keyset pagination: the ratio should stay near 1 at any depth).
 */
export function formatScaleResults(results: MeasurementResult[], skipped: SkippedMeasurement[]): string {
  const rows = results.map((r) => [
    r.name,
    fixed(r.api.throughput, 1),
    fixed(r.raw.throughput, 1),
    fixed(r.ratio, 2),
    `>= ${r.target.toFixed(2)}`,
    r.met ? 'met' : 'MISSED',
    `${fixed(r.api.p50Ms, 2)} / ${fixed(r.api.p99Ms, 2)}`,
    `${fixed(r.raw.p50Ms, 2)} / ${fixed(r.raw.p99Ms, 2)}`,
  ]);
  for (const s of skipped) rows.push([s.name, s.reason, '', '', '', '', '', '']);
  const main = table(
    ['operation', 'API req/s', 'raw SQL req/s', 'ratio', 'target', 'result', 'API p50 / p99 ms', 'raw p50 / p99 ms'],
    rows,
    (column) => column !== 0 && column !== 5,
  );
  const depthRows = results
    .filter((r) => r.name.endsWith('-deep'))
    .map((deep) => {
      const first = results.find((r) => r.name === deep.name.replace(/-deep$/, ''));
      if (!first) return null;
      return [
        deep.name.replace(/-deep$/, ''),
        `${fixed(first.api.p50Ms, 2)} / ${fixed(deep.api.p50Ms, 2)}`,
        fixed(deep.api.p50Ms / first.api.p50Ms, 2),
        `${fixed(first.raw.p50Ms, 2)} / ${fixed(deep.raw.p50Ms, 2)}`,
        fixed(deep.raw.p50Ms / first.raw.p50Ms, 2),
      ];
    })
    .filter((row): row is string[] => row !== null);
  if (depthRows.length === 0) return main;
  const depth = table(
    ['keyset list', 'API p50 ms page 1 / deep', 'deep / page 1', 'raw p50 ms page 1 / deep', 'deep / page 1'],
    depthRows,
    (column) => column !== 0,
  );
  return `${main}\n\n${depth}`;
}

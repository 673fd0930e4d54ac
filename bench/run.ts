/**
 * AidTrail benchmark: the API against raw SQL of the same shape, on the same PostgreSQL, in one run.
 *
 *   npm run bench                 (builds, then node dist/bench/run.js)
 *   node dist/bench/run.js --quick --connections=16
 *
 * It starts (or uses) a PostgreSQL server, creates and migrates a fresh database, starts the compiled
 * service on it as a child process, creates the seed case's organizations through the API, then for
 * each measurement warms both sides up and measures them alternately (A B B A …) for a fixed duration
 * at N concurrent connections: the API through keep-alive HTTP, the raw side through a pg.Pool of N
 * connections sending the service's own statements. It prints throughput, the API/raw ratio against
 * its target, latencies and CPU per request; it reports and does not assert, except that any failed
 * request makes the exit code 1. Last, the scale section (bench/scale.ts) loads --scale-shipments
 * shipments by SQL and measures lists (page 1 and a deep cursor), lookups and summaries at that size the
 * same way, with the plans of the main queries.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { CheckpointLatency, CommitLog, commitToCheckpoint, measureVerification, VerificationResult } from './audit';
import { CpuMeter, CpuTimes } from './cpu';
import { BenchDatabase, PROJECT_ROOT, provisionDatabase } from './database';
import { ExportResult, measureExport } from './export';
import { HttpClient } from './http-client';
import { LoadResult, percentile, runLoad } from './load';
import { BenchContext, Measurement, MEASUREMENTS } from './measurements';
import { BenchOptions, parseOptions, USAGE, UsageError } from './options';
import { summariseProfiles } from './profile';
import { RawSql } from './raw-sql';
import {
  formatCheckpointLatency,
  formatDetails,
  formatExport,
  formatFailures,
  formatVerification,
  formatResults,
  formatScaleResults,
  MeasurementResult,
  sideResult,
  toJson,
} from './report';
import { explain, loadScaleData, Plan, ScaleData, scaleMeasurements, Skipped } from './scale';
import { seedParties } from './seed';
import { SERVICE_NODE_FLAGS, ServiceProcess, startService } from './service';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** Not an API/raw pair: the audit log's integration and verification over --audit-entries entries. */
const AUDIT_VERIFY = 'audit-verify';
/** The scale section: --scale-shipments loaded by SQL, then lists, lookups and summaries at that size. */
const SCALE = 'scale';
/** Not an API/raw pair either: the line-item CSV export of --export-lines lines, and the service's peak memory. */
const CSV_EXPORT = 'csv-export';

/** Undo steps, run last-in first-out once, whether the run ends, fails or is interrupted. */
class Cleanup {
  private readonly steps: Array<{ name: string; run: () => Promise<unknown> | unknown; firstWhenInterrupted: boolean }> = [];
  private done?: Promise<void>;

  /**
   * Steps run in reverse order of registration. On Ctrl-C or SIGTERM the steps marked
   * `firstWhenInterrupted` (stopping the service, then dropping the database WITH FORCE) run before all
   * others: the drop ends the statements still running at once, where closing the pools first would wait
   * for them (a scale load's bulk INSERT, minutes).
   */
  add(name: string, run: () => Promise<unknown> | unknown, options: { firstWhenInterrupted?: boolean } = {}): void {
    this.steps.push({ name, run, firstWhenInterrupted: options.firstWhenInterrupted ?? false });
  }

  run(interrupted = false): Promise<void> {
    this.done ??= (async () => {
      const reversed = [...this.steps].reverse();
      const order = interrupted
        ? [...reversed.filter((step) => step.firstWhenInterrupted), ...reversed.filter((step) => !step.firstWhenInterrupted)]
        : reversed;
      for (const step of order) {
        try {
          await step.run();
        } catch (error) {
          process.stderr.write(`cleanup: ${step.name} failed: ${(error as Error).message}\n`);
        }
      }
    })();
    return this.done;
  }
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) process.stderr.write(`${error.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    return error.message ? 2 : 0;
  }
  const known = [...MEASUREMENTS.map(([name]) => name), AUDIT_VERIFY, SCALE, CSV_EXPORT];
  const unknown = (options.only ?? []).filter((name) => !known.includes(name));
  if (unknown.length) {
    process.stderr.write(`unknown measurement ${unknown.join(', ')}; known: ${known.join(', ')}\n`);
    return 2;
  }
  const cleanup = new Cleanup();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: cleaning up\n`);
      void cleanup.run(true).finally(() => process.exit(130));
    });
  }
  try {
    return await benchmark(options, cleanup);
  } finally {
    await cleanup.run();
  }
}

async function benchmark(options: BenchOptions, cleanup: Cleanup): Promise<number> {
  const started = Date.now();
  const benchDir = resolve(process.env.BENCH_DATA_DIR ?? resolve(PROJECT_ROOT, '.data', 'bench'));
  mkdirSync(benchDir, { recursive: true });

  log('AidTrail benchmark: API against raw SQL of the same shape, on the same PostgreSQL');
  const database: BenchDatabase = await provisionDatabase((line) => log(`  ${line}`));
  cleanup.add('drop the bench database', () => database.close(), { firstWhenInterrupted: true });
  log(`  PostgreSQL: ${database.server}, database ${database.name} (migrated)`);

  const adminToken = `bench-admin-${randomBytes(24).toString('base64url')}`;
  const profileDir = resolve(benchDir, 'profiles', String(process.pid));
  const service: ServiceProcess = await startService({
    databaseUrl: database.url,
    adminToken,
    poolSize: options.connections,
    dataDir: resolve(benchDir, 'service'),
    nodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  cleanup.add('stop the service', () => service.stop(), { firstWhenInterrupted: true });
  log(
    `  service: pid ${service.pid} at ${service.baseUrl} (${SERVICE_NODE_FLAGS.length ? `node ${SERVICE_NODE_FLAGS.join(' ')}, ` : ''}DATABASE_POOL_SIZE=${options.connections}, LOG_LEVEL=warn)`,
  );

  const api = new HttpClient(service.baseUrl, options.connections);
  cleanup.add('close the HTTP client', () => api.close());
  const raw = new RawSql(database.url, options.connections);
  cleanup.add('close the raw SQL pool', () => raw.close());
  await raw.open();
  const monitor = new Client({ connectionString: database.url, application_name: 'aidtrail-bench-monitor' });
  // Interrupted, the bench drops its database WITH FORCE while this connection is idle: its 'error' is expected.
  monitor.on('error', () => undefined);
  await monitor.connect();
  cleanup.add('close the monitor connection', () => monitor.end());
  const cpu = new CpuMeter(service.pid, monitor, database.local);

  const parties = await seedParties(api, adminToken);
  const commits = new CommitLog();
  const context: BenchContext = {
    api,
    raw,
    adminToken,
    parties,
    connections: options.connections,
    log,
    commits,
  };
  const selected = MEASUREMENTS.filter(([name]) => !options.only || options.only.includes(name)).map(
    ([, factory]) => factory(context),
  );

  const seconds = (ms: number) => `${ms / 1000} s`;
  log(
    `  ${options.connections} connections, ${seconds(options.durationMs)} per run, ${options.rounds} runs per side ` +
      `(API and raw alternating A B B A), ${seconds(options.warmupMs)} warm-up per side; ` +
      `${availableParallelism()} CPUs shared by the load generator, the service and PostgreSQL`,
  );

  const results: MeasurementResult[] = [];
  for (const measurement of selected) {
    await settle(monitor);
    results.push(await measure(measurement, options, cpu));
  }
  let latency: CheckpointLatency | undefined;
  if (commits.size > 0) latency = await commitToCheckpoint(raw, commits);

  let verification: VerificationResult | undefined;
  if (options.auditEntries > 0 && (!options.only || options.only.includes(AUDIT_VERIFY))) {
    await settle(monitor);
    log('');
    log(
      `${AUDIT_VERIFY}: ${options.auditEntries} shipment.event_recorded entries loaded by SQL, integrated by the ` +
        'service, then GET /api/v1/audit/verify and the offline verifyExport over GET /api/v1/audit/export, ' +
        'each against raw SHA-256 over the same lines',
    );
    verification = await measureVerification({
      raw,
      api,
      baseUrl: service.baseUrl,
      servicePid: service.pid,
      adminToken,
      count: options.auditEntries,
      log: (line) => log(line),
    });
  }

  let scale: ScaleSection | undefined;
  if (options.scaleShipments > 0 && (!options.only || options.only.includes(SCALE))) {
    await settle(monitor);
    scale = await measureScale(context, options, cpu, monitor);
  }
  let exported: ExportResult | undefined;
  if (options.exportLines > 0 && (!options.only || options.only.includes(CSV_EXPORT))) {
    await settle(monitor);
    log('');
    log(
      `${CSV_EXPORT}: ${options.exportLines} line items loaded by SQL, then GET /api/v1/shipments/export?format=csv ` +
        "read to the end with the service's peak RSS sampled, against the same statement and CSV writer over a " +
        'cursor in this process',
    );
    exported = await measureExport({
      raw,
      baseUrl: service.baseUrl,
      servicePid: service.pid,
      adminToken,
      parties,
      lines: options.exportLines,
      log,
    });
  }

  if (options.profile) {
    await service.stop();
  }

  log('');
  log(
    `Results (req/s: mean of ${options.rounds} run(s) per side; ratio = API / raw SQL; latencies over all runs)`,
  );
  const detailed = [...results, ...(scale?.results ?? [])];
  if (results.length) log(formatResults(results));
  log('');
  log(formatDetails(detailed));
  log(
    'CPU ms/req, per successful request: bench = this process (the HTTP client on the API side, the pg client on ' +
      'the raw side); service = the service process (on the raw side only its audit integrator, sequencing the ' +
      "raw side's entries); postgres = the bench database's backends (when the server runs on this machine).",
  );
  if (latency) {
    log('');
    log(
      'Commit to checkpoint under load (create-shipment API runs, ' +
        `${options.connections} connections): first signed checkpoint covering each create's audit entry, ` +
        'its created_at minus the arrival of the 201',
    );
    log(formatCheckpointLatency(latency));
  }
  if (verification) {
    log('');
    log(
      'Audit verification (ratio = entries/s / raw SHA-256 of 0x00 || each exported line, in this process right ' +
        'after; peak RSS of the service during the request)',
    );
    log(formatVerification(verification));
  }
  if (scale) {
    log('');
    log(
      `Scale: ${scale.data.shipments} shipments, ${scale.data.lines} lines, ${scale.data.partners} partner rows, ` +
        `${scale.data.organizations} organizations (loaded by SQL in ${(scale.data.loadMs / 1000).toFixed(1)} s, ` +
        `VACUUM ANALYZE ${(scale.data.analyzeMs / 1000).toFixed(1)} s); ${options.connections} connections, ` +
        `${scale.timing.rounds} run(s) of ${scale.timing.durationMs / 1000} s per side`,
    );
    log(formatScaleResults(scale.results, scale.skipped));
    log('');
    log('Query plans (EXPLAIN ANALYZE at rest, printed above): indexes used, and any large table read whole');
    for (const plan of scale.plans) {
      log(
        `  ${plan.name}: ${plan.executionMs.toFixed(2)} ms, ` +
          `${plan.usedIndexes.length ? `indexes ${plan.usedIndexes.join(', ')}` : 'NO INDEX'}` +
          (plan.seqScans.length ? `, SEQUENTIAL SCAN of ${plan.seqScans.join(', ')}` : ''),
      );
    }
  }
  if (exported) {
    log('');
    log('Line-item export (rows/s over the whole download; peak RSS of the service during the request)');
    log(formatExport(exported));
  }
  const allResults = [...results, ...(scale?.results ?? [])];
  const failed = allResults.reduce((sum, r) => sum + [...r.failures.values()].reduce((a, b) => a + b, 0), 0);
  log('');
  if (failed) {
    log(`FAILED REQUESTS: ${failed}`);
    log(formatFailures(allResults));
  } else {
    log('No request failed.');
  }
  if (options.profile) {
    log('');
    log(summariseProfiles(profileDir));
  }
  if (options.jsonFile) {
    const json = toJson(results, {
      date: new Date().toISOString(),
      connections: options.connections,
      durationMs: options.durationMs,
      rounds: options.rounds,
      server: database.server,
      cpus: availableParallelism(),
      commitToCheckpoint: latency ?? null,
      auditVerification: verification ?? null,
      scale: scale
        ? { data: { ...scale.data, references: scale.data.references.length, partnerToken: undefined },
            results: toJson(scale.results, {}).results, skipped: scale.skipped,
            plans: scale.plans.map(({ text: _text, ...plan }) => plan) }
        : null,
      csvExport: exported ?? null,
    });
    writeFileSync(options.jsonFile, `${JSON.stringify(json, null, 2)}\n`);
    log(`Results written to ${options.jsonFile}`);
  }
  log(`Done in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  return failed ? 1 : 0;
}

interface ScaleSection {
  data: ScaleData;
  timing: Pick<BenchOptions, 'durationMs' | 'warmupMs' | 'rounds'>;
  results: MeasurementResult[];
  skipped: Skipped[];
  plans: Plan[];
}

/**
 * Loads --scale-shipments shipments by SQL, ANALYZEs, prints the main queries' plans, then measures each
 * scale query like the others (API and raw alternating), at half the runs' length (quick: 1 s, 1 round),
 * so that the dozen of them stay within the run's budget.
 */
async function measureScale(
  context: BenchContext,
  options: BenchOptions,
  cpu: CpuMeter,
  monitor: Client,
): Promise<ScaleSection> {
  log('');
  log(
    `${SCALE}: ${options.scaleShipments} shipments with ${options.scaleLines} lines each, organizations and partners, ` +
      'written by SQL on the server (INSERT … SELECT … generate_series, batches of 20,000), then VACUUM ANALYZE',
  );
  const data = await loadScaleData(
    context,
    { shipments: options.scaleShipments, linesPerShipment: options.scaleLines, depth: options.scaleDepth },
    () => settle(monitor),
  );
  log(
    `  loaded in ${(data.loadMs / 1000).toFixed(1)} s (${((data.shipments / data.loadMs) * 1000).toFixed(0)} shipments/s), ` +
      `VACUUM ANALYZE in ${(data.analyzeMs / 1000).toFixed(1)} s`,
  );
  const { measurements, skipped, statements } = await scaleMeasurements(context, data, options.scaleDepth);
  const plans = await explain(context.raw, statements);
  for (const plan of plans) {
    log('');
    log(`  EXPLAIN (ANALYZE, BUFFERS) ${plan.name}:`);
    log(plan.text.replace(/^/gm, '    '));
  }
  const timing = options.quick
    ? { durationMs: 1000, warmupMs: 500, rounds: 1 }
    : { durationMs: options.durationMs / 2, warmupMs: options.warmupMs / 2, rounds: options.rounds };
  const results: MeasurementResult[] = [];
  for (const measurement of measurements) results.push(await measure(measurement, { ...options, ...timing }, cpu));
  for (const s of skipped) log(`\n${s.name}: ${s.description}: ${s.reason}`);
  return { data, timing, results, skipped, plans };
}

/** Between measurements: fresh statistics, and a checkpoint so that one measurement's writes do not
 * land their checkpoint I/O on the next one. */
async function settle(monitor: Client): Promise<void> {
  await monitor.query('VACUUM (ANALYZE)');
  await monitor.query('CHECKPOINT').catch(() => undefined); // needs superuser or pg_checkpoint
}

async function measure(
  measurement: Measurement,
  options: BenchOptions,
  cpu: CpuMeter,
): Promise<MeasurementResult> {
  log('');
  log(`${measurement.name}: ${measurement.description}`);
  await measurement.prepare?.();
  await measurement.check?.();
  const failures = new Map<string, number>();
  const count = (result: LoadResult) => {
    for (const [message, n] of result.failures) failures.set(message, (failures.get(message) ?? 0) + n);
    return result;
  };
  const load = { connections: Math.min(measurement.connections ?? options.connections, options.connections) };
  const warmApi = count(await runLoad(measurement.api, { ...load, durationMs: options.warmupMs }));
  const warmRaw = count(await runLoad(measurement.raw, { ...load, durationMs: options.warmupMs }));
  await measurement.afterRun?.();
  log(`  warm-up: API ${warmApi.throughput.toFixed(0)} req/s, raw ${warmRaw.throughput.toFixed(0)} req/s`);

  const runs = { api: [] as LoadResult[], raw: [] as LoadResult[] };
  const cpuTimes = { api: [] as CpuTimes[], raw: [] as CpuTimes[] };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? (['api', 'raw'] as const) : (['raw', 'api'] as const);
    for (const side of order) {
      const before = await cpu.snapshot();
      const result = count(await runLoad(measurement[side], { ...load, durationMs: options.durationMs }));
      const note = await measurement.afterRun?.();
      cpuTimes[side].push(cpu.since(before, await cpu.snapshot()));
      runs[side].push(result);
      log(
        `  run ${round + 1} ${side === 'api' ? 'API' : 'raw'}: ${result.throughput.toFixed(1).padStart(8)} req/s` +
          `  p50 ${percentileOf(result, 0.5)} ms  p99 ${percentileOf(result, 0.99)} ms` +
          (result.failed ? `  ${result.failed} FAILED` : '') +
          (note ? `  (${note})` : ''),
      );
    }
  }
  const api = sideResult(runs.api, cpuTimes.api);
  const raw = sideResult(runs.raw, cpuTimes.raw);
  const ratio = api.throughput / raw.throughput;
  return {
    name: measurement.name,
    description: measurement.description,
    target: measurement.target,
    api,
    raw,
    ratio,
    met: ratio >= measurement.target,
    failures,
  };
}

function percentileOf(result: LoadResult, q: number): string {
  return result.latenciesMs.length ? percentile(result.latenciesMs, q).toFixed(2) : '-';
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(2);
  },
);

/** Command-line options of `npm run bench` (after `--`): `node dist/bench/run.js --quick --connections=32`. */
export interface BenchOptions {
  /** Short measurements, so the whole run stays well under two minutes. */
  quick: boolean;
  /** Length of one measured run of one side (API or raw SQL), in milliseconds. */
  durationMs: number;
  /** Length of the warm-up of each side before its first measured run, in milliseconds. */
  warmupMs: number;
  /** Requests (API) or transactions (raw SQL) in flight at once; also the size of both connection pools. */
  connections: number;
  /** Measured runs per side; the sides alternate A B B A … so drift affects both alike. */
  rounds: number;
  /** Names of the measurements to run (all when null). */
  only: string[] | null;
  /** Also writes the results as JSON to this file. */
  jsonFile: string | null;
  /** Starts the service with `--cpu-prof` and prints where its time went. */
  profile: boolean;
  /** Audit entries loaded by SQL for the audit-verify measurement (0: skip it). */
  auditEntries: number;
  /** Shipments loaded by SQL for the scale section (0: skip it). */
  scaleShipments: number;
  /** Lines per shipment in the scale section. */
  scaleLines: number;
  /** Pages of 50 behind the scale section's deep cursors. */
  scaleDepth: number;
  /** Line items loaded by SQL for the csv-export measurement (0: skip it). */
  exportLines: number;
}

export const USAGE = `Usage: node dist/bench/run.js [options]
  --quick              3 s per measurement, 1 s warm-up (the whole run well under 2 minutes)
  --duration=SECONDS   length of each measured run (default 10, quick 3)
  --warmup=SECONDS     warm-up of each side before its first run (default 2, quick 1)
  --connections=N      concurrent requests / transactions and pool sizes (default 16)
  --rounds=N           measured runs per side, API and raw alternating A B B A (default 2)
  --only=NAME,...      run only these measurements
  --json=FILE          also write the results as JSON
  --profile            run the service under --cpu-prof and summarise where its CPU time went
  --audit-entries=N    audit entries loaded by SQL, then verified online and offline (default
                       1000000, quick 50000; 0 skips audit-verify)
  --scale-shipments=N  shipments (with their lines) loaded by SQL for the scale section: lists,
                       lookups and summaries at that size (default 1000000, quick 20000; 0 skips it);
                       each of its queries runs half of --duration and --warmup (quick: 1 s, 1 run)
  --scale-lines=N      lines per scale shipment (default 5)
  --scale-depth=N      pages of 50 behind the deep cursors (default 100)
  --export-lines=N     line items loaded by SQL, then exported as CSV through the API with the
                       service's peak RSS sampled (default 1000000, quick 50000; 0 skips csv-export)
Environment: DATABASE_URL (a PostgreSQL server on which a fresh database aidtrail_bench_<pid> is created
and dropped; unset: an embedded PostgreSQL under .data/bench), BENCH_DATA_DIR (overrides .data/bench).`;

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Map<string, string | true>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new UsageError(`unknown argument ${arg}`);
    flags.set(match[1], match[2] ?? true);
  }
  const known = ['quick', 'duration', 'warmup', 'connections', 'rounds', 'only', 'json', 'profile', 'audit-entries', 'scale-shipments',
    'scale-lines', 'scale-depth', 'export-lines', 'help'];
  for (const name of flags.keys())
    if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
  if (flags.has('help')) throw new UsageError('');

  const quick = flags.get('quick') === true;
  const seconds = (name: string, fallback: number) => {
    const value = flags.get(name);
    if (value === undefined) return fallback * 1000;
    const number = Number(value);
    if (value === true || !Number.isFinite(number) || number <= 0)
      throw new UsageError(`--${name} needs a positive number of seconds`);
    return Math.round(number * 1000);
  };
  const integer = (name: string, fallback: number, minimum = 1) => {
    const value = flags.get(name);
    if (value === undefined) return fallback;
    const number = Number(value);
    if (value === true || !Number.isInteger(number) || number < minimum)
      throw new UsageError(`--${name} needs a ${minimum > 0 ? 'positive' : 'non-negative'} integer`);
    return number;
  };
  const text = (name: string) => {
    const value = flags.get(name);
    if (value === true || value === '') throw new UsageError(`--${name} needs a value`);
    return value ?? null;
  };
  const only = text('only');
  return {
    quick,
    durationMs: seconds('duration', quick ? 3 : 10),
    warmupMs: seconds('warmup', quick ? 1 : 2),
    connections: integer('connections', 16),
    rounds: integer('rounds', 2),
    only:
      only === null
        ? null
        : only
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean),
    jsonFile: text('json'),
    profile: flags.get('profile') === true,
    auditEntries: integer('audit-entries', quick ? 50_000 : 1_000_000, 0),
    scaleShipments: integer('scale-shipments', quick ? 20_000 : 1_000_000, 0),
    scaleLines: integer('scale-lines', 5),
    scaleDepth: integer('scale-depth', 100),
    exportLines: integer('export-lines', quick ? 50_000 : 1_000_000, 0),
  };
}

export class UsageError extends Error {}

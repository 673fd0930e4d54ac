import { performance } from 'node:perf_hooks';

/**
 * One request (API side) or one transaction (raw SQL side). Resolves on success; rejects on any
 * failure, which the load generator counts (a benchmark with failures is not a result).
 */
export type Operation = (worker: number, iteration: number) => Promise<void>;

/** A failure whose message is stable across repeats (so they collapse into one line with a count). */
export class RequestFailure extends Error {}

export interface LoadOptions {
  /** Workers, each with one request in flight at a time (closed loop). */
  connections: number;
  durationMs: number;
}

export interface LoadResult {
  /** Successful operations. */
  completed: number;
  failed: number;
  /** From the start until the last operation begun before the deadline finished. */
  elapsedMs: number;
  /** completed per second of elapsed time. */
  throughput: number;
  /** Latencies of the successful operations, milliseconds, sorted ascending. */
  latenciesMs: Float64Array;
  /** Failure message → how many times. */
  failures: Map<string, number>;
}

/**
 * Closed-loop load: `connections` workers each run `operation` back to back until `durationMs` has
 * passed, so that at most (and, but for the tail, exactly) `connections` operations are in flight.
 */
export async function runLoad(operation: Operation, options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let failed = 0;
  const start = performance.now();
  const deadline = start + options.durationMs;
  const worker = async (index: number) => {
    for (let iteration = 0; performance.now() < deadline; iteration++) {
      const began = performance.now();
      try {
        await operation(index, iteration);
        latencies.push(performance.now() - began);
      } catch (error) {
        failed++;
        const key =
          error instanceof RequestFailure
            ? error.message
            : `${(error as Error)?.name}: ${(error as Error)?.message ?? error}`;
        failures.set(key, (failures.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, index) => worker(index)));
  const elapsedMs = performance.now() - start;
  return {
    completed: latencies.length,
    failed,
    elapsedMs,
    throughput: (latencies.length / elapsedMs) * 1000,
    latenciesMs: Float64Array.from(latencies).sort(),
    failures,
  };
}

/** Several runs of one side as one: mean throughput, latencies pooled, failures added up. */
export function combine(results: LoadResult[]): LoadResult & { rounds: number[] } {
  const latencies = new Float64Array(results.reduce((sum, r) => sum + r.latenciesMs.length, 0));
  let offset = 0;
  const failures = new Map<string, number>();
  for (const result of results) {
    latencies.set(result.latenciesMs, offset);
    offset += result.latenciesMs.length;
    for (const [key, count] of result.failures) failures.set(key, (failures.get(key) ?? 0) + count);
  }
  return {
    completed: results.reduce((sum, r) => sum + r.completed, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    elapsedMs: results.reduce((sum, r) => sum + r.elapsedMs, 0),
    throughput: results.reduce((sum, r) => sum + r.throughput, 0) / results.length,
    latenciesMs: latencies.sort(),
    failures,
    rounds: results.map((r) => r.throughput),
  };
}

/** Nearest-rank percentile of sorted values (q in 0..1); NaN when there are none. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

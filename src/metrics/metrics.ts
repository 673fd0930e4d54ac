import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process: Node's default metrics plus request durations by route and status. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'aidtrail_http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

/**
 * GET /audit/verify runs by pass: `intact` is the fast pass over an intact log; `row_by_row` runs when
 * that pass met something out of place, so any increase of it means the log needs a look.
 */
export const auditVerifications = new Counter({
  name: 'aidtrail_audit_verifications_total',
  help: 'Audit log verifications by the pass that produced the report and its outcome',
  labelNames: ['pass', 'valid'] as const,
  registers: [metricsRegistry],
});

/** Per witness: entries of the latest checkpoint it has not cosigned yet (the tree size less its last cosigned size). */
export const auditWitnessLag = new Gauge({
  name: 'aidtrail_audit_witness_lag_entries',
  help: 'Latest checkpoint tree size minus the size the witness last cosigned',
  labelNames: ['witness'] as const,
  registers: [metricsRegistry],
});

/**
 * The pg pool settings every connection of the service gets, kept apart from data-source.ts (which builds
 * a DataSource when imported) so that the service's Database, the migrations, the configuration and the
 * bench's raw-SQL twin share them.
 */

/** How the service's connections name themselves in pg_stat_activity. */
export const APPLICATION_NAME = 'aidtrail';

/** The default of DATABASE_QUERY_TIMEOUT_MS. */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

/** Pool settings for connections that wait `queryTimeoutMs` for each query (0: no limit, migrations). */
export function poolSettings(queryTimeoutMs: number = DEFAULT_QUERY_TIMEOUT_MS) {
  return {
    // A database that stops answering must surface as 503s, not as requests hanging forever.
    connectionTimeoutMillis: 5000,
    // The client gives up after the timeout (503 database-busy) ...
    query_timeout: queryTimeoutMs,
    /**
     * Sent when each connection opens. ... and the server cancels the statement then too: otherwise it
     * runs on for nobody, and the connection, back in the pool, makes the next request that takes it wait
     * behind it. Long reads (long-read.ts) turn it off for their own transaction.
     *
     * JIT compilation off: PostgreSQL decides on it by a plan's estimated cost, and the list's text search
     * (whose unlimited branch is costed at millions) and the reports paid 60-150 ms of compiling per query,
     * more than JIT ever saved them (measured at 300,000 shipments: a partner's text search 123 -> 60 ms, a
     * summary by destination 2.0 -> 1.8 s).
     */
    options: `-c jit=off -c statement_timeout=${queryTimeoutMs}`,
  };
}

/**
 * The pg pool settings every connection of the service gets, kept apart from data-source.ts (which builds
 * a DataSource when imported) so that the configuration and the bench's raw-SQL twin share them.
 */
export const POOL_SETTINGS = {
  // A database that stops answering must surface as 503s, not as requests hanging forever.
  connectionTimeoutMillis: 5000,
  /** The default of DATABASE_QUERY_TIMEOUT_MS; see STREAM_QUERY_TIMEOUT_MS for the streams exempt from it. */
  query_timeout: 30000,
  /**
   * Sent when each connection opens. JIT compilation off: PostgreSQL decides on it by a plan's estimated
   * cost, and the list's text search (whose unlimited branch is costed at millions) and the reports paid
   * 60-150 ms of compiling per query, more than JIT ever saved them (measured at 300,000 shipments: a
   * partner's text search 123 -> 60 ms, a summary by destination 2.0 -> 1.8 s).
   */
  options: '-c jit=off',
} as const;

/**
 * The per-query timeout for a cursor whose length the data or its reader sets, not a stall: an export read
 * over a field office's link (a million lines are ~400 MB: minutes), a verification of a log of millions of
 * entries. The pool's query_timeout counts from the first row to the last and would cut those at 30 s
 * (the stream fails, and PostgreSQL goes on running the statement). A stalled database still surfaces;
 * a client that goes away ends the stream at once.
 */
export const STREAM_QUERY_TIMEOUT_MS = 4 * 60 * 60 * 1000;

/**
 * Migrations run without a per-query timeout: building an index on a table of millions of rows takes
 * minutes, and an instance that starts meanwhile waits on the migration lock as long as that lasts.
 */
export const MIGRATION_QUERY_TIMEOUT_MS = 0;

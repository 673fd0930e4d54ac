/**
 * The pg pool settings every connection of the service gets, kept apart from data-source.ts (which builds
 * a DataSource when imported) so that the configuration and the bench's raw-SQL twin share them.
 */
export const POOL_SETTINGS = {
  // A database that stops answering must surface as 503s, not as requests hanging forever.
  connectionTimeoutMillis: 5000,
  query_timeout: 30000,
  /**
   * Sent when each connection opens. JIT compilation off: PostgreSQL decides on it by a plan's estimated
   * cost, and the list's text search (whose unlimited branch is costed at millions) and the reports paid
   * 60-150 ms of compiling per query, more than JIT ever saved them (measured at 300,000 shipments: a
   * partner's text search 123 -> 60 ms, a summary by destination 2.0 -> 1.8 s).
   */
  options: '-c jit=off',
} as const;

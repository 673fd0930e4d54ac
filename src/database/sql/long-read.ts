import type { PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';

/**
 * The per-query timeout for a cursor whose length the data or its reader sets, not a stall: an export read
 * over a field office's link (a million lines are ~400 MB: minutes), a verification of a log of millions
 * of entries. pg's query_timeout counts from a query's first message to its last row and would cut those
 * at DATABASE_QUERY_TIMEOUT_MS. A stalled database still surfaces; a client that goes away ends the stream
 * at once.
 */
export const STREAM_QUERY_TIMEOUT_MS = 4 * 60 * 60 * 1000;

/** A cursor for a long read: `batchSize` rows per fetch, as arrays, under STREAM_QUERY_TIMEOUT_MS. */
export function longReadCursor(sql: string, values: unknown[], batchSize: number): QueryStream {
  return Object.assign(new QueryStream(sql, values, { batchSize, rowMode: 'array' }), {
    query_timeout: STREAM_QUERY_TIMEOUT_MS,
  });
}

export interface LongRead {
  /** The statement's rows, as arrays, `batchSize` per fetch as the reader takes them. */
  rows: QueryStream;
  /** Ends the read: commits and returns the connection, or discards it when the read failed or was cut short. */
  close(failed: boolean): Promise<void>;
}

/**
 * A statement read from a cursor exempt from both query timeouts: the client's (longReadCursor) and the
 * server's, on a connection of its own (`client`, checked out by the caller, `release` returning it) in a
 * read-only transaction whose statement_timeout is off (the service's connections otherwise carry
 * DATABASE_QUERY_TIMEOUT_MS; SET LOCAL reverts at COMMIT, so the connection goes back to the pool as it
 * came). pg's pool destroys a client released with an error instead of reusing it: a cursor cut short
 * may leave it mid-protocol. The benchmark's raw twin reads the manifest this way too.
 */
export async function openLongReadOn(
  client: PoolClient,
  release: (error?: unknown) => void,
  sql: string,
  values: unknown[],
  batchSize: number,
): Promise<LongRead> {
  let rows: QueryStream;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SELECT set_config('statement_timeout', '0', true)`);
    rows = client.query(longReadCursor(sql, values, batchSize));
  } catch (error) {
    release(error);
    throw error;
  }
  let closed = false;
  return {
    rows,
    close: async (failed) => {
      if (closed) return;
      closed = true;
      if (failed) return release(new Error('long read did not complete'));
      try {
        await client.query('COMMIT');
        release();
      } catch (error) {
        release(error);
      }
    },
  };
}

import type { PoolClient } from 'pg';
import type { SqlRunner } from './sql-runner';

/**
 * A transaction's connection went away (server shutdown, network) before its next statement: the
 * database is unavailable, which databaseProblem answers with 503, not a bug's 500.
 */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';

  constructor(cause?: unknown) {
    super('The connection to the database was lost during the transaction', { cause });
  }
}

/**
 * One database transaction on a connection checked out of the pool for it. Statements go straight to
 * pg's client: no wrapper objects, no per-statement hooks.
 */
export class SqlTransaction implements SqlRunner {
  private lost?: unknown;
  private ended = false;

  constructor(private readonly client: PoolClient) {}

  async query<Row = Record<string, unknown>>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    if (this.lost !== undefined) throw new ConnectionLostError(this.lost);
    if (this.ended) throw new Error('The transaction has already ended');
    return (await this.client.query(sql, parameters as unknown[])).rows as Row[];
  }

  /**
   * Runs `work` between BEGIN and COMMIT on `client`, rolling back when it throws. The connection goes
   * back to the pool, or is discarded when it died or may be in an unknown state (pg's pool destroys a
   * client released with an error).
   */
  static async run<T>(client: PoolClient, work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const tx = new SqlTransaction(client);
    // A checked-out client has no error listener of the pool's: without one, a connection dying between
    // two statements would be an unhandled 'error' event, which ends the process.
    const onError = (error: unknown) => (tx.lost = error);
    client.on('error', onError);
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      broken = error;
      if (tx.lost === undefined) {
        try {
          await client.query('ROLLBACK');
          broken = undefined;
        } catch {
          // keep `broken`: the connection is discarded below
        }
      }
      throw error;
    } finally {
      tx.ended = true;
      client.removeListener('error', onError);
      client.release((tx.lost ?? broken) as Error | undefined);
    }
  }
}

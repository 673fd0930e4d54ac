import { OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { APPLICATION_NAME, poolSettings } from '../pool-settings';
import { LongRead, openLongReadOn } from './long-read';
import type { SqlRunner } from './sql-runner';
import { SqlTransaction } from './sql-transaction';

export interface DatabaseSettings {
  url: string;
  poolSize: number;
  /** DATABASE_QUERY_TIMEOUT_MS: how long any one statement may take. */
  queryTimeoutMs: number;
}

/**
 * The one way the service runs SQL: a pg pool the service creates and owns. Single statements run on a
 * pooled connection, transactions on one connection checked out for them, long reads from a cursor on a
 * connection of their own. Rows come back as pg gives them; pg's errors keep their code and constraint,
 * which databaseProblem (common/database-errors.ts) turns into problems, in one place.
 */
export class Database implements SqlRunner, OnApplicationShutdown {
  /** Takes `pool` over: closing the Database ends it. */
  constructor(private readonly pool: Pool) {
    // An idle connection that dies (a database restart) is dropped by the pool, which then emits 'error';
    // unheard, that event would end the process. The next checkout opens a fresh connection, or fails
    // and answers 503.
    pool.on('error', () => undefined);
  }

  /** The service's database: a pool with the service's connection settings (pool-settings.ts). */
  static open(settings: DatabaseSettings): Database {
    return new Database(
      new Pool({
        connectionString: settings.url,
        max: settings.poolSize,
        application_name: APPLICATION_NAME,
        ...poolSettings(settings.queryTimeoutMs),
      }),
    );
  }

  /** One statement on a pooled connection, checked out for it and returned. */
  async query<Row = Record<string, unknown>>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, parameters as unknown[])).rows as Row[];
  }

  /** Runs `work` in a transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return SqlTransaction.run(await this.pool.connect(), work);
  }

  /** A statement's rows from a cursor, exempt from the query timeouts (see openLongReadOn). */
  async longRead(sql: string, values: unknown[], batchSize: number): Promise<LongRead> {
    const client = await this.pool.connect();
    // As for transactions: a checked-out connection needs an error listener of its own.
    const onError = () => undefined;
    client.on('error', onError);
    const release = (error?: unknown) => {
      client.removeListener('error', onError);
      client.release(error as Error | undefined);
    };
    return openLongReadOn(client, release, sql, values, batchSize);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

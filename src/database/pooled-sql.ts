import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { SqlRunner } from './ledger-transaction';

const pooled = new WeakMap<DataSource, SqlRunner>();

/**
 * Single statements outside a transaction, straight to the data source's pg pool (a connection checked
 * out for the statement and returned). DataSource.query builds a query runner and an EntityManager for
 * each statement and broadcasts it twice; on the request's hot paths (the token lookup of every request,
 * a shipment read) that was CPU for nothing. pg's errors keep their code, which databaseProblem reads.
 */
export function pooledSql(dataSource: DataSource): SqlRunner {
  let runner = pooled.get(dataSource);
  if (!runner) {
    const pool = (dataSource.driver as PostgresDriver).master as Pool;
    runner = { query: async <Row>(sql: string, parameters: unknown[] = []) => (await pool.query(sql, parameters)).rows as Row[] };
    pooled.set(dataSource, runner);
  }
  return runner;
}

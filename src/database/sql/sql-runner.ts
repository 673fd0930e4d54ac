/**
 * What a repository needs to run a statement and read its rows: the Database (each statement on a pooled
 * connection) or a transaction (every statement on the transaction's connection). Rows are pg's own: the
 * RETURNING rows of INSERT, UPDATE and DELETE included.
 */
export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: string, parameters?: readonly unknown[]): Promise<Row[]>;
}

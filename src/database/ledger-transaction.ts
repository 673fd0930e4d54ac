import { Injectable } from '@nestjs/common';
import { recordAuditEntry, Change } from '../audit/audit-recorder';
import type { RequestContext } from '../common/request-context';
import { Database } from './sql/database';
import type { SqlRunner } from './sql/sql-runner';
import type { SqlTransaction } from './sql/sql-transaction';

/**
 * Work that must commit or roll back with a change, run right after its audit entry is written (e.g. the
 * webhook outbox). Listeners register with LedgerTransactions at start-up and must stay cheap for the
 * changes they do not care about.
 */
export interface ChangeListener {
  onChange(tx: LedgerTransaction, change: Change): Promise<void>;
}

/**
 * The one path every change takes: a database transaction in which the service makes the change and,
 * explicitly, records its audit entry. Either both commit or neither does.
 */
export class LedgerTransaction implements SqlRunner {
  constructor(
    private readonly sql: SqlTransaction,
    private readonly context: RequestContext,
    private readonly listeners: readonly ChangeListener[] = [],
  ) {}

  /** Rows of any statement, RETURNING rows of UPDATE and DELETE included, on the transaction's connection. */
  query<Row = Record<string, unknown>>(sql: string, parameters?: readonly unknown[]): Promise<Row[]> {
    return this.sql.query<Row>(sql, parameters);
  }

  async recordChange(change: Change): Promise<void> {
    await recordAuditEntry(this, this.context, change);
    for (const listener of this.listeners) await listener.onChange(this, change);
  }
}

@Injectable()
export class LedgerTransactions {
  private readonly listeners: ChangeListener[] = [];

  constructor(private readonly database: Database) {}

  addChangeListener(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Runs `work` in the request's transaction when it has one (idempotent POST), else in a new one. */
  async run<T>(context: RequestContext, work: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
    if (context.transaction) return work(new LedgerTransaction(context.transaction, context, this.listeners));
    return this.database.transaction((sql) => work(new LedgerTransaction(sql, context, this.listeners)));
  }
}

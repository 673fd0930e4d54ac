import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { recordAuditEntry, Change } from '../audit/audit-recorder';
import type { RequestContext } from '../common/request-context';

/**
 * What a repository needs to run a statement and read its rows: an EntityManager (pooled, or bound to a
 * transaction) or a LedgerTransaction, whose statements go straight to its connection.
 */
export interface SqlRunner {
  query<Row = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<Row[]>;
}

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
export class LedgerTransaction {
  constructor(
    readonly manager: EntityManager,
    private readonly context: RequestContext,
    private readonly listeners: readonly ChangeListener[] = [],
  ) {}

  /**
   * Rows of any statement, RETURNING rows of UPDATE and DELETE included, from the transaction's own pg
   * connection. TypeORM's QueryRunner.query would wrap each statement in a logger call, two subscriber
   * broadcasts and a result object; with logging off and no subscribers that is only CPU, on every
   * statement of every change. pg's errors keep their code and constraint, which databaseProblem reads.
   */
  async query<Row = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<Row[]> {
    const runner = this.manager.queryRunner;
    if (!runner) throw new Error('LedgerTransaction needs a transactional EntityManager');
    // After its connection died, TypeORM releases the runner; this is then a 503 like any lost connection.
    if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    const connection: { query(sql: string, values: unknown[]): Promise<{ rows: Row[] }> } = await runner.connect();
    return (await connection.query(sql, parameters)).rows;
  }

  async recordChange(change: Change): Promise<void> {
    await recordAuditEntry(this, this.context, change);
    for (const listener of this.listeners) await listener.onChange(this, change);
  }
}

@Injectable()
export class LedgerTransactions {
  private readonly listeners: ChangeListener[] = [];

  constructor(private readonly dataSource: DataSource) {}

  addChangeListener(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Runs `work` in the request's transaction when it has one (idempotent POST), else in a new one. */
  async run<T>(context: RequestContext, work: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
    if (context.transaction) return work(new LedgerTransaction(context.transaction, context, this.listeners));
    return this.dataSource.transaction((manager) => work(new LedgerTransaction(manager, context, this.listeners)));
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { recordAuditEntry, Change } from '../audit/audit-recorder';
import type { RequestContext } from '../common/request-context';

/**
 * The one path every change takes: a database transaction in which the service makes the change and,
 * explicitly, records its audit entry. Either both commit or neither does.
 */
export class LedgerTransaction {
  constructor(
    readonly manager: EntityManager,
    private readonly context: RequestContext,
  ) {}

  /** Rows of any statement, RETURNING rows of UPDATE and DELETE included (plain EntityManager.query
   * answers those with [rows, count]). */
  async query<Row = Record<string, unknown>>(sql: string, parameters: unknown[] = []): Promise<Row[]> {
    const runner = this.manager.queryRunner;
    if (!runner) throw new Error('LedgerTransaction needs a transactional EntityManager');
    const result = await runner.query(sql, parameters, true);
    return result.records as Row[];
  }

  recordChange(change: Change): Promise<void> {
    return recordAuditEntry(this.manager, this.context, change);
  }
}

@Injectable()
export class LedgerTransactions {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in the request's transaction when it has one (idempotent POST), else in a new one. */
  async run<T>(context: RequestContext, work: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
    if (context.transaction) return work(new LedgerTransaction(context.transaction, context));
    return this.dataSource.transaction((manager) => work(new LedgerTransaction(manager, context)));
  }
}

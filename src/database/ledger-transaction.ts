import { Injectable } from '@nestjs/common';
import type { RequestContext } from '../common/request-context';
import { Database } from './sql/database';
import type { SqlRunner } from './sql/sql-runner';
import type { SqlTransaction } from './sql/sql-transaction';

/** A change as the audit trail records it: `before` and `after` are the API's own representations. */
export interface Change {
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/**
 * Work that must commit or roll back with a change, in its transaction: the audit trail, which writes the
 * change's entry, and then the others (e.g. the webhook outbox). Listeners register with
 * LedgerTransactions at start-up and must stay cheap for the changes they do not care about.
 */
export interface ChangeListener {
  onChange(tx: LedgerTransaction, change: Change): Promise<void>;
}

/**
 * The one path every change takes: a database transaction in which the service makes the change and,
 * explicitly, records it: its audit entry first, then whatever else listens. Either all commit or
 * nothing does.
 */
export class LedgerTransaction implements SqlRunner {
  constructor(
    private readonly sql: SqlTransaction,
    /** Who made the change, under which request id. */
    readonly context: RequestContext,
    /** The audit trail first, then the other listeners, in order. */
    private readonly listeners: readonly ChangeListener[],
  ) {}

  /** Rows of any statement, RETURNING rows of UPDATE and DELETE included, on the transaction's connection. */
  query<Row = Record<string, unknown>>(sql: string, parameters?: readonly unknown[]): Promise<Row[]> {
    return this.sql.query<Row>(sql, parameters);
  }

  async recordChange(change: Change): Promise<void> {
    for (const listener of this.listeners) await listener.onChange(this, change);
  }
}

@Injectable()
export class LedgerTransactions {
  private auditTrail?: ChangeListener;
  private readonly others: ChangeListener[] = [];
  /** The audit trail, then the others. */
  private listeners: readonly ChangeListener[] = [];

  constructor(private readonly database: Database) {}

  /** The audit module's listener, which writes each change's entry, before any other listener runs. */
  setAuditTrail(listener: ChangeListener): void {
    this.auditTrail = listener;
    this.listeners = [listener, ...this.others];
  }

  addChangeListener(listener: ChangeListener): void {
    this.others.push(listener);
    this.listeners = [...(this.auditTrail ? [this.auditTrail] : []), ...this.others];
  }

  /** Runs `work` in the request's transaction when it has one (idempotent POST), else in a new one. */
  async run<T>(context: RequestContext, work: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
    // No change goes unrecorded: without an audit trail, nothing is changed at all.
    if (!this.auditTrail) throw new Error('No audit trail is registered with LedgerTransactions');
    if (context.transaction) return work(new LedgerTransaction(context.transaction, context, this.listeners));
    return this.database.transaction((sql) => work(new LedgerTransaction(sql, context, this.listeners)));
  }
}

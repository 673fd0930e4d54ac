import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../common/request-context';
import { Change, ChangeListener, LedgerTransaction, LedgerTransactions } from '../database/ledger-transaction';
import type { SqlRunner } from '../database/sql/sql-runner';
import { entryText, type EntryContent } from './audit-entry.view';

/** The audit trail's hook into every change: its entry, in the change's transaction, before anything else. */
@Injectable()
export class AuditRecorder implements ChangeListener {
  // Registered as soon as it exists, not at onModuleInit: the bootstrap admin token is recorded before
  // the application's init hooks run.
  constructor(transactions: LedgerTransactions) {
    transactions.setAuditTrail(this);
  }

  onChange(tx: LedgerTransaction, change: Change): Promise<void> {
    return recordAuditEntry(tx, tx.context, change);
  }
}

/**
 * Writes the change's audit entry inside the caller's transaction. The entry is stored as its canonical
 * bytes, fixed here once: what is served, hashed and verified later is exactly this text.
 */
export async function recordAuditEntry(runner: SqlRunner, context: RequestContext, change: Change): Promise<void> {
  const { tokenId, name, role, organizationId } = context.principal;
  const entry: EntryContent = {
    id: randomUUID(),
    recordedAt: new Date().toISOString(),
    action: change.action,
    entityType: change.entityType,
    entityId: change.entityId,
    actor: { tokenId, name, role, organizationId },
    requestId: context.requestId ?? null,
    before: change.before ?? null,
    after: change.after ?? null,
  };
  // The queue row tells the log integrator that this entry awaits its leaf index; it becomes visible
  // to the integrator only when (and if) the change commits.
  await runner.query(
    `WITH entry AS (
       INSERT INTO audit_entry (id, recorded_at, action, entity_type, entity_id, actor, request_id, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id)
     INSERT INTO audit_queue (entry_id) SELECT id FROM entry`,
    [
      entry.id,
      entry.recordedAt,
      entry.action,
      entry.entityType,
      entry.entityId,
      JSON.stringify(entry.actor),
      entry.requestId,
      entryText(entry),
    ],
  );
}

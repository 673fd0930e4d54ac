import { randomUUID } from 'node:crypto';
import type { RequestContext } from '../common/request-context';
import type { SqlRunner } from '../database/sql/sql-runner';
import { entryText, type EntryContent } from './audit-entry.view';

/** A change as the audit trail records it: `before` and `after` are the API's own representations. */
export interface Change {
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
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

import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { RequestContext } from '../common/request-context';

/** A change as the audit trail records it: `before` and `after` are the API's own representations. */
export interface Change {
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** Writes the change's audit entry inside the caller's transaction. */
export async function recordAuditEntry(manager: EntityManager, context: RequestContext, change: Change): Promise<void> {
  const { tokenId, name, role, organizationId } = context.principal;
  // The queue row tells the log integrator that this entry awaits its leaf index; it becomes visible
  // to the integrator only when (and if) the change commits.
  await manager.query(
    `WITH entry AS (
       INSERT INTO audit_entry (id, recorded_at, action, entity_type, entity_id, actor, request_id, before, after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id)
     INSERT INTO audit_queue (entry_id) SELECT id FROM entry`,
    [
      randomUUID(),
      new Date().toISOString(),
      change.action,
      change.entityType,
      change.entityId,
      JSON.stringify({ tokenId, name, role, organizationId }),
      context.requestId,
      change.before === undefined || change.before === null ? null : JSON.stringify(change.before),
      change.after === undefined || change.after === null ? null : JSON.stringify(change.after),
    ],
  );
}

import type { Principal } from '../access/principal';
import type { SqlParams } from '../common/sql';

/**
 * The organization-scope rule, stated once: a caller confined to an organization sees, records and
 * changes only the shipments in which that organization is donor, recipient or partner.
 */

/**
 * The organization a caller is confined to, or null for callers who see every shipment.
 * Partners always are; coordinators are when their token names an organization.
 */
export function organizationScope(principal: Principal): string | null {
  if (principal.role === 'partner' || principal.role === 'coordinator') return principal.organizationId;
  return null;
}

/** Whether organization `scope` (null: no confinement) is one of a shipment's parties. */
export function involvesOrganization(
  scope: string | null,
  parties: { donorId?: string; recipientId?: string; partnerIds?: readonly string[] },
): boolean {
  return scope === null || parties.donorId === scope || parties.recipientId === scope || (parties.partnerIds ?? []).includes(scope);
}

/**
 * The rule in SQL, on shipment alias `s`: everything a scoped caller reads or writes passes through it.
 * `rows: 'many'` for lists (see involves).
 */
export function visibleTo(params: SqlParams, scope: string | null, rows: 'one' | 'many' = 'one'): string {
  if (!scope) return 'TRUE';
  return involves(params.add(scope), rows);
}

/**
 * Organization `org` (a placeholder) is donor, recipient or partner of shipment `s`. For one shipment the
 * partner test probes shipment_partner by key. Over many, the organization's partner rows are read once
 * (an InitPlan), so that PostgreSQL can OR the three tests as one bitmap of the organization's shipments;
 * with a correlated EXISTS it could only walk the created_at index and test each row, and a page then
 * cost the whole table for an organization with few shipments (bench: scale section).
 */
export function involves(org: string, rows: 'one' | 'many'): string {
  const partner =
    rows === 'one'
      ? `EXISTS (SELECT 1 FROM shipment_partner vp WHERE vp.shipment_id = s.id AND vp.organization_id = ${org})`
      : `s.id = ANY(ARRAY(SELECT vp.shipment_id FROM shipment_partner vp WHERE vp.organization_id = ${org}))`;
  return `(s.donor_id = ${org} OR s.recipient_id = ${org} OR ${partner})`;
}

import type { Principal } from '../access/principal';

/**
 * The organization a caller is confined to, or null for callers who see every shipment.
 * Partners always are; coordinators are when their token names an organization.
 */
export function organizationScope(principal: Principal): string | null {
  if (principal.role === 'partner' || principal.role === 'coordinator') return principal.organizationId;
  return null;
}

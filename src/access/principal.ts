import type { Role } from './access-token.entity';

/** The caller, as resolved from the bearer token. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  organizationId: string | null;
}

/** The actor of changes made by the service itself (start-up bootstrap, background work). */
export const SYSTEM_PRINCIPAL: Principal = {
  tokenId: '00000000-0000-0000-0000-000000000000',
  name: 'system',
  role: 'admin',
  organizationId: null,
};

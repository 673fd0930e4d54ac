import type { TokenDto } from './dto/token.dto';
import type { TokenRow } from './tokens.repository';

export type TokenView = TokenDto;

/** The token as served and as audited: never the secret, never its hash. */
export function toTokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    organizationId: row.organization_id,
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

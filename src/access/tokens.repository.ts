import { Injectable } from '@nestjs/common';
import type { LedgerTransaction } from '../database/ledger-transaction';
import { Database } from '../database/sql/database';
import type { Role } from './access-token.entity';
import type { Principal } from './principal';
import { hashTokenSecret, sameHash } from './token-secret';

export interface TokenRow {
  id: string;
  name: string;
  role: Role;
  organization_id: string | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, name, role, organization_id, expires_at, revoked_at, created_at';

@Injectable()
export class TokensRepository {
  constructor(private readonly database: Database) {}

  async findActiveBySecret(secret: string): Promise<Principal | undefined> {
    const hash = hashTokenSecret(secret);
    const [row] = await this.database.query<TokenRow & { secret_hash: Buffer }>(
      `SELECT ${COLUMNS}, secret_hash FROM access_token
        WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
      [hash],
    );
    // The index lookup already matched; the constant-time comparison keeps the check honest should the
    // lookup ever become a prefix or range scan.
    if (!row || !sameHash(row.secret_hash, hash)) return undefined;
    return { tokenId: row.id, name: row.name, role: row.role, organizationId: row.organization_id };
  }

  async insert(
    tx: LedgerTransaction,
    token: { id: string; name: string; role: Role; organizationId: string | null; expiresAt: string | null; secretHash: Buffer },
  ): Promise<TokenRow | undefined> {
    const [row] = await tx.query<TokenRow>(
      `INSERT INTO access_token (id, name, role, organization_id, expires_at, secret_hash)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (secret_hash) DO NOTHING RETURNING ${COLUMNS}`,
      [token.id, token.name, token.role, token.organizationId, token.expiresAt, token.secretHash],
    );
    return row;
  }

  async findBySecretHash(tx: LedgerTransaction, hash: Buffer): Promise<TokenRow | undefined> {
    const [row] = await tx.query<TokenRow>(`SELECT ${COLUMNS} FROM access_token WHERE secret_hash = $1 FOR UPDATE`, [hash]);
    return row;
  }

  async findForUpdate(tx: LedgerTransaction, id: string): Promise<TokenRow | undefined> {
    const [row] = await tx.query<TokenRow>(`SELECT ${COLUMNS} FROM access_token WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  }

  async setRevoked(tx: LedgerTransaction, id: string, revokedAt: string | null, expiresAt?: null): Promise<TokenRow> {
    const [row] = await tx.query<TokenRow>(
      `UPDATE access_token SET revoked_at = $2${expiresAt === null ? ', expires_at = NULL' : ''} WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, revokedAt],
    );
    return row;
  }

  /** Newest first, keyset on (created_at, id). */
  async list(limit: number, after?: { value: string; id: string }): Promise<Array<TokenRow & { cursor_value: string }>> {
    return this.database.query(
      `SELECT ${COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_value
         FROM access_token
        WHERE ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit, after?.value ?? null, after?.id ?? null],
    );
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decodeCursor, isKeysetTimestamp } from '../common/cursor';
import { DEFAULT_PAGE_SIZE, Page, PageQueryDto, toPage } from '../common/page';
import { Problem } from '../common/problem';
import type { RequestContext } from '../common/request-context';
import { LedgerTransactions } from '../database/ledger-transaction';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import type { CreatedTokenDto, CreateTokenDto } from './dto/create-token.dto';
import { SYSTEM_PRINCIPAL } from './principal';
import { toTokenView, TokenView } from './token.mapper';
import { generateTokenSecret, hashTokenSecret } from './token-secret';
import { TokensRepository } from './tokens.repository';

@Injectable()
export class TokensService {
  private readonly logger = new Logger(TokensService.name);

  constructor(
    private readonly transactions: LedgerTransactions,
    private readonly tokens: TokensRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  async create(context: RequestContext, input: CreateTokenDto): Promise<CreatedTokenDto> {
    if (input.role === 'partner' && !input.organizationId) {
      throw Problem.field('organizationId', 'is required for a partner token');
    }
    if (input.expiresAt && new Date(input.expiresAt).getTime() <= Date.now()) {
      throw Problem.field('expiresAt', 'must be in the future');
    }
    const secret = generateTokenSecret();
    return this.transactions.run(context, async (tx) => {
      if (input.organizationId && !(await this.organizations.exists(tx, input.organizationId))) {
        throw Problem.unprocessable('organizationId: no such organization', [
          { path: 'organizationId', message: 'no organization has this id' },
        ]);
      }
      const row = await this.tokens.insert(tx, {
        id: randomUUID(),
        name: input.name,
        role: input.role,
        organizationId: input.organizationId ?? null,
        expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null,
        secretHash: hashTokenSecret(secret),
      });
      if (!row) throw new Error('token secret collision'); // 256 random bits: not expected in this universe
      const view = toTokenView(row);
      await tx.recordChange({ action: 'token.created', entityType: 'token', entityId: row.id, before: null, after: view });
      return { ...view, token: secret };
    });
  }

  async list(query: PageQueryDto): Promise<Page<TokenView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeCursor(query.cursor, 'tokens', { maxLength: 63, isValid: isKeysetTimestamp }) : undefined;
    const rows = await this.tokens.list(limit + 1, after);
    return toPage(rows, limit, 'tokens', (row) => ({ value: row.cursor_value, id: row.id }), toTokenView);
  }

  /** Revoking is idempotent: revoking a revoked token changes nothing and logs nothing. */
  async revoke(context: RequestContext, id: string): Promise<void> {
    await this.transactions.run(context, async (tx) => {
      const current = await this.tokens.findForUpdate(tx, id);
      if (!current) throw Problem.notFound('Token');
      if (current.revoked_at) return;
      const revoked = await this.tokens.setRevoked(tx, id, new Date().toISOString());
      await tx.recordChange({
        action: 'token.revoked',
        entityType: 'token',
        entityId: id,
        before: toTokenView(current),
        after: toTokenView(revoked),
      });
    });
  }

  /**
   * ADMIN_TOKEN: afterwards an admin token with exactly this secret exists, live unless it was revoked
   * (or expired): that stays. Safe to race.
   */
  async ensureBootstrapAdmin(secret: string): Promise<void> {
    const context: RequestContext = { requestId: 'startup', principal: SYSTEM_PRINCIPAL };
    await this.transactions.run(context, async (tx) => {
      const hash = hashTokenSecret(secret);
      const inserted = await this.tokens.insert(tx, {
        id: randomUUID(),
        name: 'bootstrap admin (ADMIN_TOKEN)',
        role: 'admin',
        organizationId: null,
        expiresAt: null,
        secretHash: hash,
      });
      if (inserted) {
        const after = toTokenView(inserted);
        await tx.recordChange({ action: 'token.created', entityType: 'token', entityId: inserted.id, before: null, after });
        return;
      }
      const existing = await this.tokens.findBySecretHash(tx, hash);
      if (!existing) return;
      if (existing.role !== 'admin') {
        throw new Error('ADMIN_TOKEN is already the secret of a non-admin token; choose another secret');
      }
      const expired = existing.expires_at !== null && existing.expires_at.getTime() <= Date.now();
      // A revocation is a decision someone took: a restart with the old environment must not undo it.
      if (existing.revoked_at || expired) {
        this.logger.warn(
          `ADMIN_TOKEN is the secret of a ${existing.revoked_at ? 'revoked' : 'expired'} token, which stays so: no admin token from ADMIN_TOKEN; set a new secret to get one`,
        );
      }
    });
  }
}

import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decodeCursor, isKeysetTimestamp } from '../common/cursor';
import { DEFAULT_PAGE_SIZE, Page, PageQueryDto, toPage } from '../common/page';
import { Problem } from '../common/problem';
import type { RequestContext } from '../common/request-context';
import { AppConfig } from '../config/app-config';
import { LedgerTransactions } from '../database/ledger-transaction';
import { organizationScope } from '../shipments/shipment-scope';
import type {
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDto,
  WebhookWithSecretDto,
} from './dto/webhook.dto';
import { generateWebhookSecret } from './webhook-signature';
import { webhookUrlProblem } from './webhook-url';
import { toWebhookView } from './webhook.mapper';
import { WebhooksRepository } from './webhooks.repository';

/**
 * Webhook subscriptions. A partner's (or a scoped coordinator's) subscriptions belong to its
 * organization: it sees and manages only those, and they only ever carry that organization's shipments.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly transactions: LedgerTransactions,
    private readonly webhooks: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  async create(context: RequestContext, input: CreateWebhookDto): Promise<WebhookWithSecretDto> {
    await this.checkUrl(input.url);
    const secret = generateWebhookSecret();
    const organizationId = organizationScope(context.principal);
    return this.transactions.run(context, async (tx) => {
      const cap = this.config.WEBHOOK_SUBSCRIPTIONS_PER_ORGANIZATION;
      if ((await this.webhooks.countOfOrganizationLocked(tx, organizationId)) >= cap) {
        throw Problem.conflict(
          `This organization already has ${cap} webhook subscriptions, the most allowed (WEBHOOK_SUBSCRIPTIONS_PER_ORGANIZATION); delete one first.`,
          'webhook-subscription-limit',
        );
      }
      const row = await this.webhooks.insert(tx, {
        id: randomUUID(),
        url: input.url,
        events: input.events,
        secret,
        organizationId,
        createdByTokenId: context.principal.tokenId,
        now: new Date().toISOString(),
      });
      const view = toWebhookView(row);
      await tx.recordChange({
        action: 'webhook.created',
        entityType: 'webhook',
        entityId: row.id,
        before: null,
        after: view,
      });
      return { ...view, secret };
    });
  }

  async get(context: RequestContext, id: string): Promise<WebhookDto> {
    const row = await this.webhooks.find(id, organizationScope(context.principal));
    if (!row) throw Problem.notFound('Webhook');
    return toWebhookView(row);
  }

  async list(context: RequestContext, query: PageQueryDto): Promise<Page<WebhookDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor
      ? decodeCursor(query.cursor, 'webhooks', { maxLength: 63, isValid: isKeysetTimestamp })
      : undefined;
    const rows = await this.webhooks.list(organizationScope(context.principal), limit + 1, after);
    return toPage(rows, limit, 'webhooks', (row) => ({ value: row.cursor_value, id: row.id }), toWebhookView);
  }

  /** Edits the URL or the events, pauses (`active: false`) or resumes (`active: true`). */
  async update(context: RequestContext, id: string, input: UpdateWebhookDto): Promise<WebhookDto> {
    if (input.url === undefined && input.events === undefined && input.active === undefined) {
      throw Problem.validation([{ path: 'active', message: 'send at least one of url, events, active' }]);
    }
    if (input.url !== undefined) await this.checkUrl(input.url);
    return this.transactions.run(context, async (tx) => {
      const current = await this.webhooks.lock(tx, id, organizationScope(context.principal));
      if (!current) throw Problem.notFound('Webhook');
      const next = {
        url: input.url ?? current.url,
        events: input.events ?? current.events,
        active: input.active ?? current.active,
      };
      const unchanged =
        next.url === current.url &&
        next.active === current.active &&
        [...next.events].sort().join() === [...current.events].sort().join();
      if (unchanged) return toWebhookView(current);
      const updated = await this.webhooks.update(tx, id, next, new Date().toISOString());
      const after = toWebhookView(updated);
      await tx.recordChange({
        action: 'webhook.updated',
        entityType: 'webhook',
        entityId: id,
        before: toWebhookView(current),
        after,
      });
      return after;
    });
  }

  /**
   * A new secret, effective at once: every delivery sent from now on (retries of older events included)
   * is signed with it, and the old one signs nothing more.
   */
  async rotateSecret(context: RequestContext, id: string): Promise<WebhookWithSecretDto> {
    const secret = generateWebhookSecret();
    return this.transactions.run(context, async (tx) => {
      const current = await this.webhooks.lock(tx, id, organizationScope(context.principal));
      if (!current) throw Problem.notFound('Webhook');
      const updated = await this.webhooks.setSecret(tx, id, secret, new Date().toISOString());
      const after = toWebhookView(updated);
      await tx.recordChange({
        action: 'webhook.secret_rotated',
        entityType: 'webhook',
        entityId: id,
        before: toWebhookView(current),
        after,
      });
      return { ...after, secret };
    });
  }

  async delete(context: RequestContext, id: string): Promise<void> {
    await this.transactions.run(context, async (tx) => {
      const current = await this.webhooks.lock(tx, id, organizationScope(context.principal));
      if (!current) throw Problem.notFound('Webhook');
      await this.webhooks.delete(tx, id);
      await tx.recordChange({
        action: 'webhook.deleted',
        entityType: 'webhook',
        entityId: id,
        before: toWebhookView(current),
        after: null,
      });
    });
  }

  async deliveries(
    context: RequestContext,
    id: string,
    query: PageQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    if (!(await this.webhooks.find(id, organizationScope(context.principal))))
      throw Problem.notFound('Webhook');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sort = `deliveries:${id}`;
    const after = query.cursor
      ? decodeCursor(query.cursor, sort, { maxLength: 63, isValid: isKeysetTimestamp })
      : undefined;
    const rows = await this.webhooks.deliveries(id, limit + 1, after);
    return toPage(
      rows,
      limit,
      sort,
      (row) => ({ value: row.cursor_value, id: row.delivery.id }),
      (row) => row.delivery,
    );
  }

  private async checkUrl(url: string): Promise<void> {
    const problem = await webhookUrlProblem(url, this.config.WEBHOOK_ALLOW_PRIVATE);
    if (problem) throw Problem.field('url', problem.message, problem.status);
  }
}

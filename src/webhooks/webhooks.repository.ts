import { Injectable } from '@nestjs/common';
import type { LedgerTransaction } from '../database/ledger-transaction';
import { Database } from '../database/sql/database';
import type { WebhookDeliveryDto } from './dto/webhook.dto';

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  organization_id: string | null;
  created_at: Date;
  updated_at: Date;
  secret_rotated_at: Date | null;
}

/** A delivery taken by one worker, with what it needs to send it now. */
export interface ClaimedDelivery {
  id: string;
  event_type: string;
  payload: string;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
}

const COLUMNS = 'id, url, events, active, organization_id, created_at, updated_at, secret_rotated_at';
const utc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Visible to a caller confined to `scope` (null: every subscription). */
const inScope = (param: string) => `(${param}::uuid IS NULL OR organization_id = ${param}::uuid)`;

@Injectable()
export class WebhooksRepository {
  constructor(private readonly database: Database) {}

  async insert(
    tx: LedgerTransaction,
    hook: {
      id: string;
      url: string;
      events: string[];
      secret: string;
      organizationId: string | null;
      createdByTokenId: string;
      now: string;
    },
  ): Promise<WebhookRow> {
    const [row] = await tx.query<WebhookRow>(
      `INSERT INTO webhook_subscription (id, url, events, secret, organization_id, created_by_token_id, active, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, true, $7, $7) RETURNING ${COLUMNS}`,
      [hook.id, hook.url, hook.events, hook.secret, hook.organizationId, hook.createdByTokenId, hook.now],
    );
    return row;
  }

  async find(id: string, scope: string | null): Promise<WebhookRow | undefined> {
    const [row] = await this.database.query<WebhookRow>(
      `SELECT ${COLUMNS} FROM webhook_subscription WHERE id = $1 AND ${inScope('$2')}`,
      [id, scope],
    );
    return row;
  }

  async lock(tx: LedgerTransaction, id: string, scope: string | null): Promise<WebhookRow | undefined> {
    const [row] = await tx.query<WebhookRow>(
      `SELECT ${COLUMNS} FROM webhook_subscription WHERE id = $1 AND ${inScope('$2')} FOR UPDATE`,
      [id, scope],
    );
    return row;
  }

  async update(
    tx: LedgerTransaction,
    id: string,
    fields: { url: string; events: string[]; active: boolean },
    now: string,
  ): Promise<WebhookRow> {
    const [row] = await tx.query<WebhookRow>(
      `UPDATE webhook_subscription SET url = $2, events = $3, active = $4, updated_at = $5 WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, fields.url, fields.events, fields.active, now],
    );
    return row;
  }

  async setSecret(tx: LedgerTransaction, id: string, secret: string, now: string): Promise<WebhookRow> {
    const [row] = await tx.query<WebhookRow>(
      `UPDATE webhook_subscription SET secret = $2, secret_rotated_at = $3, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, secret, now],
    );
    return row;
  }

  /** Its deliveries and their attempts go with it. */
  async delete(tx: LedgerTransaction, id: string): Promise<void> {
    await tx.query('DELETE FROM webhook_subscription WHERE id = $1', [id]);
  }

  /** Newest first, keyset on (created_at, id). */
  async list(
    scope: string | null,
    limit: number,
    after?: { value: string; id: string },
  ): Promise<Array<WebhookRow & { cursor_value: string }>> {
    return this.database.query(
      `SELECT ${COLUMNS}, ${utc('created_at')} AS cursor_value FROM webhook_subscription
        WHERE ${inScope('$2')} AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit, scope, after?.value ?? null, after?.id ?? null],
    );
  }

  /** A subscription's deliveries, newest first (keyset on (created_at, id)), each with its attempts. */
  async deliveries(
    subscriptionId: string,
    limit: number,
    after?: { value: string; id: string },
  ): Promise<Array<{ delivery: WebhookDeliveryDto; cursor_value: string }>> {
    return this.database.query(
      `SELECT json_build_object(
                'id', d.id, 'eventId', d.event_id, 'eventType', d.event_type, 'status', d.status,
                'attemptCount', d.attempts,
                'nextAttemptAt', CASE WHEN d.status = 'pending' THEN ${utc('d.next_attempt_at')} END,
                'createdAt', ${utc('d.created_at')}, 'completedAt', ${utc('d.completed_at')},
                'attempts', coalesce((
                  SELECT json_agg(json_build_object(
                           'attempt', a.attempt, 'attemptedAt', ${utc('a.attempted_at')}, 'statusCode', a.status_code,
                           'latencyMs', a.latency_ms, 'error', a.error, 'nextAttemptAt', ${utc('a.next_attempt_at')})
                         ORDER BY a.attempt)
                    FROM webhook_attempt a WHERE a.delivery_id = d.id), '[]'::json)) AS delivery,
              ${utc('d.created_at')} AS cursor_value
         FROM webhook_delivery d
        WHERE d.subscription_id = $1 AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3::timestamptz, $4::uuid))
        ORDER BY d.created_at DESC, d.id DESC LIMIT $2`,
      [subscriptionId, limit, after?.value ?? null, after?.id ?? null],
    );
  }

  /**
   * Active subscriptions to `eventType` whose scope includes one of `parties` (or every shipment), and
   * whose creating token still works: revoking a partner's token also stops its hooks.
   */
  async subscribers(
    tx: LedgerTransaction,
    eventType: string,
  ): Promise<Array<{ id: string; organization_id: string | null }>> {
    return tx.query(
      `SELECT s.id, s.organization_id FROM webhook_subscription s
         JOIN access_token t ON t.id = s.created_by_token_id
        WHERE s.active AND $1 = ANY(s.events)
          AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [eventType],
    );
  }

  /** The outbox rows of one event, due at once. */
  /**
   * The subscriptions of one organization (null: those of unscoped tokens), counted under a transaction
   * lock per organization, so that concurrent creations cannot together pass the cap.
   */
  async countOfOrganizationLocked(tx: LedgerTransaction, organizationId: string | null): Promise<number> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('webhook_subscription:' || coalesce($1::text, '-'), 0))`, [organizationId]);
    const [row] = await tx.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM webhook_subscription WHERE organization_id IS NOT DISTINCT FROM $1::uuid`,
      [organizationId],
    );
    return row.count;
  }

  async enqueue(
    tx: LedgerTransaction,
    eventId: string,
    eventType: string,
    payload: string,
    subscriptionIds: string[],
    now: string,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO webhook_delivery (id, subscription_id, event_id, event_type, payload, status, attempts, next_attempt_at, created_at)
       SELECT gen_random_uuid(), subscription_id, $1, $2, $3, 'pending', 0, $5, $5 FROM unnest($4::uuid[]) AS subscription_id`,
      [eventId, eventType, payload, subscriptionIds, now],
    );
  }

  /**
   * Takes up to `limit` due deliveries of active subscriptions for one worker: a single statement (so a
   * short transaction) that leases them until `leaseMs` from now. Rows another instance is claiming at
   * the same moment are skipped, not waited for; a lease that runs out (the worker died mid-send) makes
   * the delivery due again, so it is sent again rather than lost.
   */
  async claim(limit: number, leaseId: string, leaseMs: number): Promise<ClaimedDelivery[]> {
    return this.database.query<ClaimedDelivery>(
      `WITH due AS (
         SELECT d.id FROM webhook_delivery d
          WHERE d.status = 'pending' AND d.next_attempt_at <= now()
            AND EXISTS (SELECT 1 FROM webhook_subscription s WHERE s.id = d.subscription_id AND s.active)
          ORDER BY d.next_attempt_at
          LIMIT $1
          FOR UPDATE OF d SKIP LOCKED)
       UPDATE webhook_delivery d
          SET lease_id = $2, locked_until = now() + make_interval(secs => $3 / 1000.0), next_attempt_at = now() + make_interval(secs => $3 / 1000.0)
         FROM due, webhook_subscription s
        WHERE d.id = due.id AND s.id = d.subscription_id
       RETURNING d.id, d.event_type, d.payload, d.attempts, d.created_at, s.url, s.secret`,
      [limit, leaseId, leaseMs],
    );
  }

  /** Logs one attempt and settles the delivery, if this worker still holds its lease. */
  async recordAttempt(
    deliveryId: string,
    leaseId: string,
    attempt: { attemptedAt: Date; statusCode: number | null; latencyMs: number; error: string | null },
    outcome: { status: 'pending' | 'delivered' | 'failed'; nextAttemptAt: Date | null },
  ): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      const [row] = await tx.query<{ attempts: number }>(
        `UPDATE webhook_delivery
            SET attempts = attempts + 1, status = $3, next_attempt_at = $4, lease_id = NULL, locked_until = NULL,
                completed_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
          WHERE id = $1 AND lease_id = $2
        RETURNING attempts`,
        [deliveryId, leaseId, outcome.status, outcome.nextAttemptAt?.toISOString() ?? null],
      );
      if (!row) return false;
      await tx.query(
        `INSERT INTO webhook_attempt (delivery_id, attempt, attempted_at, status_code, latency_ms, error, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          deliveryId,
          row.attempts,
          attempt.attemptedAt.toISOString(),
          attempt.statusCode,
          attempt.latencyMs,
          attempt.error,
          outcome.nextAttemptAt?.toISOString() ?? null,
        ],
      );
      return true;
    });
  }

  /** Hands a delivery back without an attempt (the service is stopping): due again at once. */
  async release(deliveryId: string, leaseId: string): Promise<void> {
    await this.database.query(
      `UPDATE webhook_delivery SET lease_id = NULL, locked_until = NULL, next_attempt_at = now() WHERE id = $1 AND lease_id = $2`,
      [deliveryId, leaseId],
    );
  }
}

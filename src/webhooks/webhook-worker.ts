import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { nextAttemptAt } from './webhook-retry';
import { sendWebhook } from './webhook-sender';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';
import { ClaimedDelivery, WebhooksRepository } from './webhooks.repository';

/** Deliveries one instance sends at the same time. */
const MAX_IN_FLIGHT = 16;
/** Leases last this many send timeouts: one that runs out means the worker died, not that it was slow. */
const LEASE_TIMEOUTS = 6;

/**
 * Sends the outbox. Every instance runs one; a claim leases rows (FOR UPDATE SKIP LOCKED, in one short
 * statement) so that instances never send the same delivery at once. The POST happens outside any
 * transaction, and its result is recorded afterwards: a crash in between leaves the lease to run out,
 * and the delivery is sent again (at least once; receivers deduplicate on the event `id`).
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookWorker');
  private readonly leaseId = randomUUID();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.abort.abort();
    await this.loop;
    await Promise.all([...this.inFlight]);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let claimed: ClaimedDelivery[] = [];
      const room = MAX_IN_FLIGHT - this.inFlight.size;
      if (room > 0) {
        try {
          claimed = await this.webhooks.claim(
            room,
            this.leaseId,
            LEASE_TIMEOUTS * this.config.WEBHOOK_TIMEOUT_MS,
          );
        } catch (error) {
          if (!this.stopped)
            this.logger.warn(`claiming webhook deliveries failed, retrying: ${(error as Error).message}`);
        }
      }
      for (const delivery of claimed) {
        const sending = this.deliver(delivery)
          .catch((error: unknown) =>
            this.logger.error(
              `webhook delivery ${delivery.id}: ${(error as Error).message}; it will be sent again`,
            ),
          )
          .finally(() => this.inFlight.delete(sending));
        this.inFlight.add(sending);
      }
      if (claimed.length < room || room === 0) await this.sleep(this.config.WEBHOOK_POLL_MS);
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const attemptedAt = new Date();
    const outcome = await sendWebhook(
      delivery.url,
      delivery.payload,
      {
        [SIGNATURE_HEADER]: signatureHeader(delivery.secret, delivery.payload, attemptedAt),
        'X-AidTrail-Event': delivery.event_type,
        'X-AidTrail-Delivery': delivery.id,
      },
      {
        allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE,
        signal: this.abort.signal,
        timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
      },
    );
    try {
      if (this.stopped && outcome.error && this.abort.signal.aborted && outcome.statusCode === null) {
        // Cut short by the shutdown, not by the receiver: hand it back for another instance or restart.
        await this.webhooks.release(delivery.id, this.leaseId);
        return;
      }
      const succeeded = outcome.error === null;
      const next = succeeded
        ? null
        : nextAttemptAt(
            delivery.attempts + 1,
            delivery.created_at,
            new Date(),
            this.config.WEBHOOK_RETRY_BASE_MS,
          );
      const status = succeeded ? 'delivered' : next ? 'pending' : 'failed';
      const recorded = await this.webhooks.recordAttempt(
        delivery.id,
        this.leaseId,
        { attemptedAt, ...outcome },
        { status, nextAttemptAt: next },
      );
      if (!recorded)
        this.logger.warn(
          `webhook delivery ${delivery.id}: the lease ran out before its result was recorded; it will be sent again`,
        );
      if (status === 'failed')
        this.logger.warn(
          `webhook delivery ${delivery.id} failed for good after ${delivery.attempts + 1} attempts`,
        );
    } catch (error) {
      if (!this.stopped)
        this.logger.warn(
          `recording webhook delivery ${delivery.id} failed; it will be sent again: ${(error as Error).message}`,
        );
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

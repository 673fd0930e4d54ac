import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { Database } from '../../database/sql/database';

/** Held for the sweep's transaction, so that of several instances one sweeps at a time and the others skip. */
const SWEEP_LOCK = 0x1de4_7e4c;
/** Rows deleted per statement: short transactions, short row locks. */
const BATCH = 5_000;

/**
 * Deletes idempotency records older than the 24 hours during which they are replayed, in the
 * background, every IDEMPOTENCY_SWEEP_INTERVAL_MS. Safe with several instances on one database: a
 * transaction-scoped advisory lock lets one sweep while the others skip that round.
 */
@Injectable()
export class IdempotencySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencySweeper.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(
          () => undefined,
          (error: unknown) => this.logger.warn(`idempotency sweep failed: ${String(error)}`),
        )
        .finally(() => (this.running = undefined));
    }, this.config.IDEMPOTENCY_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Before the pool closes: no sweep starts any more, and the one running finishes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes the expired records, batch by batch; returns how many. */
  async sweep(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const batch = await this.database.transaction(async (tx) => {
        const [{ locked }] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
          SWEEP_LOCK,
        ]);
        if (!locked) return 0;
        const rows = await tx.query(
          `DELETE FROM idempotency_record WHERE ctid = ANY(ARRAY(
             SELECT ctid FROM idempotency_record WHERE created_at <= now() - interval '24 hours' LIMIT ${BATCH}))
           RETURNING 1`,
        );
        return rows.length;
      });
      deleted += batch;
      if (batch < BATCH) return deleted;
    }
  }
}

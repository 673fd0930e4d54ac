import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { auditWitnessLag } from '../../metrics/metrics';
import { AuditLogRepository, type CheckpointRow } from '../audit-log.repository';
import { consistencyProofFromStore } from '../proofs';
import { addCheckpoint, WitnessError } from './witness-client';
import { parseWitnessList, type ConfiguredWitness } from './witness-list';
import { WitnessRepository } from './witness.repository';

/** How often each instance looks at each witness when no checkpoint of its own woke it. */
const POLL_MS = 1_000;
/** When a witness is this many checkpoints behind, it is sent the latest; its cosignature covers the rest. */
const MAX_BACKLOG = 16;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5 * 60_000;

/**
 * Submits signed checkpoints to the configured witnesses (C2SP tlog-witness) and stores their
 * cosignatures. Off the write path entirely: it runs after the integrator has committed a checkpoint,
 * one loop per witness, so a slow or dead witness delays nothing but its own cosignatures.
 *
 * Every instance runs it. A lease on the witness's row lets one instance at a time talk to a witness, so
 * instances never send it different `old` sizes; the size it last cosigned, its backoff and its last
 * error live in that row too, so they survive restarts and are shared. A witness whose size is unknown
 * gets the latest checkpoint with `old 0`, and answers 409 with its size if it has seen the log before.
 */
@Injectable()
export class WitnessSubmitter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WitnessSubmitter');
  private readonly witnesses: ConfiguredWitness[];
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly wakers = new Set<() => void>();
  private readonly failing = new Set<string>();
  /** Aborts requests in flight at shutdown: a witness that hangs must not hold the service's exit. */
  private readonly stopping = new AbortController();
  private stopped = false;
  private loops: Array<Promise<void>> = [];

  constructor(
    config: AppConfig,
    private readonly repository: WitnessRepository,
    private readonly log: AuditLogRepository,
  ) {
    this.witnesses = parseWitnessList(config.AUDIT_WITNESSES);
    this.timeoutMs = config.AUDIT_WITNESS_TIMEOUT_MS;
    // Long enough for a few requests that each run to the timeout; an instance that dies frees it then.
    this.leaseMs = 4 * this.timeoutMs + 10_000;
  }

  get configured(): readonly ConfiguredWitness[] {
    return this.witnesses;
  }

  onApplicationBootstrap(): void {
    this.loops = this.witnesses.map((witness) => this.run(witness));
  }

  /**
   * Before any module's shutdown hook: the loops give their leases back through the database pool, which
   * Database closes in its own onApplicationShutdown. A lease left held would keep every instance from that
   * witness until it ran out.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.checkpointSigned();
    await Promise.all(this.loops);
  }

  /** The integrator signed a checkpoint: submit it now rather than at the next poll. */
  checkpointSigned(): void {
    for (const wake of this.wakers) wake();
  }

  private async run(witness: ConfiguredWitness): Promise<void> {
    let registered = false;
    while (!this.stopped) {
      try {
        if (!registered) registered = (await this.repository.register([witness]), true);
        await this.submitPending(witness);
        await this.updateLag(witness);
      } catch (error) {
        // The database being away: the integrator reports that; try again at the next poll.
        this.logger.debug(`witness ${witness.name}: ${(error as Error).message}`);
      }
      await this.pause(POLL_MS);
    }
  }

  /** While this instance holds the witness's lease: submit the checkpoints it has not cosigned, oldest first. */
  private async submitPending(witness: ConfiguredWitness): Promise<void> {
    const leaseId = randomUUID();
    const leased = await this.repository.lease(witness.verifierKey, leaseId, this.leaseMs);
    if (!leased) return;
    const deadline = Date.now() + this.leaseMs / 2;
    let size = leased.cosignedSize;
    try {
      let conflicts = 0;
      while (!this.stopped && Date.now() < deadline) {
        const target = await this.nextCheckpoint(witness, size);
        if (!target) break;
        const oldSize = size ?? 0;
        const proof = oldSize === 0 ? [] : await consistencyProofFromStore(this.log, oldSize, target.treeSize);
        const result = await addCheckpoint(witness, oldSize, proof, target.note, this.timeoutMs, this.stopping.signal);
        if (result.kind === 'conflict') {
          // A third in a row, or one naming the size sent: the witness keeps moving under us or answers nonsense.
          if (++conflicts > 2 || result.size === oldSize) throw new WitnessError(`keeps answering 409 (size ${result.size})`);
          size = result.size;
          await this.repository.learnSize(witness.verifierKey, leaseId, size);
          continue;
        }
        conflicts = 0;
        const { cosignature } = result;
        await this.repository.storeCosignature(leaseId, {
          treeSize: target.treeSize,
          verifierKey: witness.verifierKey,
          name: cosignature.name,
          keyId: cosignature.keyId,
          timestamp: cosignature.timestamp,
          line: cosignature.line,
        });
        size = target.treeSize;
      }
      await this.repository.release(witness.verifierKey, leaseId);
      if (this.failing.delete(witness.verifierKey)) this.logger.log(`witness ${witness.name} cosigns again (size ${size})`);
    } catch (error) {
      if (!(error instanceof WitnessError) || this.stopped) {
        // Not the witness's doing (the database, a shutdown): give the lease back, record nothing against it.
        await this.repository.release(witness.verifierKey, leaseId).catch(() => undefined);
        if (error instanceof WitnessError) return;
        throw error;
      }
      await this.repository.release(witness.verifierKey, leaseId, { error: error.message, retryInMs: retryDelay });
      if (!this.failing.has(witness.verifierKey)) {
        this.failing.add(witness.verifierKey);
        // 422: the witness holds a checkpoint of this origin that this log's tree does not extend: a fork, or
        // another log signing with this key. Worth more than a warning.
        if (error.message.startsWith('HTTP 422')) this.logger.error(`witness ${witness.name} refuses this log as inconsistent with what it cosigned: ${error.message}`);
        else this.logger.warn(`witness ${witness.name} did not cosign, retrying with backoff: ${error.message}`);
      }
    }
  }

  /**
   * What to submit next: with the witness's size unknown, the latest checkpoint; otherwise the oldest
   * checkpoint from its size on that it has not cosigned (the latest when it is far behind).
   */
  private async nextCheckpoint(witness: ConfiguredWitness, size: number | null): Promise<CheckpointRow | undefined> {
    const latest = await this.log.latestCheckpoint();
    if (!latest) return undefined;
    if (size === null) return latest;
    if (size > latest.treeSize) {
      throw new WitnessError(`the witness holds a tree of ${size} entries, more than this log's latest checkpoint (${latest.treeSize})`);
    }
    const pending = await this.repository.uncosigned(witness.verifierKey, size, MAX_BACKLOG + 1);
    return pending.length > MAX_BACKLOG ? latest : pending[0];
  }

  private async updateLag(witness: ConfiguredWitness): Promise<void> {
    const [row] = await this.repository.witnesses([witness.verifierKey]);
    const treeSize = await this.repository.latestTreeSize();
    if (!row || treeSize === undefined) return;
    auditWitnessLag.set({ witness: witness.name }, Math.max(0, treeSize - (row.cosignedSize ?? 0)));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}

/** 1 s, 2 s, 4 s … up to 5 minutes, with ±20 % jitter so that instances and witnesses do not fall into step. */
function retryDelay(failures: number): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 20), MAX_RETRY_MS);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

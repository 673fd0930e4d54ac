import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { Database } from '../database/sql/database';
import type { SqlRunner } from '../database/sql/sql-runner';
import { AuditLogRepository, subtreeKey } from './audit-log.repository';
import { formatCheckpointBody, signNote } from './merkle/checkpoint-note';
import { appendLeaves, leafHash, rootFromFrontier, subtreeDecomposition, verifyConsistency } from './merkle/merkle-tree';
import { SigningKeyHolder } from './signing-key.holder';
import { consistencyProofFromStore } from './proofs';
import { WitnessSubmitter } from './witness/witness-submitter';

/** Any 64-bit number: held, per transaction, by the one instance integrating at a time. */
const INTEGRATOR_LOCK = 7_318_020_200_619;
const BATCH_SIZE = 2_000;
const IDLE_DELAY_MS = 200;
/** While the database is away, retries back off to this, and the log gets one line per outage, not one per retry. */
const MAX_RETRY_DELAY_MS = 2_000;

export class LogInconsistentError extends Error {}

/**
 * The log's sequencer (as in Trillian and Tessera): writers only append entries and queue rows; after
 * commit this worker, in one transaction, gives queued entries contiguous leaf indexes, stores their leaf
 * hashes and the newly completed subtree hashes, and signs a checkpoint. Every instance runs it; a
 * transaction-scoped advisory lock lets one integrate at a time, and if that one dies mid-batch its
 * transaction rolls back and another picks the same entries up: nothing lost, nothing doubled.
 */
@Injectable()
export class AuditIntegrator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('AuditIntegrator');
  private stopped = false;
  private loop?: Promise<void>;

  constructor(
    private readonly database: Database,
    private readonly log: AuditLogRepository,
    private readonly key: SigningKeyHolder,
    private readonly witnesses: WitnessSubmitter,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let integrated = 0;
      try {
        integrated = await this.integrateBatch();
        if (integrated > 0) this.witnesses.checkpointSigned();
        if (failures > 0) this.logger.log(`audit integration resumed after ${failures} failed attempts`);
        failures = 0;
      } catch (error) {
        failures++;
        if (error instanceof LogInconsistentError) {
          this.logger.fatal(`REFUSING TO SIGN: ${error.message}. The stored log no longer matches what was signed; investigate before anything else.`);
        } else if (!this.stopped && failures === 1) {
          this.logger.warn(`audit integration failed, retrying with backoff: ${(error as Error).message}`);
        }
      }
      const delay = failures > 0 ? Math.min(IDLE_DELAY_MS * 2 ** failures, MAX_RETRY_DELAY_MS) : IDLE_DELAY_MS;
      if (failures > 0 || integrated < BATCH_SIZE) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Sequences one batch; returns how many entries it integrated (0 when idle or another instance holds the lock). */
  async integrateBatch(): Promise<number> {
    return this.database.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [INTEGRATOR_LOCK]);
      if (!locked) return 0;
      const latest = await this.log.latestCheckpoint(tx);
      const queued = await this.log.queued(tx, BATCH_SIZE);
      if (queued.length === 0 && latest) return 0;

      const treeSize = await this.log.treeSize(tx);
      const frontier = await this.frontier(tx, treeSize);
      if (latest) this.checkAgainstCheckpoint(latest, treeSize, rootFromFrontier(frontier));

      const leafHashes = queued.map(({ content }) => leafHash(content));
      const appended = appendLeaves(treeSize, frontier, leafHashes);
      if (queued.length) {
        await this.log.appendLeaves(
          tx,
          queued.map(({ id }, i) => ({ seq: treeSize + i, entryId: id, leafHash: leafHashes[i] })),
          appended.completed,
        );
      }
      if (latest && latest.treeSize > 0) {
        // Belt and braces: prove, from what is now stored, that the new tree extends the last signed one.
        const proof = await consistencyProofFromStore(this.log, latest.treeSize, appended.treeSize, tx);
        if (!verifyConsistency(latest.treeSize, appended.treeSize, proof, latest.rootHash, appended.root)) {
          throw new LogInconsistentError(`the new tree of ${appended.treeSize} is not consistent with checkpoint ${latest.treeSize}`);
        }
      }
      const body = formatCheckpointBody({ origin: this.key.key.keyName, treeSize: appended.treeSize, rootHash: appended.root });
      const note = signNote(body, this.key.key.keyName, this.key.key.privateKey);
      await this.log.insertCheckpoint(tx, { treeSize: appended.treeSize, rootHash: appended.root, note }, new Date().toISOString());
      return queued.length;
    });
  }

  /** The right edge of the stored tree: O(log n) hashes read in one query. */
  private async frontier(tx: SqlRunner, treeSize: number): Promise<Buffer[]> {
    const refs = subtreeDecomposition(0, treeSize);
    const hashes = await this.log.subtreeHashes(refs, tx);
    return refs.map(({ start, size }) => {
      const hash = hashes.get(subtreeKey(start, size));
      if (!hash) throw new LogInconsistentError(`the stored subtree (${start}, ${size}) is missing`);
      return hash;
    });
  }

  private checkAgainstCheckpoint(latest: { treeSize: number; rootHash: Buffer }, treeSize: number, root: Buffer): void {
    if (treeSize !== latest.treeSize) {
      throw new LogInconsistentError(`the log holds ${treeSize} leaves but the last checkpoint signed ${latest.treeSize}`);
    }
    if (!root.equals(latest.rootHash)) {
      throw new LogInconsistentError(`the stored tree of ${treeSize} leaves has a root other than the one signed`);
    }
  }
}


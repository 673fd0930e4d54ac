import { Injectable } from '@nestjs/common';
import type { Keyset } from '../common/cursor';
import { isoTimestamp, SqlParams } from '../common/sql';
import { Database } from '../database/sql/database';
import type { SqlRunner } from '../database/sql/sql-runner';
import type { AuditEntryView } from './audit-entry.view';
import type { PerfectSubtree, SubtreeRef } from './merkle/merkle-tree';

/**
 * An entry as served: `seq`, the members of its stored canonical text, `leafHash`; `seq` and `leafHash`
 * are null until the integrator sequences it. Built as text and cast to json, so the stored bytes are
 * served as they are, not re-encoded through jsonb.
 */
const ENTRY_JSON = `('{"seq":' || coalesce(l.seq::text, 'null') || ',' || substr(e.content, 2, length(e.content) - 2)
  || ',"leafHash":' || coalesce('"' || encode(l.leaf_hash, 'hex') || '"', 'null') || '}')::json`;

export interface CheckpointRow {
  treeSize: number;
  rootHash: Buffer;
  note: string;
  createdAt: string;
}

export interface LeafRow {
  seq: number;
  leafHash: Buffer;
  /** The entry's stored canonical text; null when the entry row is gone (tampering). */
  content: string | null;
}

/** Recomputed leaf hashes of leaves from..from+leaves-1 (when the chunk is complete), 32 bytes each. */
export interface LeafHashChunk {
  from: number;
  leaves: number;
  hashes: Buffer;
  /** Every leaf of the chunk has its entry, and the entry hashes to the stored leaf hash. */
  intact: boolean;
}

/** Stored hashes of the level's subtrees from..from+stored-1 (when the chunk is complete), 32 bytes each. */
export interface SubtreeHashChunk {
  level: number;
  from: number;
  stored: number;
  hashes: Buffer;
  wellformed: boolean;
}

export interface AuditFilter {
  entityType?: string;
  entityId?: string;
  action?: string;
  actorTokenId?: string;
  from?: string;
  to?: string;
}

const subtreeKey = (start: number, size: number) => `${start}:${size}`;

@Injectable()
export class AuditLogRepository {
  constructor(private readonly database: Database) {}

  /** Committed entries that await their leaf index, oldest queued first. */
  async queued(tx: SqlRunner, limit: number): Promise<Array<{ id: string; content: string }>> {
    return tx.query(
      `SELECT e.id, e.content FROM audit_queue q JOIN audit_entry e ON e.id = q.entry_id ORDER BY q.enqueued LIMIT $1`,
      [limit],
    );
  }

  async treeSize(runner: SqlRunner = this.database): Promise<number> {
    const [row] = await runner.query<{ size: string }>('SELECT coalesce(max(seq) + 1, 0)::int8::text AS size FROM audit_leaf');
    return Number(row.size);
  }

  /** Hashes of the given perfect subtrees in one query: leaves from audit_leaf, the rest from audit_subtree. */
  async subtreeHashes(refs: readonly SubtreeRef[], runner: SqlRunner = this.database): Promise<Map<string, Buffer>> {
    const leaves = refs.filter((ref) => ref.size === 1).map((ref) => ref.start);
    const inner = refs.filter((ref) => ref.size > 1);
    const rows = await runner.query<{ start: string; size: string; hash: Buffer }>(
      `SELECT seq::text AS start, '1' AS size, leaf_hash AS hash FROM audit_leaf WHERE seq = ANY($1::int8[])
       UNION ALL
       SELECT t.start::text, (1::int8 << t.level)::text, t.hash
         FROM audit_subtree t JOIN unnest($2::int2[], $3::int8[]) AS r(level, start) ON t.level = r.level AND t.start = r.start`,
      [leaves, inner.map((ref) => Math.log2(ref.size)), inner.map((ref) => ref.start)],
    );
    return new Map(rows.map((row) => [subtreeKey(Number(row.start), Number(row.size)), row.hash]));
  }

  async appendLeaves(
    tx: SqlRunner,
    leaves: Array<{ seq: number; entryId: string; leafHash: Buffer }>,
    subtrees: PerfectSubtree[],
  ): Promise<void> {
    await tx.query(
      `INSERT INTO audit_leaf (seq, entry_id, leaf_hash, integrated_at)
       SELECT seq, entry_id, leaf_hash, now() FROM unnest($1::int8[], $2::uuid[], $3::bytea[]) AS t(seq, entry_id, leaf_hash)`,
      [leaves.map((leaf) => leaf.seq), leaves.map((leaf) => leaf.entryId), leaves.map((leaf) => leaf.leafHash)],
    );
    const inner = subtrees.filter((subtree) => subtree.level > 0);
    if (inner.length) {
      await tx.query(
        `INSERT INTO audit_subtree (level, start, hash) SELECT * FROM unnest($1::int2[], $2::int8[], $3::bytea[])`,
        [inner.map((s) => s.level), inner.map((s) => s.start), inner.map((s) => s.hash)],
      );
    }
    await tx.query('DELETE FROM audit_queue WHERE entry_id = ANY($1::uuid[])', [leaves.map((leaf) => leaf.entryId)]);
  }

  async latestCheckpoint(runner: SqlRunner = this.database): Promise<CheckpointRow | undefined> {
    const [row] = await runner.query<CheckpointRow & { treeSize: string }>(
      `SELECT tree_size::text AS "treeSize", root_hash AS "rootHash", note, ${isoTimestamp('created_at')} AS "createdAt"
         FROM audit_checkpoint ORDER BY tree_size DESC LIMIT 1`,
    );
    return row ? { ...row, treeSize: Number(row.treeSize) } : undefined;
  }

  async checkpoints(): Promise<CheckpointRow[]> {
    const rows = await this.database.query<CheckpointRow & { treeSize: string }>(
      `SELECT tree_size::text AS "treeSize", root_hash AS "rootHash", note, ${isoTimestamp('created_at')} AS "createdAt"
         FROM audit_checkpoint ORDER BY tree_size`,
    );
    return rows.map((row) => ({ ...row, treeSize: Number(row.treeSize) }));
  }

  async insertCheckpoint(tx: SqlRunner, checkpoint: Omit<CheckpointRow, 'createdAt'>, createdAt: string): Promise<void> {
    await tx.query(
      'INSERT INTO audit_checkpoint (tree_size, root_hash, note, created_at) VALUES ($1, $2, $3, $4)',
      [checkpoint.treeSize, checkpoint.rootHash, checkpoint.note, createdAt],
    );
  }

  /**
   * Leaves in index order from `fromSeq`, each with its entry's stored text (null when the entry is gone).
   * The entry is fetched per leaf by its unique id (a correlated subquery): a join would let the planner
   * hash the whole entry table for every batch.
   */
  async leaves(fromSeq: number, limit: number, toSeq?: number): Promise<LeafRow[]> {
    const rows = await this.database.query<{ seq: string; leaf_hash: Buffer; content: string | null }>(
      `SELECT l.seq::text AS seq, l.leaf_hash, (SELECT e.content FROM audit_entry e WHERE e.id = l.entry_id) AS content
         FROM audit_leaf l
        WHERE l.seq >= $1 AND ($3::int8 IS NULL OR l.seq <= $3) ORDER BY l.seq LIMIT $2`,
      [fromSeq, limit, toSeq ?? null],
    );
    return rows.map((row) => ({ seq: Number(row.seq), leafHash: row.leaf_hash, content: row.content }));
  }

  /**
   * Every leaf below `treeSize` with its stored hash and the hash PostgreSQL recomputes from the stored
   * entry text (null when the entry is gone): SHA-256(0x00 ‖ UTF-8 bytes), as RFC 9162 defines it, so
   * entries need not cross the wire to be checked. Rows come in no particular order: one sequential pass
   * over each table (hashed in a subquery, so the join carries 48 bytes per entry), streamed from a cursor;
   * fetching entries by leaf order instead means a random index lookup per leaf. Schema-qualified
   * functions: no other `sha256` can stand in.
   */
  forEachRecomputedLeaf(treeSize: number, each: (seq: number, leafHash: Buffer, recomputed: Buffer | null) => void): Promise<void> {
    return this.stream<[string, Buffer, Buffer | null]>(
      `SELECT l.seq, l.leaf_hash, e.recomputed
         FROM audit_leaf l
         LEFT JOIN (SELECT id, pg_catalog.sha256('\\x00'::bytea || pg_catalog.convert_to(content, 'UTF8')) AS recomputed
                      FROM audit_entry OFFSET 0) e ON e.id = l.entry_id
        WHERE l.seq < $1`,
      [treeSize],
      ([seq, leafHash, recomputed]) => each(Number(seq), leafHash, recomputed),
    );
  }

  /** Every stored inner subtree (level ≥ 1) within the first `treeSize` leaves, in no particular order. */
  forEachStoredSubtree(treeSize: number, each: (level: number, start: number, hash: Buffer) => void): Promise<void> {
    return this.stream<[number, string, Buffer]>(
      `SELECT level, start, hash FROM audit_subtree WHERE level >= 1 AND start + (1::int8 << level) <= $1`,
      [treeSize],
      ([level, start, hash]) => each(level, Number(start), hash),
    );
  }

  /**
   * The leaf hashes recomputed from the entries, `chunk` leaves per row: the chunk's index, how many of
   * its leaves are stored, their recomputed hashes concatenated in index order, and whether every one
   * has its entry and matches its stored leaf hash. It is forEachRecomputedLeaf's one pass (PostgreSQL
   * hashes every entry) with the rows folded: the service then parses a few dozen rows per million
   * leaves instead of a million. A chunk that is short or not intact only says that something is off;
   * the row-by-row pass then names it.
   */
  forEachLeafHashChunk(treeSize: number, chunk: number, each: (chunk: LeafHashChunk) => void): Promise<void> {
    return this.stream<[string, number, Buffer | null, boolean]>(
      `SELECT (l.seq / $2)::text AS chunk, count(*)::int AS leaves,
              string_agg(e.recomputed, ''::bytea ORDER BY l.seq) AS hashes,
              coalesce(bool_and(e.recomputed IS NOT NULL AND e.recomputed = l.leaf_hash), true) AS intact
         FROM audit_leaf l
         LEFT JOIN (SELECT id, pg_catalog.sha256('\\x00'::bytea || pg_catalog.convert_to(content, 'UTF8')) AS recomputed
                      FROM audit_entry OFFSET 0) e ON e.id = l.entry_id
        WHERE l.seq >= 0 AND l.seq < $1
        GROUP BY l.seq / $2 ORDER BY l.seq / $2`,
      [treeSize, chunk],
      ([index, leaves, hashes, intact]) => each({ from: Number(index) * chunk, leaves, hashes: hashes ?? Buffer.alloc(0), intact }),
    );
  }

  /**
   * The stored inner subtree hashes (level ≥ 1) of a tree of `treeSize` leaves, `chunk` per row and level:
   * the hashes of subtrees index..index+count-1 of that level (the subtree at index i covers leaves
   * i·2^level onwards), concatenated in order, and how many were found.
   */
  forEachStoredSubtreeChunk(treeSize: number, chunk: number, each: (chunk: SubtreeHashChunk) => void): Promise<void> {
    return this.stream<[number, string, number, Buffer | null, boolean]>(
      `SELECT c.level, c.lo::text, x.stored, x.hashes, x.wellformed
         FROM (SELECT level, generate_series(0::int8, ($1::int8 >> level) - 1, $2::int8) AS lo
                 FROM generate_series(1, 62) AS level WHERE ($1::int8 >> level) > 0) AS c
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS stored, string_agg(t.hash, ''::bytea ORDER BY t.start) AS hashes,
                  coalesce(bool_and(octet_length(t.hash) = 32), true) AS wellformed
             FROM audit_subtree t
            WHERE t.level = c.level AND t.start >= (c.lo << c.level)
              AND t.start < (least(c.lo + $2, $1::int8 >> c.level) << c.level)) x
        ORDER BY c.level, c.lo`,
      [treeSize, chunk],
      ([level, lo, stored, hashes, wellformed]) =>
        each({ level, from: Number(lo), stored, hashes: hashes ?? Buffer.alloc(0), wellformed }),
    );
  }

  /**
   * Streams a query's rows (as arrays) from a cursor on a connection of its own, for as long as the log's
   * size needs (DATABASE_QUERY_TIMEOUT_MS would fail verification of a log of a few million entries).
   */
  private async stream<Row>(sql: string, params: unknown[], each: (row: Row) => void): Promise<void> {
    const read = await this.database.longRead(sql, params, 5_000);
    let failed = true;
    try {
      for await (const row of read.rows as AsyncIterable<Row>) each(row);
      failed = false;
    } finally {
      await read.close(failed);
    }
  }

  /** Entries by recording time, keyset on (recorded_at, id); unsequenced ones included with seq null. */
  async list(filter: AuditFilter, limit: number, after?: Keyset): Promise<Array<{ entry: AuditEntryView; cursor_value: string }>> {
    const params = new SqlParams();
    const conditions: string[] = ['TRUE'];
    if (filter.entityType) conditions.push(`e.entity_type = ${params.add(filter.entityType)}`);
    if (filter.entityId) conditions.push(`e.entity_id = ${params.add(filter.entityId)}`);
    if (filter.action) conditions.push(`e.action = ${params.add(filter.action)}`);
    if (filter.actorTokenId) conditions.push(`e.actor->>'tokenId' = ${params.add(filter.actorTokenId)}`);
    if (filter.from) conditions.push(`e.recorded_at >= ${params.add(filter.from)}::timestamptz`);
    if (filter.to) conditions.push(`e.recorded_at <= ${params.add(filter.to)}::timestamptz`);
    if (after) conditions.push(`(e.recorded_at, e.id) > (${params.add(after.value)}::timestamptz, ${params.add(after.id)}::uuid)`);
    return this.database.query(
      `SELECT ${ENTRY_JSON} AS entry, ${isoTimestamp('e.recorded_at')} AS cursor_value
         FROM audit_entry e LEFT JOIN audit_leaf l ON l.entry_id = e.id
        WHERE ${conditions.join(' AND ')} ORDER BY e.recorded_at, e.id LIMIT ${params.add(limit)}`,
      params.values,
    );
  }
}

export { subtreeKey };

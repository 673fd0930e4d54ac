import { Pool } from 'pg';
import type { Decision, WitnessedCheckpoint, WitnessStateStore } from './witness-state';

/**
 * The witness's state in PostgreSQL, one row per log: each update runs in a transaction that locks the
 * origin's row (SELECT … FOR UPDATE), so the compare and the set are one step even with several witness
 * processes on one database. The witness creates its table itself; it shares nothing with AidTrail's schema.
 */
export class PostgresStateStore implements WitnessStateStore {
  private readonly pool: Pool;

  private constructor(url: string) {
    this.pool = new Pool({ connectionString: url, max: 4, application_name: 'aidtrail-witness' });
  }

  static async open(url: string): Promise<PostgresStateStore> {
    const store = new PostgresStateStore(url);
    await store.pool.query(
      `CREATE TABLE IF NOT EXISTS witness_log_state (
         origin text PRIMARY KEY, tree_size bigint NOT NULL, root_hash text NOT NULL, note text NOT NULL, updated_at timestamptz NOT NULL)`,
    );
    return store;
  }

  async get(origin: string): Promise<WitnessedCheckpoint | undefined> {
    const { rows } = await this.pool.query('SELECT tree_size::text AS size, root_hash, note FROM witness_log_state WHERE origin = $1', [origin]);
    return rows[0] ? { size: Number(rows[0].size), rootHash: rows[0].root_hash, note: rows[0].note } : undefined;
  }

  async update<T>(origin: string, decide: (current: WitnessedCheckpoint | undefined) => Decision<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A first submission for an origin has no row to lock: the placeholder gives it one (size 0 is what
      // "never cosigned" means), and ON CONFLICT makes two first submissions wait on the same row.
      await client.query(
        `INSERT INTO witness_log_state (origin, tree_size, root_hash, note, updated_at) VALUES ($1, 0, '', '', now())
         ON CONFLICT (origin) DO NOTHING`,
        [origin],
      );
      const { rows } = await client.query(
        'SELECT tree_size::text AS size, root_hash, note FROM witness_log_state WHERE origin = $1 FOR UPDATE',
        [origin],
      );
      const current = rows[0].root_hash === '' ? undefined : { size: Number(rows[0].size), rootHash: rows[0].root_hash, note: rows[0].note };
      const { answer, store } = decide(current);
      if (store) {
        await client.query('UPDATE witness_log_state SET tree_size = $2, root_hash = $3, note = $4, updated_at = now() WHERE origin = $1', [
          origin,
          store.size,
          store.rootHash,
          store.note,
        ]);
      }
      await client.query('COMMIT');
      return answer;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

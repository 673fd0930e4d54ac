import { EventEmitter } from 'node:events';
import type { PoolClient } from 'pg';
import { databaseProblem } from '../../src/common/database-errors';
import { ConnectionLostError, SqlTransaction } from '../../src/database/sql/sql-transaction';

/** A pool client that records the statements it is sent and how it was released. */
function fakeClient(failOn?: string) {
  const client = Object.assign(new EventEmitter(), {
    sent: [] as string[],
    released: [] as unknown[],
    async query(sql: string) {
      client.sent.push(sql);
      if (sql === failOn) throw Object.assign(new Error(`refused ${sql}`), { code: '23505' });
      return { rows: [{ statement: sql }] };
    },
    release(error?: unknown) {
      client.released.push(error);
    },
  });
  return client;
}

describe('SqlTransaction', () => {
  it('runs the work between BEGIN and COMMIT and returns the connection to the pool', async () => {
    const client = fakeClient();
    const rows = await SqlTransaction.run(client as unknown as PoolClient, (tx) => tx.query('SELECT 1'));
    expect(rows).toEqual([{ statement: 'SELECT 1' }]);
    expect(client.sent).toEqual(['BEGIN', 'SELECT 1', 'COMMIT']);
    expect(client.released).toEqual([undefined]);
    expect(client.listenerCount('error')).toBe(0);
  });

  it('rolls back when the work fails, and keeps the connection', async () => {
    const client = fakeClient('INSERT');
    await expect(SqlTransaction.run(client as unknown as PoolClient, (tx) => tx.query('INSERT'))).rejects.toThrow('refused INSERT');
    expect(client.sent).toEqual(['BEGIN', 'INSERT', 'ROLLBACK']);
    expect(client.released).toEqual([undefined]);
  });

  it('after its connection died, refuses the next statement as a lost connection (503) and discards the connection', async () => {
    const client = fakeClient();
    const died = new Error('terminating connection due to administrator command');
    const run = SqlTransaction.run(client as unknown as PoolClient, async (tx) => {
      await tx.query('SELECT 1');
      client.emit('error', died);
      return tx.query('UPDATE');
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(databaseProblem(error)).toMatchObject({ status: 503, code: 'database-unavailable' });
    expect(client.sent).toEqual(['BEGIN', 'SELECT 1']);
    expect(client.released).toEqual([died]);
  });

  it('refuses statements once the transaction has ended', async () => {
    const client = fakeClient();
    let kept: SqlTransaction | undefined;
    await SqlTransaction.run(client as unknown as PoolClient, async (tx) => {
      kept = tx;
    });
    await expect(kept!.query('SELECT 1')).rejects.toThrow('already ended');
  });
});

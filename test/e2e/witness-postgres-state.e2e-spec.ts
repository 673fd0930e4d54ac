import { randomBytes } from 'node:crypto';
import { PostgresStateStore } from '../../src/witness/postgres-state.store';
import { createDatabase } from '../../src/database/database-admin';

/** The witness's PostgreSQL store, on a database of its own: the compare-and-set of tlog-witness across connections. */
describe('witness state in PostgreSQL', () => {
  const database = `aidtrail_t${process.env.AIDTRAIL_TEST_RUN}_witness_${randomBytes(3).toString('hex')}`;
  let url: string;
  const stores: PostgresStateStore[] = [];

  beforeAll(async () => {
    url = await createDatabase(process.env.AIDTRAIL_TEST_ADMIN_URL!, database);
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  const open = async () => {
    const store = await PostgresStateStore.open(url);
    stores.push(store);
    return store;
  };

  /** Moves the origin from `from` to `to`, as add-checkpoint does: refused unless the stored size is `from`. */
  const advance = (store: PostgresStateStore, origin: string, from: number, to: number) =>
    store.update(origin, (current) =>
      (current?.size ?? 0) === from
        ? { answer: 'stored', store: { size: to, rootHash: `root-${to}`, note: `note ${to}\n` } }
        : { answer: `conflict ${current?.size ?? 0}` },
    );

  it('stores, reads back, and survives a new connection pool', async () => {
    const store = await open();
    expect(await store.get('log.test/a')).toBeUndefined();
    expect(await advance(store, 'log.test/a', 0, 5)).toBe('stored');
    expect(await (await open()).get('log.test/a')).toEqual({ size: 5, rootHash: 'root-5', note: 'note 5\n' });
  });

  it('of two processes racing from the same size, one stores and the other sees its result', async () => {
    const [first, second] = [await open(), await open()];
    for (let round = 0; round < 10; round++) {
      const origin = `log.test/race-${round}`;
      // From a stored row (a first row is serialized by its unique key anyway): only the row lock orders them.
      await advance(first, origin, 0, 2);
      const answers = await Promise.all([advance(first, origin, 2, 9), advance(second, origin, 2, 4)]);
      expect(answers.filter((answer) => answer === 'stored')).toHaveLength(1);
      const stored = (await first.get(origin))!.size;
      expect(answers).toContain(`conflict ${stored}`);
    }
  });
});

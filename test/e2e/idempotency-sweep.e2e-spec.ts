import { randomBytes } from 'node:crypto';
import { sleep } from '../support/audit-log';
import { organizationBody } from '../support/builders';
import { Api } from '../support/http';
import { startService, TestService } from '../support/service';

/** Idempotency records are replayed for 24 hours; afterwards a background sweep deletes them. */
describe('idempotency records past 24 hours', () => {
  let service: TestService;
  let api: Api;

  beforeAll(async () => {
    service = await startService({ IDEMPOTENCY_SWEEP_INTERVAL_MS: '200' });
    api = new Api(service.baseUrl, service.adminToken);
  });
  afterAll(() => service?.stop());

  const keyed = async (age: string) => {
    const key = `sweep-${randomBytes(6).toString('hex')}`;
    const response = await api.post('/organizations', organizationBody(), {
      headers: { 'idempotency-key': key },
    });
    expect(response.status).toBe(201);
    await service.db.query(`UPDATE idempotency_record SET created_at = now() - $2::interval WHERE key = $1`, [
      key,
      age,
    ]);
    return key;
  };
  const stored = async (keys: string[]) =>
    (
      await service.db.query('SELECT key FROM idempotency_record WHERE key = ANY($1) ORDER BY key', [keys])
    ).rows.map((row) => row.key);

  it('deletes them in the background, with two instances sweeping the same database, and keeps younger ones', async () => {
    await service.startSibling({ IDEMPOTENCY_SWEEP_INTERVAL_MS: '150' });
    const old = [await keyed('25 hours'), await keyed('30 days')];
    const young = [await keyed('23 hours'), await keyed('0 seconds')];
    const deadline = Date.now() + 10_000;
    while ((await stored(old)).length > 0 && Date.now() < deadline) await sleep(100);
    expect(await stored(old)).toEqual([]);
    expect(await stored(young)).toEqual([...young].sort());
    expect(service.output()).not.toMatch(/idempotency sweep failed/);
  });
});

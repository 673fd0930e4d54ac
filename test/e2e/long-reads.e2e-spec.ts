import { Client } from 'pg';
import { settled } from '../support/audit-log';
import { createShipment, seedParties } from '../support/builders';
import { Api } from '../support/http';
import { ServiceProcess, startService, TestService } from '../support/service';

/**
 * The service waits DATABASE_QUERY_TIMEOUT_MS (30 s) for each query's answer, from the first message to
 * the last row, then answers 503. The streams whose length the data or the reader sets — the audit
 * log's verification passes over millions of entries, a manifest export read over a slow link — must
 * outlast it. Here an instance waits 1.5 s per query and a lock holds each stream up for 3 s: the plain
 * query gives up (and PostgreSQL cancels it), the streams deliver.
 */
describe('streamed reads past the query timeout', () => {
  const HELD_MS = 3_000;
  let service: TestService;
  let impatient: ServiceProcess;
  let api: Api;
  let shipmentId: string;

  beforeAll(async () => {
    service = await startService();
    const admin = new Api(service.baseUrl, service.adminToken);
    const { donor, recipient } = await seedParties(admin);
    for (let i = 0; i < 3; i++) shipmentId = (await createShipment(admin, donor.id, recipient.id)).id;
    await settled(admin, service.db);
    impatient = await service.startSibling({ DATABASE_QUERY_TIMEOUT_MS: '1500', REPORT_TIMEOUT_MS: '1000' });
    api = new Api(impatient.baseUrl, service.adminToken);
  });
  afterAll(() => service?.stop());

  /** Runs `request` while another session holds `table` locked against reads for HELD_MS. */
  async function whileLocked<T>(table: string, request: () => Promise<T>): Promise<T> {
    const blocker = new Client({ connectionString: service.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const released = new Promise((resolve) => setTimeout(resolve, HELD_MS)).then(async () => {
      await blocker.query('COMMIT');
      await blocker.end();
    });
    try {
      return await request();
    } finally {
      await released;
    }
  }

  it('gives up on a plain query after DATABASE_QUERY_TIMEOUT_MS: 503 database-busy, the statement cancelled', async () => {
    let answeredAfter = 0;
    let leftWaiting = -1;
    const response = await whileLocked('shipment_item', async () => {
      const started = Date.now();
      const answer = await api.get(`/shipments/${shipmentId}`);
      answeredAfter = Date.now() - started;
      // The server cancelled the statement too (statement_timeout): nothing of it still waits on the lock
      // to hold a pooled connection for whoever takes it next.
      for (const deadline = Date.now() + 1_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        const { rows } = await service.db.query(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        leftWaiting = rows[0].waiting;
        if (leftWaiting === 0) break;
      }
      return answer;
    });
    expect(response.status).toBe(503);
    expect(response.body.type).toMatch(/database-busy$/);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(answeredAfter).toBeLessThan(HELD_MS);
    expect(leftWaiting).toBe(0);
  });

  it('verifies the audit log however long its streams take', async () => {
    const started = Date.now();
    const response = await whileLocked('audit_subtree', () => api.get('/audit/verify'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(HELD_MS - 100);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ valid: true });
    expect(response.body.treeSize).toBeGreaterThanOrEqual(4);
  });

  it('exports the manifest however long its cursor waits', async () => {
    const started = Date.now();
    const response = await whileLocked('shipment_item', () => api.get('/shipments/export?format=csv'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(HELD_MS - 100);
    expect(response.status).toBe(200);
    const { rows } = await service.db.query('SELECT count(*)::int AS lines FROM shipment_item');
    expect(response.text.trim().split('\n')).toHaveLength(rows[0].lines + 1); // the header row
  });
});

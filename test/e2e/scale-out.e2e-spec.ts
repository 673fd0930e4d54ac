import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { count, expectContiguousLog, expectOneEntryPerRow, inLanes, settled } from '../support/audit-log';
import { seedParties, seedShipmentBody } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

/**
 * Scale-out: three stateless processes of the service on one database, written to at once, as behind a
 * load balancer. Nothing may be lost, doubled or applied twice because two requests landed on two
 * processes: row locks, the idempotency advisory lock and the audit integrator's lock are all in
 * PostgreSQL, shared by every process.
 */
describe('three instances on one database', () => {
  let service: TestService;
  let apis: Api[];
  let parties: { donor: { id: string }; recipient: { id: string } };

  beforeAll(async () => {
    service = await startService();
    const siblings = await Promise.all([service.startSibling(), service.startSibling()]);
    apis = [service.baseUrl, ...siblings.map((sibling) => sibling.baseUrl)].map(
      (url) => new Api(url, service.adminToken),
    );
    parties = await seedParties(apis[0]);
  });
  afterAll(async () => {
    await service?.stop();
  });

  const onEvery = <T>(task: (api: Api, instance: number) => Promise<T>) =>
    Promise.all(apis.map((api, instance) => task(api, instance)));

  it('creates shipments through all three at once: each stored once, with its own reference and audit entry', async () => {
    const title = `Scale-out ${randomBytes(4).toString('hex')}`;
    const responses = await inLanes(
      Array.from(
        { length: 90 },
        (_, i) => () =>
          apis[i % 3].post('/shipments', seedShipmentBody(parties.donor.id, parties.recipient.id, { title })),
      ),
      12,
    );
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 201));
    const ids = new Set(responses.map((response) => response.body.id));
    const references = new Set(responses.map((response) => response.body.reference));
    expect(ids.size).toBe(90);
    expect(references.size).toBe(90);
    const { rows } = await service.db.query('SELECT id::text, reference FROM shipment WHERE title = $1', [
      title,
    ]);
    expect(rows.map((row) => row.id).sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((row) => row.reference)).size).toBe(90);
    expect(
      await count(
        service.db,
        `SELECT count(*) FROM audit_entry WHERE action = 'shipment.created' AND entity_id = ANY($1::uuid[])`,
        [[...ids]],
      ),
    ).toBe(90);
  });

  it('applies exactly one of each set of identical events racing on one shipment through different instances', async () => {
    const shipments = await inLanes(
      Array.from({ length: 8 }, (_, i) => async () => {
        const response = await apis[i % 3].post(
          '/shipments',
          seedShipmentBody(parties.donor.id, parties.recipient.id),
        );
        expect(response.status).toBe(201);
        return response.body as { id: string; version: number };
      }),
      4,
    );
    // Each round: every instance, twice, sends the same event for every shipment, all at once. Only the
    // first to lock the row finds the status the event leaves from; the others find the new status.
    const rounds = ['dispatched', 'arrived', 'held', 'lost'];
    for (const [round, type] of rounds.entries()) {
      const races = await Promise.all(
        shipments.map((shipment) =>
          Promise.all(
            [...apis, ...apis].map((api) =>
              api.post(`/shipments/${shipment.id}/events`, { type, note: `race ${round}` }),
            ),
          ),
        ),
      );
      for (const race of races) {
        const applied = race.filter((response) => response.status === 201);
        expect(applied).toHaveLength(1);
        expect(applied[0].body.shipment).toMatchObject({ status: type, version: round + 2 });
        for (const refused of race.filter((response) => response.status !== 201)) {
          expectProblem(refused, 409);
          expect(refused.body.type).toMatch(/invalid-transition/);
        }
      }
    }
    for (const [i, shipment] of shipments.entries()) {
      const served = await apis[i % 3].get(`/shipments/${shipment.id}`);
      expect(served.body).toMatchObject({ status: 'lost', version: rounds.length + 1 });
      expect(served.headers.get('etag')).toBe(`"${rounds.length + 1}"`);
      const timeline = await apis[(i + 1) % 3].get(`/shipments/${shipment.id}/events`);
      expect(
        timeline.body.data.map(
          (event: { fromStatus: string; toStatus: string }) => `${event.fromStatus}>${event.toStatus}`,
        ),
      ).toEqual(['planned>dispatched', 'dispatched>arrived', 'arrived>held', 'held>lost']);
    }
    const ids = shipments.map((shipment) => shipment.id);
    expect(
      await count(service.db, 'SELECT count(*) FROM shipment_event WHERE shipment_id = ANY($1::uuid[])', [
        ids,
      ]),
    ).toBe(ids.length * rounds.length);
    expect(
      await count(
        service.db,
        `SELECT count(*) FROM audit_entry WHERE action = 'shipment.event_recorded' AND entity_id = ANY($1::uuid[])`,
        [ids],
      ),
    ).toBe(ids.length * rounds.length);
  });

  it('creates one shipment for the same Idempotency-Key sent to different instances at once, and answers alike', async () => {
    const keys = Array.from({ length: 6 }, () => `scale-out-${randomBytes(8).toString('hex')}`);
    for (const key of keys) {
      const body = seedShipmentBody(parties.donor.id, parties.recipient.id, { title: `Idempotent ${key}` });
      const send = (api: Api) => api.post('/shipments', body, { headers: { 'idempotency-key': key } });
      const concurrent = await Promise.all([...apis, ...apis, ...apis].map(send));
      // While the first runs, a duplicate is refused as in progress (409); once it has committed, the
      // stored answer is replayed. Never a second shipment.
      const created = concurrent.filter((response) => response.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(
        created.filter((response) => response.headers.get('idempotent-replayed') !== 'true'),
      ).toHaveLength(1);
      for (const response of concurrent.filter((r) => r.status !== 201)) {
        expectProblem(response, 409);
        expect(response.body.type).toMatch(/idempotency-in-progress/);
      }
      const first = created[0].body;
      for (const response of created) expect(response.body).toEqual(first);

      // Retries after the fact, through every instance in turn (replays take the key's lock too, so
      // replays racing each other may also be told 409): the same answer, replayed.
      for (const api of apis) {
        const retry = await send(api);
        expect(retry.status).toBe(201);
        expect(retry.headers.get('idempotent-replayed')).toBe('true');
        expect(retry.body).toEqual(first);
      }
      const changed = await apis[2].post(
        '/shipments',
        { ...body, title: 'Another body' },
        { headers: { 'idempotency-key': key } },
      );
      expectProblem(changed, 422);

      const { rows } = await service.db.query('SELECT id::text FROM shipment WHERE title = $1', [body.title]);
      expect(rows).toEqual([{ id: first.id }]);
      expect(
        await count(
          service.db,
          `SELECT count(*) FROM audit_entry WHERE action = 'shipment.created' AND entity_id = $1`,
          [first.id],
        ),
      ).toBe(1);
    }
    expect(await count(service.db, `SELECT count(*) FROM shipment WHERE title LIKE 'Another body%'`)).toBe(0);
  });

  it('ends with no duplicates and one contiguous, verified audit log, integrated by the three without double work', async () => {
    expect(
      await count(
        service.db,
        'SELECT count(*) FROM (SELECT reference FROM shipment GROUP BY reference HAVING count(*) > 1) d',
      ),
    ).toBe(0);
    const checkpoint = await settled(apis[1], service.db, 30_000);
    const size = await expectContiguousLog(service.db);
    expect(checkpoint.treeSize).toBe(size);
    await expectOneEntryPerRow(service.db, 'shipment', 'shipment.created');
    // An event's entry names its shipment: one entry per stored event, and no entry without its event.
    expect(
      await count(service.db, `SELECT count(*) FROM audit_entry WHERE action = 'shipment.event_recorded'`),
    ).toBe(await count(service.db, 'SELECT count(*) FROM shipment_event'));
    const reports: ApiResponse[] = await onEvery((api) => api.get('/audit/verify'));
    for (const report of reports)
      expect(report.body).toMatchObject({ valid: true, treeSize: size, checked: size });
    const checkpoints = await onEvery((api) => api.get('/audit/checkpoint'));
    expect(checkpoints.every((served) => isDeepStrictEqual(served.body, checkpoints[0].body))).toBe(true);
  });

  it('keeps references unique past the millionth shipment', async () => {
    await service.db.query(`SELECT setval('shipment_reference_seq', 999998)`);
    const responses = await Promise.all(
      apis.map((api) => api.post('/shipments', seedShipmentBody(parties.donor.id, parties.recipient.id))),
    );
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201]);
    const numbers = responses.map((response) =>
      Number(/^SHP-\d{4}-(\d+)$/.exec(response.body.reference)?.[1]),
    );
    numbers.sort((a, b) => a - b);
    expect(numbers).toEqual([999999, 1000000, 1000001]);
  });
});

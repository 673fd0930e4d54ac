import { count, expectContiguousLog, settled, sleep } from '../support/audit-log';
import { seedParties, seedShipmentBody } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { ServiceProcess, startService, TestService } from '../support/service';

const LANES = 8;
/** Acknowledged writes before the kill: enough for every lane to be mid-lifecycle. */
const WRITES_BEFORE_KILL = 80;

const FIVE_LINES = [
  { description: 'Medical masks', category: 'ppe', quantity: '500000', unit: 'each', unitValue: '0.10', currency: 'USD' },
  { description: 'Protective suits', category: 'ppe', quantity: '10000', unit: 'each', unitValue: '12.50', currency: 'USD', weightKg: '2500.5' },
  { description: 'PCR test kits', category: 'laboratory', quantity: '200', unit: 'kit', unitValue: '450.00', currency: 'USD', expiryDate: '2021-11-30' },
  { description: 'Disinfectant', category: 'wash', quantity: '3000', unit: 'litre', unitValue: '2.20', currency: 'EUR', weightKg: '3150' },
  { description: 'Ventilators', category: 'medical_equipment', quantity: '12', unit: 'each', unitValue: '15000', currency: 'EUR', volumeM3: '1.25' },
];

/** What a client was told about one shipment: the 201, then each acknowledged event, in order. */
interface Tracked {
  created: any;
  events: any[];
  /** An event request that got no answer (in flight when the process died): it may or may not have committed. */
  unanswered?: string;
}

/** A write that got an answer (any status) or none at all (the process died under it). */
async function attempt(call: () => Promise<ApiResponse>): Promise<ApiResponse | undefined> {
  try {
    return await call();
  } catch {
    return undefined;
  }
}

describe('crash and restart (kill -9 mid-stream)', () => {
  let service: TestService;
  let restarted: ServiceProcess;

  beforeAll(async () => {
    service = await startService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('keeps every acknowledged write exactly as answered, and nothing half-written', async () => {
    const api = new Api(service.baseUrl, service.adminToken);
    const { donor, recipient } = await seedParties(api);
    const tracked: Tracked[] = [];
    let acknowledged = 0;
    let dead = false;

    // Each lane drives shipments through their lifecycle: created with 5 lines, dispatched, in transit,
    // arrived, then delivered (full receipt) or partially delivered (half of each line), until the kill.
    const lane = async (laneNo: number) => {
      for (let round = 0; !dead; round++) {
        const created = await attempt(() => api.post('/shipments', seedShipmentBody(donor.id, recipient.id, { items: FIVE_LINES })));
        if (!created) return;
        expect(created.status).toBe(201);
        acknowledged++;
        const shipment: Tracked = { created: created.body, events: [] };
        tracked.push(shipment);
        const partial = (laneNo + round) % 2 === 0;
        const receipt = {
          receivedBy: 'Central warehouse, Kyiv',
          lines: created.body.items.map((item: { id: string; quantity: string }) => ({
            itemId: item.id,
            quantityReceived: partial ? String(Number(item.quantity) / 2) : item.quantity,
          })),
        };
        const steps = [
          { type: 'dispatched', location: { countryCode: 'AZ', name: 'Baku' } },
          { type: 'in_transit', location: { countryCode: 'GE', name: 'Tbilisi', lat: 41.7151, lon: 44.8271 } },
          { type: 'arrived', location: { countryCode: 'UA', name: 'Kyiv' } },
          { type: partial ? 'partially_delivered' : 'delivered', receipt, note: 'Signed for at the warehouse' },
        ];
        for (const step of steps) {
          const answer = await attempt(() => api.post(`/shipments/${created.body.id}/events`, step));
          if (!answer) {
            shipment.unanswered = step.type;
            return;
          }
          expect(answer.status).toBe(201);
          acknowledged++;
          shipment.events.push(answer.body);
        }
      }
    };
    const lanes = Array.from({ length: LANES }, (_, i) => lane(i));
    while (acknowledged < WRITES_BEFORE_KILL) await sleep(5);
    service.process.kill('SIGKILL');
    dead = true;
    await Promise.all(lanes);
    // The lanes can see their connections drop before the 'exit' event reaches this process.
    const killed = service.process;
    if (killed.exitCode === null && killed.signalCode === null) await new Promise((resolve) => killed.once('exit', resolve));
    expect(killed.signalCode).toBe('SIGKILL');

    restarted = await service.startSibling();
    const after = new Api(restarted.baseUrl, service.adminToken);
    const db = service.db;

    // Every acknowledged write is there, byte for byte as answered.
    for (const shipment of tracked) {
      const { id } = shipment.created;
      const stored = await after.get(`/shipments/${id}`);
      expect(stored.status).toBe(200);
      const timeline = await after.get(`/shipments/${id}/events`);
      expect(timeline.status).toBe(200);
      const storedEvents: any[] = timeline.body.data;
      for (const [index, answered] of shipment.events.entries()) expect(storedEvents[index]).toEqual(answered.event);

      const lastAnswered = shipment.events.at(-1)?.shipment ?? { id, status: 'planned', version: 1 };
      const committedUnanswered = storedEvents.length > shipment.events.length;
      if (committedUnanswered) {
        // The one request in flight at the kill committed without its answer reaching the client: allowed, once.
        expect(storedEvents.length).toBe(shipment.events.length + 1);
        expect(storedEvents.at(-1).type).toBe(shipment.unanswered);
      }
      expect({ id: stored.body.id, status: stored.body.status, version: stored.body.version }).toEqual(
        committedUnanswered
          ? { id, status: shipment.unanswered, version: lastAnswered.version + 1 }
          : lastAnswered,
      );
      if (shipment.events.length === 0 && !committedUnanswered) {
        expect(stored.body).toEqual(shipment.created);
      } else {
        // Events change status, version, updatedAt and the received quantities; nothing else.
        const unchanging = (body: any) => ({
          ...body,
          status: undefined,
          version: undefined,
          updatedAt: undefined,
          items: body.items.map((item: any) => ({ ...item, quantityReceived: undefined, quantityDamaged: undefined })),
        });
        expect(unchanging(stored.body)).toEqual(unchanging(shipment.created));
      }
    }
    const stored = await count(db, 'SELECT count(*) FROM shipment');
    expect(stored).toBeGreaterThanOrEqual(tracked.length);
    expect(stored).toBeLessThanOrEqual(tracked.length + LANES);

    // Nothing half-written, acknowledged or not: every shipment has its lines and totals that match them ...
    expect(await count(db, `SELECT count(*) FROM shipment s WHERE NOT EXISTS (SELECT 1 FROM shipment_item i WHERE i.shipment_id = s.id)`)).toBe(0);
    expect(
      await count(
        db,
        `SELECT count(*) FROM shipment s
           CROSS JOIN LATERAL (SELECT count(*) AS n, max(line_no) AS last, sum(weight_kg) AS w, sum(volume_m3) AS v
                                 FROM shipment_item i WHERE i.shipment_id = s.id) l
          WHERE l.n <> s.line_count OR l.last <> s.line_count OR (s.totals->>'lines')::int <> s.line_count
             OR (s.totals->>'weightKg')::numeric IS DISTINCT FROM l.w
             OR (s.totals->>'volumeM3')::numeric IS DISTINCT FROM l.v
             OR (SELECT coalesce(jsonb_object_agg(currency, amount), '{}') FROM
                  (SELECT currency, sum(quantity * unit_value) AS amount FROM shipment_item i
                    WHERE i.shipment_id = s.id AND unit_value IS NOT NULL GROUP BY currency) d)
                IS DISTINCT FROM
                (SELECT coalesce(jsonb_object_agg(e->>'currency', (e->>'amount')::numeric), '{}')
                   FROM jsonb_array_elements(s.totals->'declaredValue') e)`,
      ),
    ).toBe(0);
    // ... its status is the latest standing event's, and its received quantities are its receipts' sum ...
    expect(
      await count(
        db,
        `SELECT count(*) FROM shipment s
          WHERE s.status <> coalesce((SELECT e.to_status FROM shipment_event e WHERE e.shipment_id = s.id AND e.voided_at IS NULL
                                       ORDER BY e.position DESC LIMIT 1), 'planned')
             OR s.version <> 1 + (SELECT count(*) FROM shipment_event e WHERE e.shipment_id = s.id)`,
      ),
    ).toBe(0);
    expect(
      await count(
        db,
        `SELECT count(*) FROM shipment_item i
          WHERE i.quantity_received <> coalesce((
                  SELECT sum((line->>'quantityReceived')::numeric) FROM shipment_event e
                   CROSS JOIN LATERAL jsonb_array_elements(e.receipt->'lines') line
                   WHERE e.shipment_id = i.shipment_id AND e.voided_at IS NULL AND line->>'itemId' = i.id::text), 0)`,
      ),
    ).toBe(0);
    expect(await count(db, `SELECT count(*) FROM shipment_event WHERE receipt IS NOT NULL`)).toBeGreaterThan(0);
    // ... and every change has exactly one audit entry, and every entry its change.
    expect(
      await count(
        db,
        `SELECT count(*) FROM shipment s
          WHERE (SELECT count(*) FROM audit_entry a WHERE a.entity_id = s.id AND a.action = 'shipment.created') <> 1
             OR (SELECT count(*) FROM audit_entry a WHERE a.entity_id = s.id AND a.action = 'shipment.event_recorded')
                <> (SELECT count(*) FROM shipment_event e WHERE e.shipment_id = s.id)`,
      ),
    ).toBe(0);
    expect(
      await count(
        db,
        `SELECT count(*) FROM audit_entry a
          WHERE (a.entity_type = 'shipment' AND NOT EXISTS (SELECT 1 FROM shipment s WHERE s.id = a.entity_id))
             OR (a.action = 'shipment.event_recorded'
                 AND NOT EXISTS (SELECT 1 FROM shipment_event e WHERE e.id::text = a.content::json->'after'->'event'->>'id'))`,
      ),
    ).toBe(0);

    // The restarted integrator sequences what the dead one left queued; the log verifies.
    await settled(after, db, 20_000);
    await expectContiguousLog(db);
    const verify = await after.get('/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true, treeSize: await count(db, 'SELECT count(*) FROM audit_entry') });
  }, 120_000);
});

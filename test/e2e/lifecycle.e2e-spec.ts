import Decimal from 'decimal.js';
import { randomUUID } from 'node:crypto';
import { createOrganization, createShipment, issueToken, seedParties } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { startService, TestService } from '../support/service';

/**
 * The delivery lifecycle of docs/api.md, end to end: the transition table, receipts, occurredAt, the
 * timeline, voiding, racing events, organization scope and the audit entries events write.
 * The table below is the contract's, written out again on purpose: the test must not trust src/.
 */
const STATUSES = [
  'planned',
  'dispatched',
  'in_transit',
  'held',
  'arrived',
  'partially_delivered',
  'delivered',
  'cancelled',
  'lost',
] as const;
type Status = (typeof STATUSES)[number];
type EventType = Exclude<Status, 'planned'>;
const EVENT_TYPES = STATUSES.filter((status): status is EventType => status !== 'planned');

const ALLOWED: Record<Status, EventType[]> = {
  planned: ['dispatched', 'cancelled'],
  dispatched: ['in_transit', 'held', 'arrived', 'lost', 'cancelled'],
  in_transit: ['in_transit', 'held', 'arrived', 'lost'],
  held: ['in_transit', 'arrived', 'lost'],
  arrived: ['delivered', 'partially_delivered', 'held'],
  partially_delivered: ['delivered', 'partially_delivered'],
  delivered: [],
  cancelled: [],
  lost: [],
};

/** The events that drive a new shipment into each status through the API. */
const PATH_TO: Record<Status, EventType[]> = {
  planned: [],
  dispatched: ['dispatched'],
  in_transit: ['dispatched', 'in_transit'],
  held: ['dispatched', 'held'],
  arrived: ['dispatched', 'arrived'],
  partially_delivered: ['dispatched', 'arrived', 'partially_delivered'],
  delivered: ['dispatched', 'arrived', 'delivered'],
  cancelled: ['cancelled'],
  lost: ['dispatched', 'lost'],
};

/** Two lines with quantities that make decimal mistakes visible. */
const LINES = [
  { description: 'Oxygen concentrators', category: 'medical_equipment', quantity: '1.5', unit: 'tonne' },
  { description: 'Medical masks', category: 'ppe', quantity: '10', unit: 'box' },
];

interface Item {
  id: string;
  lineNo: number;
  quantity: string;
  quantityReceived: string;
  quantityDamaged: string;
}
interface Shipment {
  id: string;
  reference: string;
  status: Status;
  version: number;
  items: Item[];
}

const wordIn = (text: string, word: string) => new RegExp(`(^|[^\\w])${word}([^\\w]|$)`).test(text);
const fieldPaths = (response: ApiResponse) =>
  ((response.body?.errors ?? []) as Array<{ path: string }>).map((e) => e.path);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// One service for the whole file; racing requests and the table take longer than jest's default 5 s.
jest.setTimeout(60_000);

describe('delivery lifecycle', () => {
  let service: TestService;
  let api: Api;
  let donor: { id: string; name: string };
  let recipient: { id: string; name: string };

  beforeAll(async () => {
    service = await startService();
    api = new Api(service.baseUrl, service.adminToken);
    ({ donor, recipient } = await seedParties(api));
  });
  afterAll(() => service?.stop());

  const newShipment = (overrides: Record<string, unknown> = {}): Promise<Shipment> =>
    createShipment(api, donor.id, recipient.id, { items: LINES, ...overrides });
  const getShipment = async (id: string): Promise<Shipment> => {
    const response = await api.get(`/shipments/${id}`);
    expect(response.status).toBe(200);
    return response.body;
  };
  const post = (id: string, body: unknown, as: Api = api) => as.post(`/shipments/${id}/events`, body);
  const voidEvent = (
    id: string,
    eventId: string,
    body: unknown = { reason: 'recorded by mistake' },
    as: Api = api,
  ) => as.post(`/shipments/${id}/events/${eventId}/void`, body);
  const timeline = async (id: string, as: Api = api) => {
    const response = await as.get(`/shipments/${id}/events?limit=200`);
    expect(response.status).toBe(200);
    return response.body.data as Array<Record<string, any>>;
  };

  /** Records an event that must succeed, and returns the 201 body. */
  async function record(id: string, body: Record<string, unknown>) {
    const response = await post(id, body);
    if (response.status !== 201)
      throw new Error(`${String(body.type)} on ${id}: ${response.status} ${response.text}`);
    return response.body;
  }

  /** A receipt for everything not yet accounted for: what `delivered` needs. */
  async function remainderReceipt(id: string) {
    const { items } = await getShipment(id);
    return {
      receivedBy: 'Central warehouse, Kyiv',
      lines: items.map((item) => ({
        itemId: item.id,
        quantityReceived: new Decimal(item.quantity)
          .minus(item.quantityReceived)
          .minus(item.quantityDamaged)
          .toFixed(),
      })),
    };
  }

  /** A body for `type` that is valid whenever the move itself is (receipt types get a fitting receipt). */
  async function eventBody(id: string, type: EventType): Promise<Record<string, unknown>> {
    if (type === 'delivered') return { type, receipt: await remainderReceipt(id) };
    if (type === 'partially_delivered') {
      const { items } = await getShipment(id);
      return {
        type,
        receipt: { receivedBy: 'Kyiv warehouse', lines: [{ itemId: items[0].id, quantityReceived: '0.1' }] },
      };
    }
    return { type };
  }

  async function driveTo(status: Status): Promise<Shipment> {
    const shipment = await newShipment();
    for (const type of PATH_TO[status]) {
      const body =
        type === 'partially_delivered'
          ? {
              type,
              receipt: {
                receivedBy: 'Kyiv warehouse',
                lines: [{ itemId: shipment.items[0].id, quantityReceived: '0.5', quantityDamaged: '0.25' }],
              },
            }
          : await eventBody(shipment.id, type);
      await record(shipment.id, body);
    }
    return getShipment(shipment.id);
  }

  async function auditCount(entityId: string, action: string): Promise<number> {
    const { rows } = await service.db.query(
      'SELECT count(*)::int AS n FROM audit_entry WHERE entity_id = $1 AND action = $2',
      [entityId, action],
    );
    return rows[0].n;
  }

  /** Everything a refused event must leave untouched. */
  async function snapshot(id: string) {
    const db = service.db;
    const items = await db.query(
      `SELECT id, quantity_received::text AS received, quantity_damaged::text AS damaged
         FROM shipment_item WHERE shipment_id = $1 ORDER BY line_no`,
      [id],
    );
    const shipment = await db.query('SELECT status, version, updated_at FROM shipment WHERE id = $1', [id]);
    const events = await db.query('SELECT count(*)::int AS n FROM shipment_event WHERE shipment_id = $1', [
      id,
    ]);
    const audit = await db.query('SELECT count(*)::int AS n FROM audit_entry');
    return {
      items: items.rows,
      shipment: shipment.rows[0],
      events: events.rows[0].n,
      audit: audit.rows[0].n,
    };
  }

  describe('the transition table', () => {
    it.each(STATUSES)(
      'from %s: allowed moves apply, every other type is a 409 naming both statuses',
      async (from) => {
        const shipment = await driveTo(from);
        expect(shipment.status).toBe(from);
        let version = 1 + PATH_TO[from].length;
        expect(shipment.version).toBe(version);

        for (const type of EVENT_TYPES) {
          const response = await post(shipment.id, await eventBody(shipment.id, type));
          if (ALLOWED[from].includes(type)) {
            expect({ type, status: response.status }).toEqual({ type, status: 201 });
            expect(response.body.shipment).toEqual({ id: shipment.id, status: type, version: version + 1 });
            expect(response.body.event).toMatchObject({ type, fromStatus: from, toStatus: type });
            // Void it to try the next type from the same status.
            const voided = await voidEvent(shipment.id, response.body.event.id, {
              reason: 'transition table test',
            });
            expect({ type, status: voided.status }).toEqual({ type, status: 201 });
            expect(voided.body.shipment).toEqual({ id: shipment.id, status: from, version: version + 2 });
            version += 2;
          } else {
            expect({ type, status: response.status }).toEqual({ type, status: 409 });
            expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
            expect(response.body).toMatchObject({
              status: 409,
              title: expect.any(String),
              requestId: expect.any(String),
            });
            expect({
              type,
              from: wordIn(response.body.detail, from),
              to: wordIn(response.body.detail, type),
            }).toEqual({
              type,
              from: true,
              to: true,
            });
          }
        }

        const after = await getShipment(shipment.id);
        expect({ status: after.status, version: after.version }).toEqual({ status: from, version });
        // Refusals record no event and no audit entry; each move and each void exactly one of each.
        const moves = ALLOWED[from].length;
        expect(await auditCount(shipment.id, 'shipment.event_recorded')).toBe(PATH_TO[from].length + moves);
        expect(await auditCount(shipment.id, 'shipment.event_voided')).toBe(moves);
        expect(await timeline(shipment.id)).toHaveLength(PATH_TO[from].length + 2 * moves);
      },
    );

    it('refuses types that are not events of the lifecycle, and unknown fields', async () => {
      const shipment = await newShipment();
      for (const body of [{ type: 'planned' }, { type: 'void' }, { type: 'teleported' }, {}]) {
        const response = await post(shipment.id, body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(fieldPaths(response)).toContain('type');
      }
      const unknown = await post(shipment.id, { type: 'dispatched', carrier: 'Ukrzaliznytsia' });
      expect(unknown.status).toBe(400);
      expect(fieldPaths(unknown)).toContain('carrier');
      // Keys that class-transformer drops silently are unknown fields too.
      for (const [rawBody, path] of [
        ['{"type":"dispatched","__proto__":{"type":"delivered"}}', '__proto__'],
        ['{"type":"dispatched","constructor":{"prototype":{"isAdmin":true}}}', 'constructor'],
        ['{"type":"dispatched","location":{"__proto__":{"lat":1}}}', 'location.__proto__'],
      ]) {
        const response = await api.request('POST', `/shipments/${shipment.id}/events`, undefined, {
          rawBody,
        });
        expect({ path, status: response.status, paths: fieldPaths(response) }).toEqual({
          path,
          status: 400,
          paths: [path],
        });
      }
      expect((await getShipment(shipment.id)).version).toBe(1);
    });

    it('answers 404 for a shipment that does not exist', async () => {
      expect((await post(randomUUID(), { type: 'dispatched' })).status).toBe(404);
      expect((await post('SHP-1999-000001', { type: 'dispatched' })).status).toBe(404);
    });

    it('accepts the shipment reference in place of its id', async () => {
      const shipment = await newShipment();
      const result = await record(shipment.reference, { type: 'dispatched' });
      expect(result.shipment).toEqual({ id: shipment.id, status: 'dispatched', version: 2 });
    });
  });

  describe('position updates', () => {
    it('records in_transit → in_transit with a location, bumping the version each time', async () => {
      const shipment = await driveTo('in_transit');
      const location = { countryCode: 'GE', name: 'Tbilisi marshalling yard', lat: 41.7151, lon: 44.8271 };
      const result = await record(shipment.id, {
        type: 'in_transit',
        location,
        note: 'crossed into Georgia',
      });
      expect(result.shipment).toEqual({ id: shipment.id, status: 'in_transit', version: 4 });
      expect(result.event).toMatchObject({
        type: 'in_transit',
        fromStatus: 'in_transit',
        toStatus: 'in_transit',
        location,
      });
      const second = await record(shipment.id, { type: 'in_transit', location: { lat: -33.5, lon: -180 } });
      expect(second.shipment.version).toBe(5);
      const events = await timeline(shipment.id);
      expect(events.map((e) => e.location)).toEqual([null, null, location, { lat: -33.5, lon: -180 }]);
      expect(events[2]).toEqual(result.event);
    });

    it('keeps the note and evidence, and refuses malformed evidence', async () => {
      const shipment = await driveTo('in_transit');
      const evidence = [
        { kind: 'waybill', reference: 'UZ-2020-06-0231', sha256: 'a'.repeat(64) },
        { kind: 'photo', reference: 'IMG_0042.jpg' },
      ];
      const result = await record(shipment.id, {
        type: 'held',
        note: 'customs inspection at the border',
        evidence,
      });
      expect(result.event).toMatchObject({ note: 'customs inspection at the border', evidence });
      const bad = await post(shipment.id, {
        type: 'arrived',
        evidence: [{ kind: 'photo', reference: 'x', sha256: 'A'.repeat(64) }],
      });
      expect(bad.status).toBe(400);
      expect(fieldPaths(bad)).toEqual(['evidence[0].sha256']);
    });

    it('refuses coordinates off the globe with 400 naming location.lat / location.lon', async () => {
      const shipment = await driveTo('in_transit');
      const before = await snapshot(shipment.id);
      const lat = await post(shipment.id, { type: 'in_transit', location: { lat: 91, lon: 10 } });
      expect(lat.status).toBe(400);
      expect(fieldPaths(lat)).toEqual(['location.lat']);
      const lon = await post(shipment.id, { type: 'in_transit', location: { lat: 10, lon: -181 } });
      expect(lon.status).toBe(400);
      expect(fieldPaths(lon)).toEqual(['location.lon']);
      const both = await post(shipment.id, { type: 'in_transit', location: { lat: 91, lon: -181 } });
      expect(both.status).toBe(400);
      expect(fieldPaths(both).sort()).toEqual(['location.lat', 'location.lon']);
      const country = await post(shipment.id, { type: 'in_transit', location: { countryCode: 'XX' } });
      expect(country.status).toBe(400);
      expect(fieldPaths(country)).toEqual(['location.countryCode']);
      expect(await snapshot(shipment.id)).toEqual(before);
    });
  });

  describe('receipts', () => {
    it('requires a receipt for delivered and partially_delivered (400 naming receipt)', async () => {
      const shipment = await driveTo('arrived');
      for (const type of ['delivered', 'partially_delivered']) {
        const response = await post(shipment.id, { type });
        expect({ type, status: response.status }).toEqual({ type, status: 400 });
        expect(fieldPaths(response)).toEqual(['receipt']);
      }
      expect((await getShipment(shipment.id)).version).toBe(3);
    });

    it('refuses a receipt on any other type (400 naming receipt)', async () => {
      const shipment = await driveTo('dispatched');
      const receipt = {
        receivedBy: 'Kyiv warehouse',
        lines: [{ itemId: shipment.items[0].id, quantityReceived: '1' }],
      };
      for (const type of ['in_transit', 'held', 'arrived', 'lost', 'cancelled']) {
        const response = await post(shipment.id, { type, receipt });
        expect({ type, status: response.status }).toEqual({ type, status: 400 });
        expect(fieldPaths(response)).toEqual(['receipt']);
      }
      expect(await snapshot(shipment.id)).toMatchObject({
        shipment: { status: 'dispatched', version: 2 },
        events: 1,
      });
    });

    it('accumulates partial receipts exactly, in decimals, and completes with delivered', async () => {
      const shipment = await driveTo('arrived');
      const [oxygen, masks] = shipment.items;
      const first = await record(shipment.id, {
        type: 'partially_delivered',
        receipt: {
          receivedBy: 'O. Kovalenko',
          lines: [{ itemId: oxygen.id, quantityReceived: '0.5', quantityDamaged: '0.25' }],
        },
      });
      expect(first.shipment).toEqual({ id: shipment.id, status: 'partially_delivered', version: 4 });
      expect(first.event.receipt).toEqual({
        receivedBy: 'O. Kovalenko',
        lines: [{ itemId: oxygen.id, quantityReceived: '0.5', quantityDamaged: '0.25' }],
      });
      let items = (await getShipment(shipment.id)).items;
      expect(items.map((i) => [i.quantityReceived, i.quantityDamaged])).toEqual([
        ['0.5', '0.25'],
        ['0', '0'],
      ]);

      // JSON numbers are decimals too: 0.1 + 0.2 must be 0.3 exactly.
      const second = await post(shipment.id, {
        type: 'partially_delivered',
        receipt: {
          receivedBy: 'O. Kovalenko',
          lines: [
            { itemId: masks.id, quantityReceived: 0.1 },
            { itemId: oxygen.id, quantityReceived: '0.25' },
          ],
        },
      });
      expect(second.status).toBe(201);
      await record(shipment.id, {
        type: 'partially_delivered',
        receipt: { receivedBy: 'O. Kovalenko', lines: [{ itemId: masks.id, quantityReceived: 0.2 }] },
      });
      items = (await getShipment(shipment.id)).items;
      expect(items.map((i) => [i.quantityReceived, i.quantityDamaged])).toEqual([
        ['0.75', '0.25'],
        ['0.3', '0'],
      ]);

      const delivered = await record(shipment.id, {
        type: 'delivered',
        receipt: {
          receivedBy: 'O. Kovalenko',
          lines: [
            { itemId: oxygen.id, quantityReceived: '0.5' },
            { itemId: masks.id, quantityReceived: '8.7', quantityDamaged: '1' },
          ],
        },
      });
      expect(delivered.shipment).toEqual({ id: shipment.id, status: 'delivered', version: 7 });
      items = (await getShipment(shipment.id)).items;
      expect(items.map((i) => [i.quantity, i.quantityReceived, i.quantityDamaged])).toEqual([
        ['1.5', '1.25', '0.25'],
        ['10', '9', '1'],
      ]);
    });

    it('allows delivered straight from arrived when the receipt accounts for everything', async () => {
      const shipment = await driveTo('arrived');
      const result = await record(shipment.id, {
        type: 'delivered',
        receipt: {
          receivedBy: 'Kyiv warehouse',
          lines: [
            { itemId: shipment.items[0].id, quantityReceived: '1.50' },
            { itemId: shipment.items[1].id, quantityReceived: '1e1' },
          ],
        },
      });
      expect(result.shipment.status).toBe('delivered');
      const items = (await getShipment(shipment.id)).items;
      expect(items.map((i) => new Decimal(i.quantityReceived).equals(i.quantity))).toEqual([true, true]);
    });

    it('keeps every digit of the largest quantities (15 + 6 digits)', async () => {
      const shipment = await newShipment({
        items: [
          {
            description: 'Water purification tablets',
            category: 'wash',
            quantity: '123456789012345.123456',
            unit: 'each',
          },
        ],
      });
      const [line] = shipment.items;
      await record(shipment.id, { type: 'dispatched' });
      await record(shipment.id, { type: 'arrived' });
      await record(shipment.id, {
        type: 'partially_delivered',
        receipt: { receivedBy: 'K', lines: [{ itemId: line.id, quantityReceived: '0.000001' }] },
      });
      const overflow = await post(shipment.id, {
        type: 'delivered',
        receipt: {
          receivedBy: 'K',
          lines: [{ itemId: line.id, quantityReceived: '123456789012345.123456' }],
        },
      });
      expect(overflow.status).toBe(422);
      const delivered = await record(shipment.id, {
        type: 'delivered',
        receipt: {
          receivedBy: 'K',
          lines: [
            { itemId: line.id, quantityReceived: '123456789012345.123454', quantityDamaged: '0.000001' },
          ],
        },
      });
      expect(delivered.shipment.status).toBe('delivered');
      const [stored] = (await getShipment(shipment.id)).items;
      expect([stored.quantityReceived, stored.quantityDamaged]).toEqual([
        '123456789012345.123455',
        '0.000001',
      ]);
      await voidEvent(shipment.id, delivered.event.id);
      const [reverted] = (await getShipment(shipment.id)).items;
      expect([reverted.quantityReceived, reverted.quantityDamaged]).toEqual(['0.000001', '0']);
    });

    it('applies a receipt once when the request is retried with its Idempotency-Key', async () => {
      const shipment = await driveTo('arrived');
      const body = { type: 'delivered', receipt: await remainderReceipt(shipment.id) };
      const options = { headers: { 'idempotency-key': `deliver-${shipment.id}` } };
      const first = await api.post(`/shipments/${shipment.id}/events`, body, options);
      const retry = await api.post(`/shipments/${shipment.id}/events`, body, options);
      expect([first.status, retry.status]).toEqual([201, 201]);
      expect(retry.body).toEqual(first.body);
      const stored = await getShipment(shipment.id);
      expect({ status: stored.status, version: stored.version }).toEqual({ status: 'delivered', version: 4 });
      expect(stored.items.map((i) => i.quantityReceived)).toEqual(['1.5', '10']);
      expect(await timeline(shipment.id)).toHaveLength(3);
    });

    describe('refused receipts change nothing', () => {
      let shipment: Shipment;
      beforeAll(async () => {
        shipment = await driveTo('partially_delivered'); // line 1: 0.5 received, 0.25 damaged of 1.5
      });

      async function expectRefusal(body: Record<string, unknown>, status: number) {
        const before = await snapshot(shipment.id);
        const response = await post(shipment.id, body);
        expect(response.status).toBe(status);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await snapshot(shipment.id)).toEqual(before);
        return response;
      }

      it('a line that would exceed what was shipped is a 422 pointing at that line', async () => {
        const [oxygen, masks] = shipment.items;
        const response = await expectRefusal(
          {
            type: 'partially_delivered',
            receipt: {
              receivedBy: 'Kyiv warehouse',
              lines: [
                { itemId: masks.id, quantityReceived: '10' },
                { itemId: oxygen.id, quantityReceived: '0.5', quantityDamaged: '0.250001' },
              ],
            },
          },
          422,
        );
        expect(fieldPaths(response)).toHaveLength(1);
        expect(fieldPaths(response)[0]).toMatch(/^receipt\.lines\[1\]/);
        // received + damaged so far counts: 0.75 of 1.5 already accounted, so 0.76 more is too much.
        const damagedCounts = await expectRefusal(
          {
            type: 'delivered',
            receipt: {
              receivedBy: 'Kyiv warehouse',
              lines: [{ itemId: oxygen.id, quantityReceived: '0.76' }],
            },
          },
          422,
        );
        expect(fieldPaths(damagedCounts)[0]).toMatch(/^receipt\.lines\[0\]/);
      });

      it('delivered with lines left open is a 422 that points to partially_delivered', async () => {
        const [oxygen, masks] = shipment.items;
        const response = await expectRefusal(
          {
            type: 'delivered',
            receipt: {
              receivedBy: 'Kyiv warehouse',
              lines: [
                { itemId: oxygen.id, quantityReceived: '0.75' },
                { itemId: masks.id, quantityReceived: '9.999999' },
              ],
            },
          },
          422,
        );
        expect(response.body.detail).toContain('partially_delivered');
        const omitted = await expectRefusal(
          {
            type: 'delivered',
            receipt: { receivedBy: 'Kyiv warehouse', lines: [{ itemId: masks.id, quantityReceived: '10' }] },
          },
          422,
        );
        expect(omitted.body.detail).toContain('partially_delivered');
      });

      it('a line of another shipment is a 422', async () => {
        const other = await newShipment();
        const response = await expectRefusal(
          {
            type: 'partially_delivered',
            receipt: {
              receivedBy: 'Kyiv warehouse',
              lines: [
                { itemId: shipment.items[1].id, quantityReceived: '1' },
                { itemId: other.items[1].id, quantityReceived: '1' },
              ],
            },
          },
          422,
        );
        expect(fieldPaths(response)).toEqual(['receipt.lines[1].itemId']);
        const unknown = await expectRefusal(
          {
            type: 'partially_delivered',
            receipt: {
              receivedBy: 'Kyiv warehouse',
              lines: [{ itemId: randomUUID(), quantityReceived: '1' }],
            },
          },
          422,
        );
        expect(fieldPaths(unknown)).toEqual(['receipt.lines[0].itemId']);
        // The other shipment's line is untouched too.
        expect((await getShipment(other.id)).items.map((i) => i.quantityReceived)).toEqual(['0', '0']);
      });

      it('the same line twice in one receipt is a 400', async () => {
        const masks = shipment.items[1];
        const response = await expectRefusal(
          {
            type: 'partially_delivered',
            receipt: {
              receivedBy: 'Kyiv warehouse',
              lines: [
                { itemId: masks.id, quantityReceived: '1' },
                { itemId: masks.id, quantityReceived: '1' },
              ],
            },
          },
          400,
        );
        expect(fieldPaths(response)).toEqual(['receipt.lines[1].itemId']);
      });

      it('a quantity with an absurd exponent is a 400, not an exhausted heap', async () => {
        const masks = shipment.items[1];
        for (const literal of ['1e300000000', '1e-300000000']) {
          const rawBody = `{"type":"partially_delivered","receipt":{"receivedBy":"K","lines":[{"itemId":"${masks.id}","quantityReceived":${literal}}]}}`;
          const response = await api.request('POST', `/shipments/${shipment.id}/events`, undefined, {
            rawBody,
          });
          expect({ literal, status: response.status }).toEqual({ literal, status: 400 });
          expect(fieldPaths(response)).toEqual(['receipt.lines[0].quantityReceived']);
        }
        expect((await api.get('/health/ready')).status).toBe(200);
      });

      it('malformed receipts are 400s naming the field', async () => {
        const masks = shipment.items[1];
        const cases: Array<[Record<string, unknown>, string]> = [
          [{ receivedBy: 'K', lines: [] }, 'receipt.lines'],
          [{ lines: [{ itemId: masks.id, quantityReceived: '1' }] }, 'receipt.receivedBy'],
          [
            { receivedBy: 'K', lines: [{ itemId: masks.id, quantityReceived: '-1' }] },
            'receipt.lines[0].quantityReceived',
          ],
          [
            { receivedBy: 'K', lines: [{ itemId: masks.id, quantityReceived: 'lots' }] },
            'receipt.lines[0].quantityReceived',
          ],
          [
            {
              receivedBy: 'K',
              lines: [{ itemId: masks.id, quantityReceived: '1', quantityDamaged: '0.0000001' }],
            },
            'receipt.lines[0].quantityDamaged',
          ],
          [
            { receivedBy: 'K', lines: [{ itemId: 'line-1', quantityReceived: '1' }] },
            'receipt.lines[0].itemId',
          ],
        ];
        for (const [receipt, path] of cases) {
          const response = await expectRefusal({ type: 'partially_delivered', receipt }, 400);
          expect({ path, paths: fieldPaths(response) }).toEqual({ path, paths: [path] });
        }
      });
    });
  });

  describe('occurredAt', () => {
    it('defaults to now', async () => {
      const shipment = await newShipment();
      const before = Date.now();
      const { event } = await record(shipment.id, { type: 'dispatched' });
      const after = Date.now();
      expect(event.occurredAt).toMatch(ISO);
      expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(event.occurredAt)).toBeLessThanOrEqual(after + 1000);
    });

    it('may be back-dated, but never before the previous event', async () => {
      const shipment = await newShipment();
      const dispatched = await record(shipment.id, {
        type: 'dispatched',
        occurredAt: '2020-06-11T08:00:00+03:00',
      });
      expect(dispatched.event.occurredAt).toBe('2020-06-11T05:00:00.000Z');

      const before = await snapshot(shipment.id);
      const early = await post(shipment.id, { type: 'in_transit', occurredAt: '2020-06-11T04:59:59.999Z' });
      expect(early.status).toBe(422);
      expect(fieldPaths(early)).toEqual(['occurredAt']);
      expect(await snapshot(shipment.id)).toEqual(before);

      // The same instant is not before it.
      await record(shipment.id, { type: 'in_transit', occurredAt: '2020-06-11T05:00:00Z' });
      const later = await record(shipment.id, { type: 'in_transit', occurredAt: '2020-06-12T00:00:00Z' });
      // A voided event no longer sets the bound: the one before it does again.
      await voidEvent(shipment.id, later.event.id);
      const between = await post(shipment.id, { type: 'arrived', occurredAt: '2020-06-11T12:00:00Z' });
      expect(between.status).toBe(201);
    });

    it('may not be in the future beyond clock skew (422 naming occurredAt)', async () => {
      const shipment = await newShipment();
      const before = await snapshot(shipment.id);
      for (const ahead of [5 * 60_000, 24 * 3600_000]) {
        const response = await post(shipment.id, {
          type: 'dispatched',
          occurredAt: new Date(Date.now() + ahead).toISOString(),
        });
        expect({ ahead, status: response.status }).toEqual({ ahead, status: 422 });
        expect(fieldPaths(response)).toEqual(['occurredAt']);
      }
      expect(await snapshot(shipment.id)).toEqual(before);
      // A field device's clock a few seconds ahead is tolerated.
      const skewed = await post(shipment.id, {
        type: 'dispatched',
        occurredAt: new Date(Date.now() + 20_000).toISOString(),
      });
      expect(skewed.status).toBe(201);
    });

    it('must be an ISO 8601 timestamp (400)', async () => {
      const shipment = await newShipment();
      for (const occurredAt of ['yesterday', '2020-13-01T00:00:00Z', 1591761600000]) {
        const response = await post(shipment.id, { type: 'dispatched', occurredAt });
        expect({ occurredAt, status: response.status }).toEqual({ occurredAt, status: 400 });
        expect(fieldPaths(response)).toEqual(['occurredAt']);
      }
    });
  });

  describe('the timeline', () => {
    it('lists events oldest first, with recordedAt and the actor', async () => {
      const coordinator = api.as(await issueToken(api, 'coordinator'));
      const me = (await coordinator.get('/me')).body;
      const shipment = await newShipment();
      const types: EventType[] = ['dispatched', 'held', 'in_transit', 'in_transit', 'arrived'];
      for (const type of types) {
        const response = await post(shipment.id, { type }, coordinator);
        expect(response.status).toBe(201);
      }
      const events = await timeline(shipment.id);
      expect(events.map((e) => e.type)).toEqual(types);
      expect(events.map((e) => e.fromStatus)).toEqual([
        'planned',
        'dispatched',
        'held',
        'in_transit',
        'in_transit',
      ]);
      for (const event of events) {
        expect(event.recordedAt).toMatch(ISO);
        expect(event.occurredAt).toMatch(ISO);
        expect(event.actor).toMatchObject({ name: me.name, role: 'coordinator' });
        expect(event.voidedAt).toBeNull();
      }
      const recorded = events.map((e) => Date.parse(e.recordedAt));
      expect([...recorded].sort((a, b) => a - b)).toEqual(recorded);
    });

    it('pages with limit and cursor', async () => {
      const shipment = await driveTo('in_transit');
      for (let i = 0; i < 3; i++) await record(shipment.id, { type: 'in_transit', note: `update ${i}` });
      const all = await timeline(shipment.id);
      expect(all).toHaveLength(5);

      const seen: string[] = [];
      let cursor: string | null = null;
      const sizes: number[] = [];
      do {
        const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
        const page: ApiResponse = await api.get(`/shipments/${shipment.id}/events${query}`);
        expect(page.status).toBe(200);
        sizes.push(page.body.data.length);
        seen.push(...page.body.data.map((e: { id: string }) => e.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual(all.map((e) => e.id));

      // A cursor is stable under inserts: events recorded after it was handed out follow on later pages.
      const first = await api.get(`/shipments/${shipment.id}/events?limit=4`);
      await record(shipment.id, { type: 'arrived' });
      const rest = await api.get(
        `/shipments/${shipment.id}/events?limit=4&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(rest.body.data.map((e: { type: string }) => e.type)).toEqual(['in_transit', 'arrived']);
      expect(rest.body.nextCursor).toBeNull();

      const forged = (value: string) =>
        Buffer.from(JSON.stringify({ s: `events:${shipment.id}`, v: value, i: randomUUID() })).toString(
          'base64url',
        );
      for (const query of [
        'limit=0',
        'limit=201',
        'cursor=not-a-cursor',
        `cursor=${forged('four')}`,
        `cursor=${forged('1e400')}`,
      ]) {
        const response = await api.get(`/shipments/${shipment.id}/events?${query}`);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
      }
      // A cursor is bound to its shipment's timeline.
      const other = await driveTo('dispatched');
      const foreign = await api.get(
        `/shipments/${other.id}/events?cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(foreign.status).toBe(400);
      expect(fieldPaths(foreign)).toEqual(['cursor']);
    });

    it('is 404 for a shipment that does not exist', async () => {
      expect((await api.get(`/shipments/${randomUUID()}/events`)).status).toBe(404);
    });
  });

  describe('voiding', () => {
    it('returns the shipment to the status before the event and takes its receipt back exactly', async () => {
      const shipment = await driveTo('partially_delivered'); // line 1: 0.5 + 0.25 of 1.5
      const [oxygen, masks] = shipment.items;
      const delivered = await record(shipment.id, {
        type: 'delivered',
        receipt: {
          receivedBy: 'Kyiv warehouse',
          lines: [
            { itemId: oxygen.id, quantityReceived: '0.7', quantityDamaged: '0.05' },
            { itemId: masks.id, quantityReceived: '9.5', quantityDamaged: '0.5' },
          ],
        },
      });
      expect(delivered.shipment).toEqual({ id: shipment.id, status: 'delivered', version: 5 });
      const auditBefore = await auditCount(shipment.id, 'shipment.event_voided');

      const response = await voidEvent(shipment.id, delivered.event.id, {
        reason: 'signed for the wrong consignment',
      });
      expect(response.status).toBe(201);
      expect(response.body.shipment).toEqual({ id: shipment.id, status: 'partially_delivered', version: 6 });
      const items = (await getShipment(shipment.id)).items;
      expect(items.map((i) => [i.quantityReceived, i.quantityDamaged])).toEqual([
        ['0.5', '0.25'],
        ['0', '0'],
      ]);
      expect(await auditCount(shipment.id, 'shipment.event_voided')).toBe(auditBefore + 1);

      const events = await timeline(shipment.id);
      expect(events).toHaveLength(5);
      const [voided, correction] = events.slice(-2);
      expect(voided).toMatchObject({
        id: delivered.event.id,
        type: 'delivered',
        voidReason: 'signed for the wrong consignment',
      });
      expect(voided.voidedAt).toMatch(ISO);
      expect(voided.receipt).toEqual(delivered.event.receipt);
      expect(correction).toMatchObject({
        voidsEventId: delivered.event.id,
        fromStatus: 'delivered',
        toStatus: 'partially_delivered',
      });
      expect(correction.voidedAt).toBeNull();
      expect(correction.recordedAt).toMatch(ISO);

      // The earlier receipt is voidable now, and back to nothing received.
      const partial = events[2];
      expect(partial.type).toBe('partially_delivered');
      const second = await voidEvent(shipment.id, partial.id);
      expect(second.status).toBe(201);
      expect(second.body.shipment).toEqual({ id: shipment.id, status: 'arrived', version: 7 });
      expect(
        (await getShipment(shipment.id)).items.map((i) => [i.quantityReceived, i.quantityDamaged]),
      ).toEqual([
        ['0', '0'],
        ['0', '0'],
      ]);
      // And the lifecycle carries on from there.
      const again = await record(shipment.id, {
        type: 'delivered',
        receipt: await remainderReceipt(shipment.id),
      });
      expect(again.shipment).toEqual({ id: shipment.id, status: 'delivered', version: 8 });
    });

    it('voids only the latest status event, and each once', async () => {
      const shipment = await newShipment();
      const dispatched = await record(shipment.id, { type: 'dispatched' });
      const arrived = await record(shipment.id, { type: 'arrived' });

      const before = await snapshot(shipment.id);
      const notLatest = await voidEvent(shipment.id, dispatched.event.id);
      expect(notLatest.status).toBe(409);
      expect(await snapshot(shipment.id)).toEqual(before);

      const first = await voidEvent(shipment.id, arrived.event.id);
      expect(first.status).toBe(201);
      expect(first.body.shipment).toEqual({ id: shipment.id, status: 'dispatched', version: 4 });

      const afterFirst = await snapshot(shipment.id);
      expect((await voidEvent(shipment.id, arrived.event.id)).status).toBe(409);
      expect((await voidEvent(shipment.id, first.body.event.id)).status).toBe(409); // the correction itself
      expect(await snapshot(shipment.id)).toEqual(afterFirst);

      const earlier = await voidEvent(shipment.id, dispatched.event.id);
      expect(earlier.status).toBe(201);
      expect(earlier.body.shipment).toEqual({ id: shipment.id, status: 'planned', version: 5 });
      // Nothing left to void.
      expect((await voidEvent(shipment.id, dispatched.event.id)).status).toBe(409);
      const events = await timeline(shipment.id);
      expect(events.map((e) => [e.type, e.voidedAt === null])).toEqual([
        ['dispatched', false],
        ['arrived', false],
        [events[2].type, true],
        [events[3].type, true],
      ]);
      expect(events[2].voidsEventId).toBe(arrived.event.id);
      expect(events[3].voidsEventId).toBe(dispatched.event.id);
    });

    it('needs a reason, a known event and the shipment the event belongs to', async () => {
      const shipment = await driveTo('dispatched');
      const other = await driveTo('dispatched');
      const [event] = await timeline(shipment.id);
      const before = await snapshot(shipment.id);
      for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 42 }]) {
        const response = await voidEvent(shipment.id, event.id, body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(fieldPaths(response)).toEqual(['reason']);
      }
      const unknownField = await voidEvent(shipment.id, event.id, { reason: 'typo', undo: true });
      expect(unknownField.status).toBe(400);
      const noBody = await api.request(
        'POST',
        `/shipments/${shipment.id}/events/${event.id}/void`,
        undefined,
        {},
      );
      expect(noBody.status).toBe(400);

      expect((await voidEvent(shipment.id, randomUUID())).status).toBe(404);
      expect((await voidEvent(randomUUID(), event.id)).status).toBe(404);
      expect((await voidEvent(shipment.id, 'not-an-id')).status).toBe(400);
      expect((await voidEvent(other.id, event.id)).status).toBe(404);
      expect(await snapshot(shipment.id)).toEqual(before);
    });
  });

  describe('roles and organization scope', () => {
    let shipment: Shipment;
    let tokens: Record<'auditor' | 'partnerOfDonor' | 'partnerOfPartner' | 'partnerElsewhere', Api>;
    let coordinatorElsewhere: Api;
    let coordinatorOfRecipient: Api;

    beforeAll(async () => {
      const logistics = await createOrganization(api, {
        name: `Logistics partner ${randomUUID()}`,
        type: 'ngo',
      });
      const elsewhere = await createOrganization(api, { name: `Unrelated NGO ${randomUUID()}`, type: 'ngo' });
      shipment = await newShipment({ partnerIds: [logistics.id] });
      await record(shipment.id, { type: 'dispatched' });
      const as = async (role: string, organizationId?: string) =>
        api.as(await issueToken(api, role, organizationId));
      tokens = {
        auditor: await as('auditor'),
        partnerOfDonor: await as('partner', donor.id),
        partnerOfPartner: await as('partner', logistics.id),
        partnerElsewhere: await as('partner', elsewhere.id),
      };
      coordinatorElsewhere = await as('coordinator', elsewhere.id);
      coordinatorOfRecipient = await as('coordinator', recipient.id);
    });

    it('lets partners read the events of their own shipments only', async () => {
      for (const reader of [tokens.partnerOfDonor, tokens.partnerOfPartner, tokens.auditor]) {
        const events = await timeline(shipment.id, reader);
        expect(events.map((e) => e.type)).toEqual(['dispatched']);
      }
      const hidden = await tokens.partnerElsewhere.get(`/shipments/${shipment.id}/events`);
      expect(hidden.status).toBe(404);
      expect((await coordinatorElsewhere.get(`/shipments/${shipment.id}/events`)).status).toBe(404);
    });

    it('refuses to let auditors and partners record or void events (403)', async () => {
      const [event] = await timeline(shipment.id);
      const before = await snapshot(shipment.id);
      for (const [who, caller] of Object.entries(tokens)) {
        const recorded = await post(shipment.id, { type: 'in_transit' }, caller);
        expect({ who, status: recorded.status }).toEqual({ who, status: 403 });
        const voided = await voidEvent(shipment.id, event.id, { reason: 'mistake' }, caller);
        expect({ who, status: voided.status }).toEqual({ who, status: 403 });
      }
      const anonymous = await post(shipment.id, { type: 'in_transit' }, api.as(null));
      expect(anonymous.status).toBe(401);
      expect(await snapshot(shipment.id)).toEqual(before);
    });

    it('hides the shipment (404) from a coordinator scoped to another organization', async () => {
      const [event] = await timeline(shipment.id);
      const before = await snapshot(shipment.id);
      expect((await post(shipment.id, { type: 'in_transit' }, coordinatorElsewhere)).status).toBe(404);
      expect(
        (await voidEvent(shipment.id, event.id, { reason: 'mistake' }, coordinatorElsewhere)).status,
      ).toBe(404);
      expect(await snapshot(shipment.id)).toEqual(before);

      const inScope = await post(shipment.id, { type: 'in_transit' }, coordinatorOfRecipient);
      expect(inScope.status).toBe(201);
      expect(
        (await voidEvent(shipment.id, inScope.body.event.id, { reason: 'mistake' }, coordinatorOfRecipient))
          .status,
      ).toBe(201);
    });
  });

  describe('audit entries', () => {
    it('writes exactly one entry per recorded event and per void, in the same transaction', async () => {
      const shipment = await newShipment();
      const dispatched = await post(shipment.id, { type: 'dispatched' }, api);
      expect(dispatched.status).toBe(201);
      const requestId = dispatched.headers.get('x-request-id');
      const { rows } = await service.db.query(
        `SELECT action, request_id, content::json->'after' AS after FROM audit_entry WHERE entity_id = $1 AND action LIKE 'shipment.event%'`,
        [shipment.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'shipment.event_recorded', request_id: requestId });
      expect(rows[0].after).toMatchObject({
        event: { id: dispatched.body.event.id },
        shipment: dispatched.body.shipment,
      });

      const voided = await voidEvent(shipment.id, dispatched.body.event.id);
      const { rows: voids } = await service.db.query(
        `SELECT request_id, content::json->'after' AS after FROM audit_entry WHERE entity_id = $1 AND action = 'shipment.event_voided'`,
        [shipment.id],
      );
      expect(voids).toHaveLength(1);
      expect(voids[0].request_id).toBe(voided.headers.get('x-request-id'));
      expect(voids[0].after).toMatchObject({ shipment: voided.body.shipment });
    });

    it('writes nothing for a refused event', async () => {
      const shipment = await newShipment();
      const before = await snapshot(shipment.id);
      expect((await post(shipment.id, { type: 'arrived' })).status).toBe(409); // refused inside the transaction
      expect((await post(shipment.id, { type: 'delivered' })).status).toBe(400);
      expect(
        (await post(shipment.id, { type: 'dispatched', occurredAt: '2999-01-01T00:00:00Z' })).status,
      ).toBe(422);
      expect(await snapshot(shipment.id)).toEqual(before);
      expect(await auditCount(shipment.id, 'shipment.event_recorded')).toBe(0);
    });
  });

  describe('racing events', () => {
    it('of twenty racing "dispatched", exactly one applies', async () => {
      const shipment = await newShipment();
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => post(shipment.id, { type: 'dispatched' })),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array(19).fill(409)]);
      const { rows } = await service.db.query(
        `SELECT type, count(*)::int AS n FROM shipment_event WHERE shipment_id = $1 GROUP BY type`,
        [shipment.id],
      );
      expect(rows).toEqual([{ type: 'dispatched', n: 1 }]);
      const stored = await getShipment(shipment.id);
      expect({ status: stored.status, version: stored.version }).toEqual({
        status: 'dispatched',
        version: 2,
      });
      expect(await auditCount(shipment.id, 'shipment.event_recorded')).toBe(1);
    });

    it('of twenty racing "delivered" with full receipts, exactly one applies and quantities are not doubled', async () => {
      const shipment = await driveTo('arrived');
      const body = { type: 'delivered', receipt: await remainderReceipt(shipment.id) };
      const responses = await Promise.all(Array.from({ length: 20 }, () => post(shipment.id, body)));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array(19).fill(409)]);
      const stored = await getShipment(shipment.id);
      expect({ status: stored.status, version: stored.version }).toEqual({ status: 'delivered', version: 4 });
      expect(stored.items.map((i) => [i.quantityReceived, i.quantityDamaged])).toEqual([
        ['1.5', '0'],
        ['10', '0'],
      ]);
      const { rows } = await service.db.query(
        `SELECT count(*)::int AS n FROM shipment_event WHERE shipment_id = $1 AND type = 'delivered'`,
        [shipment.id],
      );
      expect(rows[0].n).toBe(1);
    });

    it('racing position updates all apply, one after the other, with a defaulted occurredAt', async () => {
      const shipment = await driveTo('in_transit');
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post(shipment.id, { type: 'in_transit', note: `checkpoint ${i}` }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      const versions = responses.map((r) => r.body.shipment.version).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 4));
      const events = await timeline(shipment.id);
      const occurred = events.map((e) => Date.parse(e.occurredAt));
      expect([...occurred].sort((a, b) => a - b)).toEqual(occurred);
    });

    it('racing voids of one event: exactly one applies', async () => {
      const shipment = await driveTo('partially_delivered');
      const [, , partial] = await timeline(shipment.id);
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => voidEvent(shipment.id, partial.id)),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
      const stored = await getShipment(shipment.id);
      expect({ status: stored.status, version: stored.version }).toEqual({ status: 'arrived', version: 5 });
      expect(stored.items.map((i) => [i.quantityReceived, i.quantityDamaged])).toEqual([
        ['0', '0'],
        ['0', '0'],
      ]);
    });
  });
});

import { randomBytes } from 'node:crypto';
import { Api, ApiResponse } from '../support/http';
import {
  countRows,
  createOrganization,
  createShipment,
  issueToken,
  seedParties,
  seedShipmentBody,
} from '../support/builders';
import { startService, TestService } from '../support/service';

/**
 * The shipments of openapi.json and docs/api.md (create, read, edit, list, scope) and the conventions it leans on:
 * problem+json with body paths, unknown fields refused, decimal strings end to end, keyset cursors,
 * Idempotency-Key, and one audit entry per change. Every refusal also checks that nothing was stored.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** What must never reach a client: stacks, SQL, driver and table names. */
const LEAK =
  /QueryFailedError|duplicate key|violates|node_modules|\.[jt]s:\d+|shipment_item|shipment_reference_unique|SELECT |INSERT INTO/;

/** Where the contract says a request is refused without saying with which status. */
const CLIENT_ERROR = [400, 409, 422];

const unique = () => randomBytes(4).toString('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** JSON text in which `"#<literal>"` strings become bare number literals: JSON.stringify would write 12.50 as 12.5. */
const numberLiteral = (literal: string) => `#${literal}`;
const jsonWithNumbers = (body: unknown) => JSON.stringify(body).replace(/"#(-?[0-9.eE+-]+)"/g, '$1');

/** Totals are computed, so their scale is the service's choice; their value must be exact. */
const sameDecimal = (expected: string) => ({
  asymmetricMatch: (actual: unknown) =>
    typeof actual === 'string' && /^\d+(\.\d+)?$/.test(actual) && normalize(actual) === normalize(expected),
  toAsymmetricMatcher: () => `decimal string equal to ${expected}`,
});
const normalize = (decimal: string) =>
  decimal
    .replace(/^0+(?=\d)/, '')
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');

describe('shipments', () => {
  let service: TestService;
  let api: Api;
  let donor: { id: string; name: string };
  let recipient: { id: string; name: string };
  let partner: { id: string; name: string };

  beforeAll(async () => {
    service = await startService();
    api = new Api(service.baseUrl, service.adminToken);
    ({ donor, recipient } = await seedParties(api));
    partner = await createOrganization(api, {
      name: `World Health Organization ${unique()}`,
      type: 'multilateral',
    });
  });
  afterAll(() => service?.stop());

  const counts = async () => ({
    shipment: await countRows(service.db, 'shipment'),
    shipment_item: await countRows(service.db, 'shipment_item'),
    shipment_partner: await countRows(service.db, 'shipment_partner'),
    audit_entry: await countRows(service.db, 'audit_entry'),
  });

  /** A problem+json answer with the given status (one of them) and a field error at `path`, free of internals. */
  function expectProblem(response: ApiResponse, status: number | number[], path?: string): void {
    const allowed = Array.isArray(status) ? status : [status];
    if (!allowed.includes(response.status)) {
      throw new Error(`expected ${allowed.join(' or ')}, got ${response.status}: ${response.text}`);
    }
    expect(response.body).toMatchObject({
      status: response.status,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body.requestId).toBe(response.headers.get('x-request-id'));
    if (path !== undefined) {
      expect(response.body.errors).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
    }
    expect(response.text).not.toMatch(LEAK);
  }

  /** Sends a request that must be refused, and checks that no row of any shipment table or the audit log appeared. */
  async function expectRefused(
    send: () => Promise<ApiResponse>,
    status: number | number[],
    path?: string,
  ): Promise<ApiResponse> {
    const before = await counts();
    const response = await send();
    expectProblem(response, status, path);
    expect(await counts()).toEqual(before);
    return response;
  }

  const auditEntries = async (entityId: string) =>
    (
      await service.db.query(
        `SELECT action, content::json->'before' AS before, content::json->'after' AS after, request_id, actor FROM audit_entry WHERE entity_id = $1 ORDER BY recorded_at, id`,
        [entityId],
      )
    ).rows;

  const ifMatch = (version: number | string) => ({ headers: { 'if-match': `"${version}"` } });

  describe('create', () => {
    it('answers 201 with the whole shipment and stores it', async () => {
      const body = seedShipmentBody(donor.id, recipient.id, { partnerIds: [partner.id] });
      const response = await api.post('/shipments', body);
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const shipment = response.body;
      expect(shipment).toEqual({
        id: expect.stringMatching(UUID),
        reference: expect.stringMatching(new RegExp(`^SHP-${new Date().getUTCFullYear()}-\\d{6}$`)),
        title: body.title,
        status: 'planned',
        version: 1,
        donor: { id: donor.id, name: donor.name },
        recipient: { id: recipient.id, name: recipient.name },
        partners: [{ id: partner.id, name: partner.name }],
        origin: { countryCode: 'AZ', location: 'Baku' },
        destination: { countryCode: 'UA', location: 'Kyiv' },
        transportMode: 'rail',
        emergency: 'COVID-19',
        priority: 'urgent',
        plannedDispatchDate: '2020-06-10',
        expectedArrivalDate: '2020-06-20',
        items: body.items.map((item: Record<string, unknown>, index: number) => ({
          id: expect.stringMatching(UUID),
          lineNo: index + 1,
          description: item.description,
          category: item.category,
          quantity: item.quantity,
          unit: item.unit,
          unitValue: item.unitValue,
          currency: item.currency,
          itemCode: null,
          batchNumber: item.batchNumber ?? null,
          expiryDate: item.expiryDate ?? null,
          weightKg: item.weightKg ?? null,
          volumeM3: null,
          quantityReceived: '0',
          quantityDamaged: '0',
        })),
        totals: {
          lines: 4,
          declaredValue: [
            { currency: 'EUR', amount: sameDecimal('6600') },
            { currency: 'USD', amount: sameDecimal('265000') },
          ],
          weightKg: sameDecimal('5650.5'),
          volumeM3: null,
        },
        warnings: [],
        createdAt: expect.stringMatching(ISO_UTC),
        updatedAt: expect.stringMatching(ISO_UTC),
      });
      expect(shipment.updatedAt).toBe(shipment.createdAt);
      expect(Math.abs(Date.parse(shipment.createdAt) - Date.now())).toBeLessThan(60_000);
      expect(new Set(shipment.items.map((item: { id: string }) => item.id)).size).toBe(4);

      const { rows } = await service.db.query(
        `SELECT s.reference, s.status, s.version, (SELECT count(*)::int FROM shipment_item i WHERE i.shipment_id = s.id) AS lines,
                (SELECT array_agg(organization_id::text) FROM shipment_partner p WHERE p.shipment_id = s.id) AS partners
           FROM shipment s WHERE s.id = $1`,
        [shipment.id],
      );
      expect(rows).toEqual([
        { reference: shipment.reference, status: 'planned', version: 1, lines: 4, partners: [partner.id] },
      ]);
    });

    it('defaults priority to standard and leaves unsent optional fields null', async () => {
      const response = await api.post('/shipments', {
        donorId: donor.id,
        recipientId: recipient.id,
        origin: { countryCode: 'AZ' },
        destination: { countryCode: 'UA' },
        items: [{ description: 'Blankets', category: 'non_food_items', quantity: '10', unit: 'each' }],
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        title: null,
        priority: 'standard',
        transportMode: null,
        emergency: null,
        plannedDispatchDate: null,
        expectedArrivalDate: null,
        partners: [],
        origin: { countryCode: 'AZ', location: null },
        totals: { lines: 1, declaredValue: [], weightKg: null, volumeM3: null },
      });
      expect(response.body.items[0]).toMatchObject({
        unitValue: null,
        currency: null,
        quantityReceived: '0',
        quantityDamaged: '0',
      });
    });

    it('assigns distinct references in the SHP-<year>-<6 digits> form', async () => {
      const first = await createShipment(api, donor.id, recipient.id);
      const second = await createShipment(api, donor.id, recipient.id);
      expect(first.reference).toMatch(/^SHP-\d{4}-\d{6}$/);
      expect(second.reference).toMatch(/^SHP-\d{4}-\d{6}$/);
      expect(second.reference).not.toBe(first.reference);
    });

    it('keeps a client reference, refuses it again with 409 and stores nothing', async () => {
      const reference = `AZ-UA/2020/${unique()}`;
      const created = await createShipment(api, donor.id, recipient.id, { reference });
      expect(created.reference).toBe(reference);
      const duplicate = await expectRefused(
        () => api.post('/shipments', seedShipmentBody(donor.id, recipient.id, { reference })),
        409,
      );
      expect(duplicate.text).not.toContain(created.id);
      const { rows } = await service.db.query(
        'SELECT count(*)::int AS n FROM shipment WHERE reference = $1',
        [reference],
      );
      expect(rows[0].n).toBe(1);
    });

    it.each(['SHP-2020-000123', 'SHP-2031-999999'])(
      'refuses the reserved reference form %s with 400',
      async (reference) => {
        await expectRefused(
          () => api.post('/shipments', seedShipmentBody(donor.id, recipient.id, { reference })),
          400,
          'reference',
        );
      },
    );

    it('refuses a client reference shaped like a UUID, which lookups would read as an id', async () => {
      await expectRefused(
        () =>
          api.post(
            '/shipments',
            seedShipmentBody(donor.id, recipient.id, { reference: '6F1C7A52-58A4-4F57-9D7C-3B0F0A3C1E11' }),
          ),
        400,
        'reference',
      );
    });

    it('echoes X-Request-Id and records it in the audit entry', async () => {
      const requestId = `shipments-spec-${unique()}`;
      const response = await api.post('/shipments', seedShipmentBody(donor.id, recipient.id), {
        headers: { 'x-request-id': requestId },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('x-request-id')).toBe(requestId);
      const [entry] = await auditEntries(response.body.id);
      expect(entry.request_id).toBe(requestId);
      const generated = await api.get(`/shipments/${response.body.id}`);
      expect(generated.headers.get('x-request-id')).toEqual(expect.any(String));
      expect(generated.headers.get('x-request-id')).not.toBe(requestId);
    });
  });

  describe('decimals', () => {
    it('accepts numbers and strings, keeps the written scale and never passes through a float', async () => {
      const body = seedShipmentBody(donor.id, recipient.id, {
        items: [
          {
            description: 'Gauze',
            category: 'medical_consumables',
            quantity: numberLiteral('1'),
            unit: 'pack',
            unitValue: '0.10',
            currency: 'EUR',
            expiryDate: '2030-01-01',
          },
          {
            description: 'Tape',
            category: 'medical_consumables',
            quantity: '1',
            unit: 'pack',
            unitValue: numberLiteral('0.20'),
            currency: 'EUR',
            expiryDate: '2030-01-01',
          },
          {
            description: 'Rice',
            category: 'food',
            quantity: numberLiteral('12.50'),
            unit: 'kg',
            unitValue: numberLiteral('0.1'),
            currency: 'USD',
            weightKg: '12.50',
          },
          {
            description: 'Generator',
            category: 'logistics_equipment',
            quantity: '1',
            unit: 'each',
            unitValue: '123456789012345.123456',
            currency: 'CHF',
          },
          {
            description: 'Tarpaulins',
            category: 'shelter',
            quantity: numberLiteral('1e2'),
            unit: 'each',
            volumeM3: numberLiteral('2.5E-1'),
          },
        ],
      });
      const response = await api.post('/shipments', undefined, { rawBody: jsonWithNumbers(body) });
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
      const written = [
        { quantity: '1', unitValue: '0.10', weightKg: null, volumeM3: null },
        { quantity: '1', unitValue: '0.20', weightKg: null, volumeM3: null },
        { quantity: '12.50', unitValue: '0.1', weightKg: '12.50', volumeM3: null },
        { quantity: '1', unitValue: '123456789012345.123456', weightKg: null, volumeM3: null },
        { quantity: '100', unitValue: null, weightKg: null, volumeM3: '0.25' },
      ];
      expect(
        response.body.items.map(({ quantity, unitValue, weightKg, volumeM3 }: Record<string, unknown>) => ({
          quantity,
          unitValue,
          weightKg,
          volumeM3,
        })),
      ).toEqual(written);
      expect(response.body.totals).toEqual({
        lines: 5,
        declaredValue: [
          { currency: 'CHF', amount: sameDecimal('123456789012345.123456') },
          { currency: 'EUR', amount: sameDecimal('0.3') },
          { currency: 'USD', amount: sameDecimal('1.25') },
        ],
        weightKg: sameDecimal('12.5'),
        volumeM3: sameDecimal('0.25'),
      });
      const eur = response.body.totals.declaredValue.find(
        (total: { currency: string }) => total.currency === 'EUR',
      );
      expect(eur.amount).toBe('0.30'); // 0.10 + 0.20, with the scale PostgreSQL numeric would give

      const { rows } = await service.db.query(
        `SELECT quantity::text AS quantity, unit_value::text AS "unitValue", weight_kg::text AS "weightKg", volume_m3::text AS "volumeM3"
           FROM shipment_item WHERE shipment_id = $1 ORDER BY line_no`,
        [response.body.id],
      );
      expect(rows).toEqual(written);
      const read = await api.get(`/shipments/${response.body.id}`);
      expect(read.body.items).toEqual(response.body.items);
      expect(read.body.totals).toEqual(response.body.totals);
    });

    it('carries the largest allowed values exactly through line totals', async () => {
      const response = await api.post(
        '/shipments',
        seedShipmentBody(donor.id, recipient.id, {
          items: [
            {
              description: 'Fuel',
              category: 'logistics_equipment',
              quantity: '999999999999999.999999',
              unit: 'litre',
              unitValue: '999999999999999.999999',
              currency: 'USD',
            },
            {
              description: 'Fuel',
              category: 'logistics_equipment',
              quantity: '0.000001',
              unit: 'litre',
              unitValue: '0.000001',
              currency: 'USD',
            },
          ],
        }),
      );
      expect(response.status).toBe(201);
      expect(response.body.items[0].quantity).toBe('999999999999999.999999');
      // (10^15 − 10^−6)² + 10^−12 = 10^30 − 2·10^9 + 2·10^−12
      expect(response.body.totals.declaredValue).toEqual([
        { currency: 'USD', amount: sameDecimal('999999999999999999998000000000.000000000002') },
      ]);
    });

    const refusals: Array<[string, Record<string, unknown>, string]> = [
      ['16 integer digits', { quantity: '1234567890123456' }, 'items[0].quantity'],
      ['7 fraction digits', { quantity: '1.1234567' }, 'items[0].quantity'],
      [
        '7 fraction digits as a JSON number',
        { unitValue: numberLiteral('0.1234567'), currency: 'USD' },
        'items[0].unitValue',
      ],
      ['a negative quantity', { quantity: numberLiteral('-1') }, 'items[0].quantity'],
      ['a negative unit value', { unitValue: '-0.01', currency: 'USD' }, 'items[0].unitValue'],
      ['a negative weight', { weightKg: '-5' }, 'items[0].weightKg'],
      ['a zero quantity', { quantity: numberLiteral('0') }, 'items[0].quantity'],
      ['a zero quantity written with a scale', { quantity: '0.000' }, 'items[0].quantity'],
      ['a quantity that is not a number', { quantity: 'ten' }, 'items[0].quantity'],
      ['a boolean quantity', { quantity: true }, 'items[0].quantity'],
      ['a huge exponent', { quantity: numberLiteral('1e400') }, 'items[0].quantity'],
    ];
    it.each(refusals)('refuses %s with 400 naming the path', async (_name, change, path) => {
      const body = seedShipmentBody(donor.id, recipient.id);
      const items = body.items as Array<Record<string, unknown>>;
      items[0] = { ...items[0], ...change };
      await expectRefused(
        () => api.post('/shipments', undefined, { rawBody: jsonWithNumbers(body) }),
        400,
        path,
      );
    });
  });

  describe('validation', () => {
    const body = (overrides: Record<string, unknown> = {}) =>
      seedShipmentBody(donor.id, recipient.id, overrides);
    const withItem = (index: number, change: Record<string, unknown>) => {
      const sent = body();
      const items = sent.items as Array<Record<string, unknown>>;
      items[index] = { ...items[index], ...change };
      return sent;
    };
    const item = { description: 'Soap', category: 'wash', quantity: '1', unit: 'each' };

    const refusals: Array<[string, () => unknown, string]> = [
      ['a bad quantity on the third line', () => withItem(2, { quantity: 'x' }), 'items[2].quantity'],
      ['an unknown origin country', () => body({ origin: { countryCode: 'ZZ' } }), 'origin.countryCode'],
      [
        'an unknown destination country',
        () => body({ destination: { countryCode: 'UKR' } }),
        'destination.countryCode',
      ],
      ['a missing origin', () => ({ ...body(), origin: undefined }), 'origin'],
      ['a null destination', () => body({ destination: null }), 'destination'],
      ['a place written as a string', () => body({ origin: 'AZ' }), 'origin'],
      ['a line that is null', () => body({ items: [null] }), 'items[0]'],
      ['a line that is a string', () => body({ items: [item, 'Soap'] }), 'items[1]'],
      ['a null partner list entry', () => body({ partnerIds: [null] }), 'partnerIds'],
      ['an unknown top-level field', () => body({ colour: 'blue' }), 'colour'],
      ['an unknown field in a line', () => withItem(1, { colour: 'blue' }), 'items[1].colour'],
      [
        'an unknown field in a place',
        () => body({ origin: { countryCode: 'AZ', planet: 'Earth' } }),
        'origin.planet',
      ],
      [
        'a line id chosen by the client',
        () => withItem(0, { id: '00000000-0000-4000-8000-000000000000' }),
        'items[0].id',
      ],
      ['no lines', () => body({ items: [] }), 'items'],
      ['1001 lines', () => body({ items: Array.from({ length: 1001 }, () => item) }), 'items'],
      ['items that are not a list', () => body({ items: item }), 'items'],
      ['a line without a description', () => withItem(0, { description: undefined }), 'items[0].description'],
      ['an unknown category', () => withItem(0, { category: 'weapons' }), 'items[0].category'],
      ['an unknown unit', () => withItem(0, { unit: 'bag' }), 'items[0].unit'],
      ['an unknown transport mode', () => body({ transportMode: 'ship' }), 'transportMode'],
      ['an unknown priority', () => body({ priority: 'high' }), 'priority'],
      ['a unit value without currency', () => withItem(1, { currency: undefined }), 'items[1].currency'],
      ['a currency that is not ISO 4217', () => withItem(0, { currency: 'ABC' }), 'items[0].currency'],
      ['a currency that is not a code', () => withItem(0, { currency: 'Dollar' }), 'items[0].currency'],
      [
        'an impossible calendar date',
        () => body({ plannedDispatchDate: '2021-02-30' }),
        'plannedDispatchDate',
      ],
      [
        'a timestamp for a date',
        () => body({ expectedArrivalDate: '2020-06-20T00:00:00Z' }),
        'expectedArrivalDate',
      ],
      ['an impossible expiry date', () => withItem(2, { expiryDate: '2021-13-01' }), 'items[2].expiryDate'],
      ['a donor id that is not a UUID', () => body({ donorId: 'Azerbaijan' }), 'donorId'],
      ['partner ids given twice', () => body({ partnerIds: [partner.id, partner.id] }), 'partnerIds'],
    ];
    it.each(refusals)('refuses %s with 400 naming the path', async (_name, make, path) => {
      await expectRefused(() => api.post('/shipments', make()), 400, path);
    });

    it('refuses malformed JSON with a 400 problem', async () => {
      await expectRefused(() => api.post('/shipments', undefined, { rawBody: '{"donorId": ' }), 400);
    });

    // A body without JSON numbers is parsed natively (json-body.ts), which alone would keep the last title.
    it('refuses a body that gives a field twice with a 400 problem', async () => {
      const twice = `{"title":"Decoy",${JSON.stringify(body()).slice(1)}`;
      const refused = await expectRefused(() => api.post('/shipments', undefined, { rawBody: twice }), 400);
      expect(refused.body.detail).toContain("Duplicate key 'title'");
    });

    it('refuses an expected arrival before the planned dispatch, naming expectedArrivalDate', async () => {
      await expectRefused(
        () =>
          api.post(
            '/shipments',
            body({ plannedDispatchDate: '2020-06-10', expectedArrivalDate: '2020-06-09' }),
          ),
        CLIENT_ERROR,
        'expectedArrivalDate',
      );
    });

    it('accepts arrival on the day of dispatch', async () => {
      const response = await api.post(
        '/shipments',
        body({ plannedDispatchDate: '2020-06-10', expectedArrivalDate: '2020-06-10' }),
      );
      expect(response.status).toBe(201);
    });

    it('refuses the same organization as donor and recipient, naming recipientId', async () => {
      await expectRefused(
        () => api.post('/shipments', seedShipmentBody(donor.id, donor.id)),
        CLIENT_ERROR,
        'recipientId',
      );
    });

    const nobody = '6f1c7a52-58a4-4f57-9d7c-3b0f0a3c1e11';
    const unknownParties: Array<[string, () => unknown, string]> = [
      ['donor', () => seedShipmentBody(nobody, recipient.id), 'donorId'],
      ['recipient', () => seedShipmentBody(donor.id, nobody), 'recipientId'],
      [
        'partner',
        () => seedShipmentBody(donor.id, recipient.id, { partnerIds: [partner.id, nobody] }),
        'partnerIds[1]',
      ],
    ];
    it.each(unknownParties)(
      'refuses an unknown %s organization with 422 naming the path',
      async (_name, make, path) => {
        await expectRefused(() => api.post('/shipments', make()), 422, path);
      },
    );
  });

  describe('warnings', () => {
    it('flags medicines, consumables and lab supplies expiring within 12 months of arrival, without refusing', async () => {
      const line = (category: string, expiryDate: string) => ({
        description: `${category} expiring ${expiryDate}`,
        category,
        quantity: '100',
        unit: 'pack',
        expiryDate,
      });
      const response = await api.post(
        '/shipments',
        seedShipmentBody(donor.id, recipient.id, {
          plannedDispatchDate: '2024-02-20',
          expectedArrivalDate: '2024-03-01',
          items: [
            line('pharmaceuticals', '2024-12-31'),
            line('medical_consumables', '2025-02-28'),
            line('laboratory', '2024-06-01'),
            line('ppe', '2024-04-01'),
            line('pharmaceuticals', '2026-01-01'),
            line('laboratory', '2025-09-30'),
            line('food', '2024-03-15'),
          ],
        }),
      );
      expect(response.status).toBe(201);
      expect(response.body.status).toBe('planned');
      const flagged = response.body.warnings.map((warning: { path: string }) => warning.path).sort();
      expect(flagged).toEqual(['items[0].expiryDate', 'items[1].expiryDate', 'items[2].expiryDate']);
      for (const warning of response.body.warnings) expect(warning.message).toEqual(expect.any(String));
      const read = await api.get(`/shipments/${response.body.id}`);
      expect(read.body.warnings).toEqual(response.body.warnings);
    });

    it('measures shelf life from the expected arrival, not from today', async () => {
      // Long expired today, but more than a year of shelf life left on the (historic) arrival date.
      const response = await api.post(
        '/shipments',
        seedShipmentBody(donor.id, recipient.id, {
          expectedArrivalDate: '2020-06-20',
          items: [
            {
              description: 'Paracetamol',
              category: 'pharmaceuticals',
              quantity: '1',
              unit: 'pack',
              expiryDate: '2021-12-31',
            },
          ],
        }),
      );
      expect(response.status).toBe(201);
      expect(response.body.warnings).toEqual([]);
    });
  });

  describe('read', () => {
    let shipment: any;
    beforeAll(async () => {
      shipment = await createShipment(api, donor.id, recipient.id, { reference: `AZ/UA/${unique()}` });
    });

    it('serves a shipment by id with ETag "<version>"', async () => {
      const response = await api.get(`/shipments/${shipment.id}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe('"1"');
      expect(response.body).toEqual(shipment);
    });

    it('serves a shipment by reference', async () => {
      const response = await api.get(`/shipments/${encodeURIComponent(shipment.reference)}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe('"1"');
      expect(response.body).toEqual(shipment);
      const generated = await createShipment(api, donor.id, recipient.id);
      const byGenerated = await api.get(`/shipments/${generated.reference}`);
      expect(byGenerated.body.id).toBe(generated.id);
    });

    it.each(['b7a2d1de-1111-4c4c-8d8d-222233334444', 'SHP-1999-000001', 'no-such-reference'])(
      'answers 404 problem+json for %s',
      async (key) => {
        const response = await api.get(`/shipments/${key}`);
        expectProblem(response, 404);
        expect(response.headers.get('etag')).toBeNull();
      },
    );
  });

  describe('edit', () => {
    let shipment: any;
    beforeAll(async () => {
      shipment = await createShipment(api, donor.id, recipient.id);
    });
    const current = async () => (await api.get(`/shipments/${shipment.id}`)).body;

    it('needs If-Match (428), refuses a stale one (412) and changes nothing meanwhile', async () => {
      await expectRefused(() => api.patch(`/shipments/${shipment.id}`, { title: 'No precondition' }), 428);
      await expectRefused(() => api.patch(`/shipments/${shipment.id}`, { title: 'Stale' }, ifMatch(7)), 412);
      expect(await current()).toEqual(shipment);
    });

    it('applies an edit with the current ETag, bumps the version and replaces the lines whole', async () => {
      const oldItemIds = shipment.items.map((item: { id: string }) => item.id);
      const items = [
        {
          description: 'Ventilators',
          category: 'medical_equipment',
          quantity: '20',
          unit: 'each',
          unitValue: '15000.00',
          currency: 'EUR',
        },
        { description: 'Oxygen concentrators', category: 'medical_equipment', quantity: 40, unit: 'each' },
      ];
      const requestId = `shipments-edit-${unique()}`;
      const before = await counts();
      const response = await api.patch(
        `/shipments/${shipment.id}`,
        { title: 'Revised: ventilators', transportMode: 'air', partnerIds: [partner.id], items },
        { headers: { 'if-match': '"1"', 'x-request-id': requestId } },
      );
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
      expect(response.headers.get('etag')).toBe('"2"');
      expect(response.body).toMatchObject({
        id: shipment.id,
        reference: shipment.reference,
        status: 'planned',
        version: 2,
        title: 'Revised: ventilators',
        transportMode: 'air',
        emergency: shipment.emergency,
        partners: [{ id: partner.id, name: partner.name }],
        createdAt: shipment.createdAt,
        totals: {
          lines: 2,
          declaredValue: [{ currency: 'EUR', amount: sameDecimal('300000') }],
          weightKg: null,
          volumeM3: null,
        },
      });
      expect(response.body.items).toEqual([
        expect.objectContaining({
          lineNo: 1,
          description: 'Ventilators',
          quantity: '20',
          unitValue: '15000.00',
          quantityReceived: '0',
        }),
        expect.objectContaining({
          lineNo: 2,
          description: 'Oxygen concentrators',
          quantity: '40',
          unitValue: null,
          quantityDamaged: '0',
        }),
      ]);
      expect(response.body.updatedAt).toMatch(ISO_UTC);
      expect(Date.parse(response.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(shipment.updatedAt));

      const { rows } = await service.db.query(
        'SELECT id::text FROM shipment_item WHERE shipment_id = $1 ORDER BY line_no',
        [shipment.id],
      );
      expect(rows.map((row) => row.id)).toEqual(response.body.items.map((item: { id: string }) => item.id));
      for (const id of oldItemIds) expect(rows.map((row) => row.id)).not.toContain(id);
      expect(await counts()).toEqual({
        ...before,
        shipment_item: before.shipment_item - 2,
        shipment_partner: before.shipment_partner + 1,
        audit_entry: before.audit_entry + 1,
      });

      const entries = await auditEntries(shipment.id);
      expect(entries.map((entry) => entry.action)).toEqual(['shipment.created', 'shipment.updated']);
      expect(entries[1].before).toEqual(shipment);
      expect(entries[1].after).toEqual(response.body);
      expect(entries[1].request_id).toBe(requestId);

      const read = await api.get(`/shipments/${shipment.id}`);
      expect(read.headers.get('etag')).toBe('"2"');
      expect(read.body).toEqual(response.body);
      shipment = response.body;
    });

    it('keeps the lines when an edit does not send items', async () => {
      const response = await api.patch(
        `/shipments/${shipment.id}`,
        { emergency: 'COVID-19 second wave' },
        ifMatch(2),
      );
      expect(response.status).toBe(200);
      expect(response.body.version).toBe(3);
      expect(response.body.items).toEqual(shipment.items);
      await expectRefused(
        () => api.patch(`/shipments/${shipment.id}`, { title: 'Stale again' }, ifMatch(2)),
        412,
      );
      shipment = response.body;
    });

    it('edits any field of the shipment', async () => {
      const reference = `AZ-UA/revised/${unique()}`;
      const edit = {
        reference,
        title: null,
        donorId: recipient.id,
        recipientId: donor.id,
        origin: { countryCode: 'GE', location: 'Poti' },
        destination: { countryCode: 'MD' },
        transportMode: 'multimodal',
        emergency: null,
        priority: 'low',
        plannedDispatchDate: '2020-07-01',
        expectedArrivalDate: '2020-07-15',
        partnerIds: [],
      };
      const response = await api.patch(`/shipments/${shipment.id}`, edit, ifMatch(shipment.version));
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
      expect(response.body).toEqual({
        ...shipment,
        ...edit,
        donor: { id: recipient.id, name: recipient.name },
        recipient: { id: donor.id, name: donor.name },
        origin: { countryCode: 'GE', location: 'Poti' },
        destination: { countryCode: 'MD', location: null },
        partners: [],
        donorId: undefined,
        recipientId: undefined,
        partnerIds: undefined,
        version: shipment.version + 1,
        updatedAt: expect.stringMatching(ISO_UTC),
      });
      expect((await api.get(`/shipments/${encodeURIComponent(reference)}`)).body).toEqual(response.body);
      expectProblem(await api.get(`/shipments/${shipment.reference}`), 404);
      shipment = response.body;
    });

    it('refuses a reference another shipment has with 409 and changes nothing', async () => {
      const other = await createShipment(api, donor.id, recipient.id, {
        reference: `AZ-UA/taken/${unique()}`,
      });
      await expectRefused(
        () =>
          api.patch(`/shipments/${shipment.id}`, { reference: other.reference }, ifMatch(shipment.version)),
        409,
      );
      expect(await current()).toEqual(shipment);
    });

    it('applies exactly one of several edits racing on the same version', async () => {
      const raced = await createShipment(api, donor.id, recipient.id);
      const responses = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          api.patch(`/shipments/${raced.id}`, { title: `Racer ${i}` }, ifMatch(1)),
        ),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([200, 412, 412, 412, 412]);
      const winner = responses.find((response) => response.status === 200)!;
      expect((await api.get(`/shipments/${raced.id}`)).body).toEqual(winner.body);
      expect(winner.body.version).toBe(2);
      expect((await auditEntries(raced.id)).map((entry) => entry.action)).toEqual([
        'shipment.created',
        'shipment.updated',
      ]);
    });

    const refusals: Array<[string, Record<string, unknown>, number, string]> = [
      ['a UUID-shaped reference', { reference: '0a0a0a0a-0000-4000-8000-000000000000' }, 400, 'reference'],
      [
        'a negative quantity',
        { items: [{ description: 'Masks', category: 'ppe', quantity: '-1', unit: 'each' }] },
        400,
        'items[0].quantity',
      ],
      ['no lines', { items: [] }, 400, 'items'],
      ['an unknown field', { colour: 'blue' }, 400, 'colour'],
      ['an unknown country', { destination: { countryCode: 'ZZ' } }, 400, 'destination.countryCode'],
      [
        'an unknown category',
        { items: [{ description: 'Masks', category: 'arms', quantity: '1', unit: 'each' }] },
        400,
        'items[0].category',
      ],
      ['a reserved reference', { reference: 'SHP-2020-000777' }, 400, 'reference'],
      ['an unknown donor', { donorId: 'a1b2c3d4-0000-4000-8000-000000000000' }, 422, 'donorId'],
    ];
    it.each(refusals)('refuses %s and changes nothing', async (_name, edit, status, path) => {
      await expectRefused(
        () => api.patch(`/shipments/${shipment.id}`, edit, ifMatch(shipment.version)),
        status,
        path,
      );
      expect(await current()).toEqual(shipment);
    });

    it('refuses a donor that is also the recipient, or arrival before dispatch, and changes nothing', async () => {
      await expectRefused(
        () =>
          api.patch(
            `/shipments/${shipment.id}`,
            { donorId: shipment.recipient.id },
            ifMatch(shipment.version),
          ),
        CLIENT_ERROR,
        'recipientId',
      );
      await expectRefused(
        () =>
          api.patch(
            `/shipments/${shipment.id}`,
            { expectedArrivalDate: '2020-06-01' },
            ifMatch(shipment.version),
          ),
        CLIENT_ERROR,
        'expectedArrivalDate',
      );
      expect(await current()).toEqual(shipment);
    });

    it('answers 404 for an unknown shipment', async () => {
      await expectRefused(
        () => api.patch('/shipments/0a0a0a0a-0000-4000-8000-000000000000', { title: 'x' }, ifMatch(1)),
        404,
      );
    });

    it('refuses edits with 409 once the shipment is dispatched', async () => {
      const dispatched = await api.post(`/shipments/${shipment.id}/events`, { type: 'dispatched' });
      expect(dispatched.status).toBe(201);
      const after = await current();
      expect(after.status).toBe('dispatched');
      await expectRefused(
        () => api.patch(`/shipments/${shipment.id}`, { title: 'Too late' }, ifMatch(after.version)),
        409,
      );
      expect(await current()).toEqual(after);
    });
  });

  describe('list', () => {
    const tag = unique();
    let a: { id: string }, b: { id: string }, c: { id: string }, d: { id: string };
    let s1: any, s2: any, s3: any, s4: any;
    const mine = () => [s1.id, s2.id, s3.id, s4.id];

    /** Every row the query yields, walking all pages. */
    async function walk(query: string, as: Api = api, limit = 200): Promise<any[]> {
      const rows: any[] = [];
      let cursor: string | null = null;
      do {
        const separator = query ? '&' : '';
        const response: ApiResponse = await as.get(
          `/shipments?${query}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
        expect(Object.keys(response.body).sort()).toEqual(['data', 'nextCursor']);
        expect(response.body.data.length).toBeLessThanOrEqual(limit);
        rows.push(...response.body.data);
        cursor = response.body.nextCursor;
      } while (cursor);
      return rows;
    }
    /** Which of this block's shipments the query returns, in the order served. */
    const mineIn = async (query: string) => {
      const ids = (await walk(query)).map((row) => row.id);
      return ids.filter((id) => mine().includes(id));
    };
    const sorted = (ids: string[]) => [...ids].sort();

    beforeAll(async () => {
      [a, b, c, d] = await Promise.all(
        ['A', 'B', 'C', 'D'].map((letter) => createOrganization(api, { name: `List org ${letter} ${tag}` })),
      );
      const line = (category: string, description: string) => ({
        description,
        category,
        quantity: '5',
        unit: 'each',
        expiryDate: '2030-01-01',
      });
      const make = async (body: Record<string, unknown>) => {
        const response = await api.post('/shipments', body);
        if (response.status !== 201) throw new Error(`${response.status} ${response.text}`);
        await sleep(5); // distinct creation instants, so the time filters and sorts can tell them apart
        return response.body;
      };
      s1 = await make({
        reference: `REFQ${tag}-1`,
        title: 'Winter kits',
        donorId: a.id,
        recipientId: b.id,
        partnerIds: [c.id],
        origin: { countryCode: 'AZ' },
        destination: { countryCode: 'UA' },
        emergency: `Flood ${tag}`,
        items: [line('ppe', 'Masks'), line('wash', 'Soap')],
      });
      s2 = await make({
        title: `Relief TITLEQ${tag}`,
        donorId: a.id,
        recipientId: d.id,
        origin: { countryCode: 'TR' },
        destination: { countryCode: 'SY' },
        emergency: `Earthquake ${tag}`,
        items: [line('food', 'Wheat flour')],
      });
      s3 = await make({
        donorId: d.id,
        recipientId: b.id,
        origin: { countryCode: 'KE' },
        destination: { countryCode: 'SO' },
        emergency: `FLOOD ${tag}`,
        items: [line('pharmaceuticals', `Amoxicillin ITEMQ${tag}`)],
      });
      s4 = await make({
        donorId: c.id,
        recipientId: a.id,
        origin: { countryCode: 'AZ' },
        destination: { countryCode: 'SY' },
        items: [line('wash', 'Water purification tablets')],
      });
      expect((await api.post(`/shipments/${s3.id}/events`, { type: 'dispatched' })).status).toBe(201);
      await sleep(5);
      expect((await api.post(`/shipments/${s4.id}/events`, { type: 'cancelled' })).status).toBe(201);
      await sleep(5);
      const edited = await api.patch(`/shipments/${s2.id}`, { priority: 'low' }, ifMatch(1));
      expect(edited.status).toBe(200);
      [s1, s2, s3, s4] = await Promise.all(
        [s1, s2, s3, s4].map(async (s) => (await api.get(`/shipments/${s.id}`)).body),
      );
    });

    it('serves rows with lineCount and totals instead of items', async () => {
      const rows = await walk(`q=REFQ${tag}`);
      expect(rows).toHaveLength(1);
      const { items: _items, warnings: _warnings, ...summary } = s1;
      expect(rows[0]).toEqual({ ...summary, lineCount: 2 });
      expect(rows[0].items).toBeUndefined();
      expect(rows[0].totals).toEqual(s1.totals);
    });

    it('filters by status, one or a comma list', async () => {
      expect(sorted(await mineIn('status=planned'))).toEqual(sorted([s1.id, s2.id]));
      expect(sorted(await mineIn('status=dispatched,cancelled'))).toEqual(sorted([s3.id, s4.id]));
      expect(sorted(await mineIn('status=planned,cancelled'))).toEqual(sorted([s1.id, s2.id, s4.id]));
      for (const row of await walk('status=dispatched,cancelled'))
        expect(['dispatched', 'cancelled']).toContain(row.status);
    });

    it('filters by donor, recipient and any involved organization', async () => {
      expect(sorted(await mineIn(`donorId=${a.id}`))).toEqual(sorted([s1.id, s2.id]));
      expect(sorted(await mineIn(`recipientId=${b.id}`))).toEqual(sorted([s1.id, s3.id]));
      expect(sorted(await mineIn(`organizationId=${a.id}`))).toEqual(sorted([s1.id, s2.id, s4.id]));
      expect(sorted(await mineIn(`organizationId=${c.id}`))).toEqual(sorted([s1.id, s4.id]));
      expect(sorted(await mineIn(`organizationId=${d.id}`))).toEqual(sorted([s2.id, s3.id]));
      for (const row of await walk(`donorId=${a.id}`)) expect(row.donor.id).toBe(a.id);
      expect(await walk(`donorId=${a.id}&recipientId=${b.id}`)).toEqual([
        expect.objectContaining({ id: s1.id }),
      ]);
    });

    it('filters by line category and by origin and destination country', async () => {
      expect(sorted(await mineIn('category=wash'))).toEqual(sorted([s1.id, s4.id]));
      expect(await mineIn('category=pharmaceuticals')).toEqual([s3.id]);
      expect(sorted(await mineIn('originCountry=AZ'))).toEqual(sorted([s1.id, s4.id]));
      expect(sorted(await mineIn('destinationCountry=SY'))).toEqual(sorted([s2.id, s4.id]));
      for (const row of await walk('originCountry=AZ')) expect(row.origin.countryCode).toBe('AZ');
      for (const row of await walk('destinationCountry=SY')) expect(row.destination.countryCode).toBe('SY');
    });

    it('filters by emergency, case-insensitively', async () => {
      expect(sorted(await mineIn(`emergency=${encodeURIComponent(`flood ${tag}`)}`))).toEqual(
        sorted([s1.id, s3.id]),
      );
      expect(await mineIn(`emergency=${encodeURIComponent(`EARTHQUAKE ${tag}`)}`)).toEqual([s2.id]);
    });

    it('searches reference, title and line text with q', async () => {
      expect(await mineIn(`q=REFQ${tag}`)).toEqual([s1.id]);
      expect(await mineIn(`q=TITLEQ${tag}`)).toEqual([s2.id]);
      expect(await mineIn(`q=ITEMQ${tag}`)).toEqual([s3.id]);
      expect(await walk(`q=nothing-matches-${tag}`)).toEqual([]);
    });

    it('filters by creation time and by last change', async () => {
      const at = (iso: string) => encodeURIComponent(iso);
      expect(sorted(await mineIn(`createdFrom=${at(s3.createdAt)}`))).toEqual(sorted([s3.id, s4.id]));
      expect(sorted(await mineIn(`createdTo=${at(s2.createdAt)}`))).toEqual(sorted([s1.id, s2.id]));
      expect(await mineIn(`createdFrom=${at(s2.createdAt)}&createdTo=${at(s3.createdAt)}`)).toEqual([
        s3.id,
        s2.id,
      ]);
      const day = (iso: string, offset: number) =>
        new Date(Date.parse(iso.slice(0, 10)) + offset * 86_400_000).toISOString().slice(0, 10);
      expect(await mineIn(`createdTo=${day(s1.createdAt, -1)}`)).toEqual([]);
      expect(await mineIn(`createdFrom=${day(s4.createdAt, 1)}`)).toEqual([]);
      expect(
        sorted(await mineIn(`createdFrom=${day(s1.createdAt, 0)}&createdTo=${day(s4.createdAt, 0)}`)),
      ).toEqual(sorted(mine()));
      expect(await mineIn(`updatedSince=${at(s2.updatedAt)}`)).toEqual([s2.id]);
      expect(sorted(await mineIn(`updatedSince=${at(s3.updatedAt)}`))).toEqual(sorted([s2.id, s3.id, s4.id]));
    });

    it('sorts by creation or last change, newest first by default', async () => {
      const byCreation = [s1.id, s2.id, s3.id, s4.id];
      const byChange = [s1.id, s3.id, s4.id, s2.id];
      expect(await mineIn('')).toEqual([...byCreation].reverse());
      expect(await mineIn('sort=-createdAt')).toEqual([...byCreation].reverse());
      expect(await mineIn('sort=createdAt')).toEqual(byCreation);
      expect(await mineIn('sort=updatedAt')).toEqual(byChange);
      expect(await mineIn('sort=-updatedAt')).toEqual([...byChange].reverse());
      const all = await walk('sort=updatedAt', api, 7);
      for (let i = 1; i < all.length; i++) expect(all[i].updatedAt >= all[i - 1].updatedAt).toBe(true);
      expect(new Set(all.map((row) => row.id)).size).toBe(all.length);
    });

    it.each(['-createdAt', 'createdAt'])(
      'walks every row exactly once with sort=%s while shipments are being added',
      async (sort) => {
        const emergency = `Paging ${sort} ${unique()}`;
        const add = () =>
          createShipment(api, a.id, b.id, {
            emergency,
            items: [{ description: 'Tents', category: 'shelter', quantity: '1', unit: 'each' }],
          });
        const original: string[] = [];
        for (let i = 0; i < 7; i++) original.push((await add()).id);
        const added: string[] = [];
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const response: ApiResponse = await api.get(
            `/shipments?emergency=${encodeURIComponent(emergency)}&sort=${sort}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          expect(response.status).toBe(200);
          expect(response.body.data.length).toBeLessThanOrEqual(2);
          seen.push(...response.body.data.map((row: { id: string }) => row.id));
          cursor = response.body.nextCursor;
          if (pages++ < 3) added.push((await add()).id);
        } while (cursor && pages < 20);
        expect(cursor).toBeNull();
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.filter((id) => original.includes(id)).sort()).toEqual([...original].sort());
        for (const id of seen) expect([...original, ...added]).toContain(id);
        // Newest first: rows added after the walk began are newer than the cursor and never appear.
        if (sort === '-createdAt') expect(seen.filter((id) => added.includes(id))).toEqual([]);
      },
    );

    const cursorFor = async (query: string) =>
      (await api.get(`/shipments?${query}&limit=1`)).body.nextCursor as string;
    const badParameters: Array<[string, string]> = [
      ['status=shipped', 'status'],
      ['status=planned,shipped', 'status'],
      ['sort=title', 'sort'],
      ['sort=createdat', 'sort'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=ten', 'limit'],
      ['limit=1.5', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${Buffer.from('{"s":"-createdAt","v":"x","i":"y"}').toString('base64url')}`, 'cursor'],
      ['donorId=someone', 'donorId'],
      ['organizationId=42', 'organizationId'],
      ['category=weapons', 'category'],
      ['originCountry=ZZ', 'originCountry'],
      ['createdFrom=yesterday', 'createdFrom'],
      ['updatedSince=2021-02-30', 'updatedSince'],
    ];
    it.each(badParameters)('refuses %s with 400 naming the parameter', async (query, path) => {
      expectProblem(await api.get(`/shipments?${query}`), 400, path);
    });

    it('refuses a cursor made for another sort order', async () => {
      const cursor = await cursorFor('sort=-createdAt');
      expect(cursor).toEqual(expect.any(String));
      expectProblem(
        await api.get(`/shipments?sort=createdAt&cursor=${encodeURIComponent(cursor)}`),
        400,
        'cursor',
      );
    });

    it('accepts limit 1 and 200', async () => {
      expect((await api.get('/shipments?limit=1')).body.data).toHaveLength(1);
      expect((await api.get('/shipments?limit=200')).status).toBe(200);
    });

    describe('organization scope', () => {
      it('shows a partner only the shipments that involve its organization', async () => {
        const partnerApi = api.as(await issueToken(api, 'partner', b.id));
        const rows = await walk('', partnerApi);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect([
            row.donor.id,
            row.recipient.id,
            ...row.partners.map((p: { id: string }) => p.id),
          ]).toContain(b.id);
        }
        expect(sorted(rows.map((row) => row.id).filter((id) => mine().includes(id)))).toEqual(
          sorted([s1.id, s3.id]),
        );
        expect(await walk(`organizationId=${d.id}&donorId=${a.id}`, partnerApi)).toEqual([]);

        expect((await partnerApi.get(`/shipments/${s1.id}`)).status).toBe(200);
        expect((await partnerApi.get(`/shipments/${s1.reference}`)).status).toBe(200);
        const hidden = await partnerApi.get(`/shipments/${s2.id}`);
        expectProblem(hidden, 404);
        expectProblem(await partnerApi.get(`/shipments/${s2.reference}`), 404);
        // Indistinguishable from a shipment that does not exist.
        const absent = await partnerApi.get('/shipments/0b0b0b0b-0000-4000-8000-000000000000');
        expect({ ...hidden.body, requestId: null }).toEqual({ ...absent.body, requestId: null });
      });

      it('lets a partner see shipments in which it is a partner', async () => {
        const partnerApi = api.as(await issueToken(api, 'partner', c.id));
        expect(
          sorted((await walk('', partnerApi)).map((row) => row.id).filter((id) => mine().includes(id))),
        ).toEqual(sorted([s1.id, s4.id]));
        expect((await partnerApi.get(`/shipments/${s1.id}`)).status).toBe(200);
        expectProblem(await partnerApi.get(`/shipments/${s3.id}`), 404);
      });

      it('lets an auditor read every shipment but change none', async () => {
        const auditor = api.as(await issueToken(api, 'auditor'));
        expect((await auditor.get(`/shipments/${s3.id}`)).status).toBe(200);
        expect(
          sorted((await walk('', auditor)).map((row) => row.id).filter((id) => mine().includes(id))),
        ).toEqual(sorted(mine()));
        await expectRefused(() => auditor.post('/shipments', seedShipmentBody(a.id, b.id)), 403);
        await expectRefused(
          () => auditor.patch(`/shipments/${s1.id}`, { title: 'Audited' }, ifMatch(s1.version)),
          403,
        );
      });

      it('forbids partners to create or edit shipments', async () => {
        const partnerApi = api.as(await issueToken(api, 'partner', b.id));
        await expectRefused(() => partnerApi.post('/shipments', seedShipmentBody(a.id, b.id)), 403);
        await expectRefused(
          () => partnerApi.patch(`/shipments/${s1.id}`, { title: 'Partner edit' }, ifMatch(s1.version)),
          403,
        );
      });

      it('confines a coordinator with an organization to shipments that involve it', async () => {
        const coordinator = api.as(await issueToken(api, 'coordinator', a.id));
        await expectRefused(() => coordinator.post('/shipments', seedShipmentBody(d.id, b.id)), 403);
        const created = await coordinator.post(
          '/shipments',
          seedShipmentBody(d.id, b.id, { partnerIds: [a.id] }),
        );
        expect(created.status).toBe(201);

        expectProblem(await coordinator.get(`/shipments/${s3.id}`), 404);
        await expectRefused(
          () => coordinator.patch(`/shipments/${s3.id}`, { title: 'Not mine' }, ifMatch(s3.version)),
          404,
        );
        // Nor may it move one of its own shipments out of its reach.
        await expectRefused(
          () => coordinator.patch(`/shipments/${created.body.id}`, { partnerIds: [] }, ifMatch(1)),
          403,
        );
        const rows = await walk('', coordinator);
        for (const row of rows) {
          expect([
            row.donor.id,
            row.recipient.id,
            ...row.partners.map((p: { id: string }) => p.id),
          ]).toContain(a.id);
        }
        expect(sorted(rows.map((row) => row.id).filter((id) => mine().includes(id)))).toEqual(
          sorted([s1.id, s2.id, s4.id]),
        );

        const edited = await coordinator.patch(
          `/shipments/${created.body.id}`,
          { title: 'Coordinated' },
          ifMatch(1),
        );
        expect(edited.status).toBe(200);
        const [entry] = (await auditEntries(created.body.id)).filter((e) => e.action === 'shipment.updated');
        expect(entry.actor).toMatchObject({ role: 'coordinator', organizationId: a.id });
      });
    });
  });

  describe('Idempotency-Key', () => {
    const key = () => `shipment-${unique()}`;
    const withKey = (value: string) => ({ headers: { 'idempotency-key': value } });

    it('replays the first response for the same key and body, and creates one shipment', async () => {
      const idempotencyKey = key();
      const body = seedShipmentBody(donor.id, recipient.id);
      const before = await counts();
      const first = await api.post('/shipments', body, withKey(idempotencyKey));
      expect(first.status).toBe(201);
      const again = await api.post('/shipments', body, withKey(idempotencyKey));
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await counts()).toEqual({
        ...before,
        shipment: before.shipment + 1,
        shipment_item: before.shipment_item + body.items.length,
        audit_entry: before.audit_entry + 1,
      });

      await expectRefused(
        () => api.post('/shipments', { ...body, title: 'Another title' }, withKey(idempotencyKey)),
        422,
      );

      // Keys belong to the token that sent them.
      const otherToken = api.as(await issueToken(api, 'coordinator'));
      const other = await otherToken.post('/shipments', body, withKey(idempotencyKey));
      expect(other.status).toBe(201);
      expect(other.body.id).not.toBe(first.body.id);
    });

    it('creates exactly one shipment when requests with one key race', async () => {
      const idempotencyKey = key();
      const body = seedShipmentBody(donor.id, recipient.id, { title: `Race ${idempotencyKey}` });
      const before = await counts();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => api.post('/shipments', body, withKey(idempotencyKey))),
      );
      const statuses = responses.map((response) => response.status);
      for (const status of statuses) expect([201, 409]).toContain(status);
      const created = responses.filter((response) => response.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const response of created) expect(response.body).toEqual(created[0].body);
      for (const response of responses.filter((r) => r.status === 409)) expectProblem(response, 409);
      expect(await counts()).toEqual({
        ...before,
        shipment: before.shipment + 1,
        shipment_item: before.shipment_item + body.items.length,
        audit_entry: before.audit_entry + 1,
      });
      const { rows } = await service.db.query('SELECT id::text FROM shipment WHERE title = $1', [body.title]);
      expect(rows).toEqual([{ id: created[0].body.id }]);
      const later = await api.post('/shipments', body, withKey(idempotencyKey));
      expect(later.status).toBe(201);
      expect(later.body).toEqual(created[0].body);
    });
  });

  describe('audit', () => {
    it('writes exactly one shipment.created entry whose after is the served body', async () => {
      const before = await counts();
      const response = await api.post(
        '/shipments',
        seedShipmentBody(donor.id, recipient.id, { partnerIds: [partner.id] }),
      );
      expect(response.status).toBe(201);
      expect((await counts()).audit_entry).toBe(before.audit_entry + 1);
      const entries = await auditEntries(response.body.id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ action: 'shipment.created', before: null });
      expect(entries[0].after).toEqual(response.body);
      expect(entries[0].actor).toMatchObject({ role: 'admin' });
      const { rows } = await service.db.query(`SELECT entity_type FROM audit_entry WHERE entity_id = $1`, [
        response.body.id,
      ]);
      expect(rows).toEqual([{ entity_type: 'shipment' }]);
    });

    it('writes exactly one shipment.updated entry per edit, before and after as served', async () => {
      const created = await createShipment(api, donor.id, recipient.id);
      const first = await api.patch(`/shipments/${created.id}`, { title: 'First edit' }, ifMatch(1));
      const second = await api.patch(
        `/shipments/${created.id}`,
        {
          items: [
            {
              description: 'Syringes',
              category: 'medical_consumables',
              quantity: '1000',
              unit: 'each',
              expiryDate: '2020-12-01',
            },
          ],
        },
        ifMatch(2),
      );
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body.warnings).toEqual([expect.objectContaining({ path: 'items[0].expiryDate' })]);
      const entries = await auditEntries(created.id);
      expect(entries.map((entry) => entry.action)).toEqual([
        'shipment.created',
        'shipment.updated',
        'shipment.updated',
      ]);
      expect(entries[1].before).toEqual(created);
      expect(entries[1].after).toEqual(first.body);
      expect(entries[2].before).toEqual(first.body);
      expect(entries[2].after).toEqual(second.body);
    });
  });
});

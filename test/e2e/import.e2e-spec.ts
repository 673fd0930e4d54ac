import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { allEntries } from '../support/audit-log';
import { createOrganization, issueToken, seedParties, seedShipmentBody as seedShipmentBodyFor } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

const HEADER = [
  'shipmentKey', 'reference', 'title', 'donorId', 'recipientId', 'originCountry', 'originLocation', 'destinationCountry',
  'destinationLocation', 'transportMode', 'emergency', 'priority', 'plannedDispatchDate', 'expectedArrivalDate', 'lineNo',
  'description', 'category', 'quantity', 'unit', 'unitValue', 'currency', 'itemCode', 'batchNumber', 'expiryDate', 'weightKg', 'volumeM3',
];
type Row = Partial<Record<(typeof HEADER)[number], string>>;

const tag = () => randomBytes(3).toString('hex');
const csv = (rows: Row[], header = HEADER) => stringify([header, ...rows.map((row) => header.map((column) => row[column] ?? ''))]);

describe('POST /shipments/import (CSV manifest)', () => {
  let service: TestService;
  let admin: Api;
  let donor: { id: string; name: string };
  let recipient: { id: string; name: string };

  const importCsv = (text: string, options: { api?: Api; key?: string; contentType?: string } = {}): Promise<ApiResponse> =>
    (options.api ?? admin).post('/shipments/import', undefined, {
      rawBody: text,
      headers: { 'content-type': options.contentType ?? 'text/csv', ...(options.key ? { 'idempotency-key': options.key } : {}) },
    });
  const counts = async () => {
    const { rows } = await service.db.query(
      `SELECT (SELECT count(*) FROM shipment)::int AS shipments, (SELECT count(*) FROM shipment_item)::int AS lines,
              (SELECT count(*) FROM audit_entry)::int AS entries`,
    );
    return rows[0];
  };

  /** The seed case: Azerbaijan's COVID-19 assistance to Ukraine by rail, and a second shipment. */
  const seedManifest = (reference = `AZ-UA-${tag()}`): Row[] => {
    const shipment = {
      shipmentKey: 'rail-1', reference, title: "COVID-19 assistance to the Ministry of Health of Ukraine", donorId: donor.id,
      recipientId: recipient.id, originCountry: 'AZ', originLocation: 'Baku', destinationCountry: 'UA', destinationLocation: 'Kyiv',
      transportMode: 'rail', emergency: 'COVID-19', priority: 'urgent', plannedDispatchDate: '2020-06-10', expectedArrivalDate: '2020-06-20',
    };
    return [
      { ...shipment, lineNo: '1', description: 'Medical masks', category: 'ppe', quantity: '500000', unit: 'each', unitValue: '0.10', currency: 'USD' },
      { ...shipment, lineNo: '2', description: 'Protective suits, "Tyvek", size L', category: 'ppe', quantity: '10000', unit: 'each', unitValue: '0.20', currency: 'USD', weightKg: '2500.5' },
      { ...shipment, lineNo: '3', description: 'PCR test kits\nЗасоби діагностики', category: 'laboratory', quantity: '200', unit: 'kit', unitValue: '450.00', currency: 'USD', batchNumber: 'PCR-2020-0519', expiryDate: '2021-11-30' },
      { ...shipment, lineNo: '4', description: 'Dezinfeksiya məhlulu (disinfectant)', category: 'wash', quantity: '3000.5', unit: 'litre', unitValue: '2.20', currency: 'EUR' },
      { shipmentKey: 'road-2', donorId: donor.id, recipientId: recipient.id, originCountry: 'AZ', destinationCountry: 'UA', description: 'Gloves', category: 'ppe', quantity: '1', unit: 'box', unitValue: '0.10', currency: 'USD' },
      { shipmentKey: 'road-2', donorId: donor.id, recipientId: recipient.id, originCountry: 'AZ', destinationCountry: 'UA', description: 'More gloves', category: 'ppe', quantity: '1', unit: 'box', unitValue: '0.20', currency: 'USD' },
    ];
  };

  beforeAll(async () => {
    service = await startService();
    admin = new Api(service.baseUrl, service.adminToken);
    ({ donor, recipient } = await seedParties(admin));
  });
  afterAll(() => service?.stop());

  it('imports every shipment of a manifest, lines and decimals as written, each audited once', async () => {
    const reference = `AZ-UA-${tag()}`;
    const response = await importCsv(`\uFEFF${csv(seedManifest(reference))}`);
    expect(response.status).toBe(201);
    expect(response.body.created).toBe(2);
    expect(response.body.shipments).toHaveLength(2);
    expect(response.body.shipments[0].reference).toBe(reference);

    const rail = (await admin.get(`/shipments/${reference}`)).body;
    expect(rail).toMatchObject({ donor: { id: donor.id }, recipient: { id: recipient.id }, transportMode: 'rail', emergency: 'COVID-19', status: 'planned' });
    expect(rail.items.map((item: { lineNo: number; description: string; quantity: string }) => [item.lineNo, item.description, item.quantity])).toEqual([
      [1, 'Medical masks', '500000'],
      [2, 'Protective suits, "Tyvek", size L', '10000'],
      [3, 'PCR test kits\nЗасоби діагностики', '200'],
      [4, 'Dezinfeksiya məhlulu (disinfectant)', '3000.5'],
    ]);
    expect(rail.items[2]).toMatchObject({ batchNumber: 'PCR-2020-0519', expiryDate: '2021-11-30' });
    const road = (await admin.get(`/shipments/${response.body.shipments[1].id}`)).body;
    expect(road.reference).toMatch(/^SHP-\d{4}-\d{6,}$/);
    expect(road.totals.declaredValue).toEqual([{ currency: 'USD', amount: '0.30' }]);

    for (const { id } of response.body.shipments) {
      const entries = await allEntries(admin, `&entityId=${id}`);
      expect(entries.map((entry) => entry.action)).toEqual(['shipment.created']);
      expect(entries[0].after).toEqual((await admin.get(`/shipments/${id}`)).body);
    }
  });

  it('reports every bad row and column at once and stores nothing', async () => {
    const before = await counts();
    const rows = seedManifest();
    rows[0].quantity = '-5'; // row 2
    rows[1].category = 'weapons'; // row 3
    rows[2].title = 'Another title'; // row 4: disagrees with row 2
    rows[3].description = ''; // row 5
    rows[4].destinationCountry = 'XX'; // row 6 (first row of road-2)
    rows[5].destinationCountry = 'XX';
    rows[5].quantity = '1.5.5'; // row 7
    rows.push({ ...rows[4], shipmentKey: 'ghost-3', donorId: '00000000-0000-4000-8000-000000000000', destinationCountry: 'UA', quantity: '1' }); // row 8
    const response = await importCsv(csv(rows));
    expectProblem(response, 400);
    const errors = response.body.errors as Array<{ row: number; column: string; message: string }>;
    const places = errors.map(({ row, column }) => `${row}:${column}`);
    expect(places).toEqual(
      expect.arrayContaining(['2:quantity', '3:category', '4:title', '5:description', '6:destinationCountry', '7:quantity', '8:donorId']),
    );
    expect(errors.every((error) => typeof error.message === 'string' && error.message.length > 0)).toBe(true);
    expect(response.body.detail).toMatch(/nothing was imported/);
    expect(await counts()).toEqual(before);
  });

  it('applies the party and date rules of POST /shipments, row by row', async () => {
    const before = await counts();
    const [line] = seedManifest().slice(4, 5);
    const rows: Row[] = [
      { ...line, shipmentKey: 'same-party', recipientId: donor.id }, // row 2
      { ...line, shipmentKey: 'late', plannedDispatchDate: '2020-06-20', expectedArrivalDate: '2020-06-10' }, // row 3
    ];
    const response = await importCsv(csv(rows));
    expectProblem(response, 400);
    expect(response.body.errors).toEqual([
      { row: 2, column: 'recipientId', message: 'must differ from donorId' },
      { row: 3, column: 'expectedArrivalDate', message: 'must not be before plannedDispatchDate' },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses unknown and missing columns, an empty manifest, invalid CSV and invalid UTF-8', async () => {
    const before = await counts();
    const unknown = await importCsv(csv(seedManifest(), [...HEADER, 'colour']));
    expectProblem(unknown, 400);
    expect(unknown.body.errors).toEqual([{ row: 1, column: 'colour', message: 'is not a manifest column' }]);

    const missing = await importCsv(csv(seedManifest(), HEADER.filter((column) => column !== 'quantity')));
    expectProblem(missing, 400);
    expect(missing.body.errors).toEqual([{ row: 1, column: 'quantity', message: 'is a required column and is missing' }]);

    for (const empty of ['', `${HEADER.join(',')}\n`]) {
      const response = await importCsv(empty);
      expectProblem(response, 400);
      expect(response.body.errors[0].message).toMatch(/empty|no line items/);
    }
    const unterminated = await importCsv(`${HEADER.join(',')}\nrail-1,"unterminated`);
    expectProblem(unterminated, 400);
    expect(unterminated.body.errors[0].message).toMatch(/not valid CSV/);

    const invalidUtf8 = await fetch(`${service.baseUrl}/api/v1/shipments/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${service.adminToken}`, 'content-type': 'text/csv' },
      body: Buffer.concat([Buffer.from(csv(seedManifest()).replace('Medical masks', 'Medical masks ')), Buffer.from([0xc3, 0x28])]),
    });
    expect(invalidUtf8.status).toBe(400);
    expect(invalidUtf8.headers.get('content-type')).toContain('application/problem+json');
    expect(await counts()).toEqual(before);
  });

  it('refuses a JSON body with 415 and callers other than admins and coordinators with 403', async () => {
    const partner = admin.as(await issueToken(admin, 'partner', donor.id));
    const auditor = admin.as(await issueToken(admin, 'auditor'));
    const before = await counts();
    expectProblem(await admin.post('/shipments/import', { rows: [] }), 415);
    expectProblem(await admin.post('/shipments/import', csv(seedManifest())), 415); // a JSON string holding CSV
    for (const caller of [partner, auditor]) expectProblem(await importCsv(csv(seedManifest()), { api: caller }), 403);
    expect(await counts()).toEqual(before);
  });

  it('lets a coordinator of an organization import only shipments that involve it', async () => {
    const elsewhere = await createOrganization(admin);
    const coordinator = admin.as(await issueToken(admin, 'coordinator', elsewhere.id));
    const before = await counts();
    const response = await importCsv(csv(seedManifest()), { api: coordinator });
    expectProblem(response, 400);
    expect(response.body.errors.map((error: { row: number; column: string }) => `${error.row}:${error.column}`)).toEqual(['2:donorId', '6:donorId']);
    expect(await counts()).toEqual(before);
  });

  it('refuses a reference that exists or repeats in the manifest', async () => {
    const reference = `DUP-${tag()}`;
    expect((await importCsv(csv(seedManifest(reference)))).status).toBe(201);
    const before = await counts();
    const again = await importCsv(csv(seedManifest(reference)));
    expectProblem(again, 400);
    expect(again.body.errors).toEqual([{ row: 2, column: 'reference', message: 'another shipment already has this reference' }]);
    const twice = seedManifest(`TWICE-${tag()}`);
    twice[4].reference = twice[0].reference;
    twice[5].reference = twice[0].reference;
    const repeated = await importCsv(csv(twice));
    expectProblem(repeated, 400);
    expect(repeated.body.errors).toEqual([{ row: 6, column: 'reference', message: 'is also the reference of row 2' }]);
    expect(await counts()).toEqual(before);
  });

  it('keeps the words of its own routes out of references', async () => {
    for (const reference of ['export', 'import']) {
      const response = await admin.post('/shipments', { ...seedShipmentBodyFor(donor.id, recipient.id), reference });
      expectProblem(response, 400);
      expect(response.body.errors).toEqual([{ path: 'reference', message: expect.stringContaining('"export" or "import"') }]);
    }
  });

  it('replays an Idempotency-Key retry without importing twice, and refuses the key for another manifest', async () => {
    const key = `import-${tag()}`;
    const text = csv(seedManifest());
    const first = await importCsv(text, { key });
    expect(first.status).toBe(201);
    const before = await counts();
    const retry = await importCsv(text, { key });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await counts()).toEqual(before);
    const other = await importCsv(csv(seedManifest()), { key });
    expect(other.status).toBe(422);
    expect(await counts()).toEqual(before);
  });

  it('reads back its own export: neutralised formulas, export-only columns ignored, an HXL row skipped', async () => {
    const rows = seedManifest(`RT-${tag()}`);
    rows[0].description = "'=HYPERLINK(\"http://evil\")"; // as the export writes a formula-like cell
    const header = [...HEADER, 'donorName', 'status', 'quantityReceived', 'createdAt'];
    const hxl = header.map((column) => (column === 'description' ? '#item+name' : column === 'shipmentKey' ? '#meta+id' : ''));
    const text = stringify([header, hxl, ...rows.map((row) => header.map((column) => row[column] ?? (column === 'status' ? 'received' : '')))]);
    const response = await importCsv(text);
    expect(response.status).toBe(201);
    const imported = (await admin.get(`/shipments/${response.body.shipments[0].id}`)).body;
    expect(imported.status).toBe('planned');
    expect(imported.items[0].description).toBe('=HYPERLINK("http://evil")');
    expect(parse(text)[1][HEADER.indexOf('description')]).toBe('#item+name');
  });

  it('imports a 10,000-line manifest in one request', async () => {
    const rows: Row[] = [];
    const run = tag();
    for (let shipment = 0; shipment < 100; shipment++) {
      for (let line = 1; line <= 100; line++) {
        rows.push({
          shipmentKey: `bulk-${shipment}`, reference: `BULK-${run}-${shipment}`, donorId: donor.id, recipientId: recipient.id,
          originCountry: 'AZ', destinationCountry: 'UA', lineNo: String(line), description: `Relief item ${line}`,
          category: 'food', quantity: `${line}.25`, unit: 'kg', unitValue: '0.10', currency: 'USD',
        });
      }
    }
    const before = await counts();
    const response = await importCsv(csv(rows));
    expect(response.status).toBe(201);
    expect(response.body.created).toBe(100);
    const after = await counts();
    expect(after.shipments - before.shipments).toBe(100);
    expect(after.lines - before.lines).toBe(10_000);
    const { rows: [sum] } = await service.db.query(
      `SELECT sum(i.quantity)::text AS total FROM shipment_item i JOIN shipment s ON s.id = i.shipment_id WHERE s.reference LIKE $1`,
      [`BULK-${run}-%`],
    );
    expect(sum.total).toBe(String(100 * (5050 + 0.25 * 100)) + '.00');
  });
});

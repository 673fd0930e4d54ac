import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Api } from '../support/http';
import { createOrganization, issueToken, seedShipmentBody } from '../support/builders';
import { expectFieldError, expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

/**
 * GET /reports/summary: every grouping against totals computed by hand from a small ledger (three
 * shipments, two donors, two currencies, four units, three categories, two destination countries, two
 * months, three statuses), the shipment filters, and organization scope. Amounts are exact decimal
 * strings with PostgreSQL numeric scales (0.10 + 0.20 = "0.30"), per currency and per unit, never mixed.
 */
const unique = () => randomBytes(3).toString('hex');

interface Row {
  key: string;
  label: string;
  shipments: number;
  lines: number;
  declaredValue: Array<{ currency: string; amount: string }>;
  quantities: Array<{ unit: string; quantity: string }>;
}

describe('summary report', () => {
  let service: TestService;
  let api: Api;
  const org: Record<
    'azerbaijan' | 'turkiye' | 'ukraine' | 'moldova' | 'who' | 'bystander',
    { id: string; name: string }
  > = {} as never;
  const shipment: Record<'s1' | 's2' | 's3', { id: string; reference: string }> = {} as never;

  const line = (category: string, quantity: string, unit: string, unitValue?: string, currency?: string) => ({
    description: `${category} ${quantity} ${unit}`,
    category,
    quantity,
    unit,
    ...(unitValue ? { unitValue, currency } : {}),
  });

  const report = async (query: string, as: Api = api): Promise<Row[]> => {
    const response = await as.get(`/reports/summary?${query}`);
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
    expect(response.body.groupBy).toBe(new URLSearchParams(query).get('groupBy'));
    return response.body.rows;
  };
  const byKey = (rows: Row[]) => Object.fromEntries(rows.map((row) => [row.key, row]));

  beforeAll(async () => {
    service = await startService();
    api = new Api(service.baseUrl, service.adminToken);
    org.azerbaijan = await createOrganization(api, {
      name: `Azərbaycan Respublikası ${unique()}`,
      type: 'government',
      countryCode: 'AZ',
    });
    org.turkiye = await createOrganization(api, {
      name: `AFAD ${unique()}`,
      type: 'government',
      countryCode: 'TR',
    });
    org.ukraine = await createOrganization(api, {
      name: `Міністерство охорони здоров'я України ${unique()}`,
      type: 'government',
      countryCode: 'UA',
    });
    org.moldova = await createOrganization(api, {
      name: `Ministry of Health of Moldova ${unique()}`,
      type: 'government',
      countryCode: 'MD',
    });
    org.who = await createOrganization(api, {
      name: `World Health Organization ${unique()}`,
      type: 'multilateral',
    });
    org.bystander = await createOrganization(api, { name: `Bystander NGO ${unique()}` });

    const create = async (body: Record<string, unknown>) => {
      const response = await api.post('/shipments', body);
      if (response.status !== 201) throw new Error(`${response.status} ${response.text}`);
      return response.body as { id: string; reference: string };
    };
    // S1: Azerbaijan → Ukraine, June 2020, planned.
    shipment.s1 = await create(
      seedShipmentBody(org.azerbaijan.id, org.ukraine.id, {
        items: [
          line('ppe', '3', 'each', '0.10', 'USD'),
          line('ppe', '2', 'box', '0.20', 'USD'),
          line('wash', '1.5', 'litre', '2.20', 'EUR'),
        ],
      }),
    );
    // S2: Azerbaijan → Moldova, July 2020, dispatched; one line without a value.
    shipment.s2 = await create(
      seedShipmentBody(org.azerbaijan.id, org.moldova.id, {
        destination: { countryCode: 'MD', location: 'Chișinău' },
        items: [line('ppe', '10', 'each', '12.50', 'USD'), line('laboratory', '1', 'kit')],
      }),
    );
    // S3: Türkiye → Ukraine with WHO as partner, July 2020, cancelled.
    shipment.s3 = await create(
      seedShipmentBody(org.turkiye.id, org.ukraine.id, {
        partnerIds: [org.who.id],
        origin: { countryCode: 'TR', location: 'Ankara' },
        items: [
          line('wash', '1', 'litre', '0.10', 'EUR'),
          line('wash', '1', 'litre', '0.20', 'EUR'),
          line('ppe', '0.5', 'box', '4', 'USD'),
        ],
      }),
    );
    for (const [id, type] of [
      [shipment.s2.id, 'dispatched'],
      [shipment.s3.id, 'cancelled'],
    ]) {
      const response = await api.post(`/shipments/${id}/events`, { type });
      if (response.status !== 201) throw new Error(`${response.status} ${response.text}`);
    }
    // Creation months are the ledger's clock; the report's months are tested on back-dated rows.
    await service.db.query(
      `UPDATE shipment SET created_at = v.at::timestamptz
         FROM (VALUES ($1::uuid, '2020-06-30T23:59:59Z'), ($2::uuid, '2020-07-01T00:00:00Z'), ($3::uuid, '2020-07-20T12:00:00Z')) AS v(id, at)
        WHERE shipment.id = v.id`,
      [shipment.s1.id, shipment.s2.id, shipment.s3.id],
    );
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('groups by donor: shipments, lines, value per currency and quantity per unit', async () => {
    const rows = await report('groupBy=donor');
    expect(rows).toEqual(
      [
        {
          key: org.turkiye.id,
          label: org.turkiye.name,
          shipments: 1,
          lines: 3,
          declaredValue: [
            { currency: 'EUR', amount: '0.30' },
            { currency: 'USD', amount: '2.0' },
          ],
          quantities: [
            { unit: 'box', quantity: '0.5' },
            { unit: 'litre', quantity: '2' },
          ],
        },
        {
          key: org.azerbaijan.id,
          label: org.azerbaijan.name,
          shipments: 2,
          lines: 5,
          declaredValue: [
            { currency: 'EUR', amount: '3.300' },
            { currency: 'USD', amount: '125.70' },
          ],
          quantities: [
            { unit: 'box', quantity: '2' },
            { unit: 'each', quantity: '13' },
            { unit: 'kit', quantity: '1' },
            { unit: 'litre', quantity: '1.5' },
          ],
        },
      ].sort((a, b) => (a.label < b.label ? -1 : 1)),
    );
  });

  it('groups by recipient, labelled with the organization name (Cyrillic intact)', async () => {
    const rows = byKey(await report('groupBy=recipient'));
    expect(Object.keys(rows).sort()).toEqual([org.ukraine.id, org.moldova.id].sort());
    expect(rows[org.ukraine.id]).toEqual({
      key: org.ukraine.id,
      label: org.ukraine.name,
      shipments: 2,
      lines: 6,
      declaredValue: [
        { currency: 'EUR', amount: '3.600' },
        { currency: 'USD', amount: '2.70' },
      ],
      quantities: [
        { unit: 'box', quantity: '2.5' },
        { unit: 'each', quantity: '3' },
        { unit: 'litre', quantity: '3.5' },
      ],
    });
    expect(rows[org.moldova.id]).toEqual({
      key: org.moldova.id,
      label: org.moldova.name,
      shipments: 1,
      lines: 2,
      declaredValue: [{ currency: 'USD', amount: '125.00' }],
      quantities: [
        { unit: 'each', quantity: '10' },
        { unit: 'kit', quantity: '1' },
      ],
    });
  });

  it('groups by status', async () => {
    const rows = await report('groupBy=status');
    expect(rows.map((row) => row.key)).toEqual(['cancelled', 'dispatched', 'planned']);
    const status = byKey(rows);
    expect(status.planned).toEqual({
      key: 'planned',
      label: 'planned',
      shipments: 1,
      lines: 3,
      declaredValue: [
        { currency: 'EUR', amount: '3.300' },
        { currency: 'USD', amount: '0.70' },
      ],
      quantities: [
        { unit: 'box', quantity: '2' },
        { unit: 'each', quantity: '3' },
        { unit: 'litre', quantity: '1.5' },
      ],
    });
    expect(status.dispatched).toMatchObject({
      shipments: 1,
      lines: 2,
      declaredValue: [{ currency: 'USD', amount: '125.00' }],
    });
    expect(status.cancelled).toMatchObject({
      shipments: 1,
      lines: 3,
      declaredValue: [
        { currency: 'EUR', amount: '0.30' },
        { currency: 'USD', amount: '2.0' },
      ],
    });
  });

  it("groups by category: a shipment counts in each of its categories, with that category's lines only", async () => {
    const rows = await report('groupBy=category');
    expect(rows).toEqual([
      {
        key: 'laboratory',
        label: 'laboratory',
        shipments: 1,
        lines: 1,
        declaredValue: [],
        quantities: [{ unit: 'kit', quantity: '1' }],
      },
      {
        key: 'ppe',
        label: 'ppe',
        shipments: 3,
        lines: 4,
        declaredValue: [{ currency: 'USD', amount: '127.70' }],
        quantities: [
          { unit: 'box', quantity: '2.5' },
          { unit: 'each', quantity: '13' },
        ],
      },
      {
        key: 'wash',
        label: 'wash',
        shipments: 2,
        lines: 3,
        declaredValue: [{ currency: 'EUR', amount: '3.600' }],
        quantities: [{ unit: 'litre', quantity: '3.5' }],
      },
    ]);
  });

  it('groups by destination country and by month (createdAt, UTC)', async () => {
    const countries = byKey(await report('groupBy=destinationCountry'));
    expect(Object.keys(countries).sort()).toEqual(['MD', 'UA']);
    expect(countries.UA).toMatchObject({ label: 'UA', shipments: 2, lines: 6 });
    expect(countries.MD).toMatchObject({ label: 'MD', shipments: 1, lines: 2 });

    const months = await report('groupBy=month');
    expect(months).toEqual([
      {
        key: '2020-06',
        label: '2020-06',
        shipments: 1,
        lines: 3,
        declaredValue: [
          { currency: 'EUR', amount: '3.300' },
          { currency: 'USD', amount: '0.70' },
        ],
        quantities: [
          { unit: 'box', quantity: '2' },
          { unit: 'each', quantity: '3' },
          { unit: 'litre', quantity: '1.5' },
        ],
      },
      {
        key: '2020-07',
        label: '2020-07',
        shipments: 2,
        lines: 5,
        declaredValue: [
          { currency: 'EUR', amount: '0.30' },
          { currency: 'USD', amount: '127.00' },
        ],
        quantities: [
          { unit: 'box', quantity: '0.5' },
          { unit: 'each', quantity: '10' },
          { unit: 'kit', quantity: '1' },
          { unit: 'litre', quantity: '2' },
        ],
      },
    ]);
  });

  it('applies the shipment filters before grouping', async () => {
    // status: S1 and S2 (both Azerbaijan's).
    expect(await report('groupBy=donor&status=planned,dispatched')).toEqual([
      expect.objectContaining({ key: org.azerbaijan.id, shipments: 2, lines: 5 }),
    ]);
    // category as a filter keeps whole shipments: S1 and S3, all their lines.
    const wash = byKey(await report('groupBy=donor&category=wash'));
    expect(wash[org.azerbaijan.id]).toMatchObject({
      shipments: 1,
      lines: 3,
      declaredValue: [
        { currency: 'EUR', amount: '3.300' },
        { currency: 'USD', amount: '0.70' },
      ],
    });
    expect(wash[org.turkiye.id]).toMatchObject({ shipments: 1, lines: 3 });
    expect(await report('groupBy=status&destinationCountry=md')).toEqual([
      expect.objectContaining({ key: 'dispatched', shipments: 1, lines: 2 }),
    ]);
    expect((await report('groupBy=month&createdFrom=2020-07-01')).map((row) => row.key)).toEqual(['2020-07']);
    expect((await report('groupBy=month&createdTo=2020-06-30')).map((row) => row.key)).toEqual(['2020-06']);
    expect((await report(`groupBy=status&donorId=${org.turkiye.id}`)).map((row) => row.key)).toEqual([
      'cancelled',
    ]);
    expect(
      (await report(`groupBy=donor&recipientId=${org.moldova.id}`)).map((row) => [row.key, row.lines]),
    ).toEqual([[org.azerbaijan.id, 2]]);
    expect((await report(`groupBy=status&organizationId=${org.who.id}`)).map((row) => row.key)).toEqual([
      'cancelled',
    ]);
    expect((await report('groupBy=category&originCountry=TR')).map((row) => row.key)).toEqual([
      'ppe',
      'wash',
    ]);
    expect(
      (await report(`groupBy=status&q=${encodeURIComponent(shipment.s2.reference)}`)).map((row) => row.key),
    ).toEqual(['dispatched']);
    expect(await report('groupBy=donor&emergency=ebola')).toEqual([]);
  });

  it('shows a partner and a scoped coordinator only the shipments of their organization', async () => {
    const who = api.as(await issueToken(api, 'partner', org.who.id));
    expect(await report('groupBy=donor', who)).toEqual([
      expect.objectContaining({ key: org.turkiye.id, shipments: 1, lines: 3 }),
    ]);
    expect((await report('groupBy=category', who)).map((row) => [row.key, row.shipments, row.lines])).toEqual(
      [
        ['ppe', 1, 1],
        ['wash', 1, 2],
      ],
    );
    // A filter naming another organization does not widen the scope.
    expect(await report(`groupBy=donor&donorId=${org.azerbaijan.id}`, who)).toEqual([]);

    const moldova = api.as(await issueToken(api, 'coordinator', org.moldova.id));
    expect((await report('groupBy=recipient', moldova)).map((row) => row.key)).toEqual([org.moldova.id]);
    const bystander = api.as(await issueToken(api, 'partner', org.bystander.id));
    for (const groupBy of ['donor', 'recipient', 'status', 'category', 'destinationCountry', 'month']) {
      expect(await report(`groupBy=${groupBy}`, bystander)).toEqual([]);
    }
    const auditor = api.as(await issueToken(api, 'auditor'));
    expect((await report('groupBy=donor', auditor)).length).toBe(2);
  });

  it('refuses a missing or unknown groupBy, bad filters and unknown parameters with 400 naming the field', async () => {
    expectFieldError(await api.get('/reports/summary'), 'groupBy');
    expectFieldError(await api.get('/reports/summary?groupBy=country'), 'groupBy');
    expectFieldError(await api.get('/reports/summary?groupBy=donor&status=lost,misplaced'), 'status');
    expectFieldError(await api.get('/reports/summary?groupBy=donor&donorId=42'), 'donorId');
    expectFieldError(await api.get('/reports/summary?groupBy=donor&limit=10'), 'limit');
    expectProblem(await api.get('/reports/summary?groupBy=donor', { token: null }), 401);
  });

  it('is cancelled by the server past REPORT_TIMEOUT_MS: 503 database-busy, and nothing left running', async () => {
    const sibling = await service.startSibling({ REPORT_TIMEOUT_MS: '500' });
    // A migration-like lock held by another session keeps the report waiting past its 500 ms.
    const blocker = new Client({ connectionString: service.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE shipment_item IN ACCESS EXCLUSIVE MODE');
    try {
      const response = await fetch(`${sibling.baseUrl}/api/v1/reports/summary?groupBy=category`, {
        headers: { authorization: `Bearer ${service.adminToken}` },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ type: expect.stringMatching(/database-busy$/), status: 503 });
      const { rows } = await service.db.query(
        `SELECT count(*)::int AS running FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND query LIKE '%WITH line AS MATERIALIZED%'
            AND pid <> pg_backend_pid()`,
      );
      expect(rows[0].running).toBe(0);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
      await sibling.stop();
    }
    // The same report within the default timeout answers.
    expect((await api.get('/reports/summary?groupBy=category')).status).toBe(200);
  });

  it('is documented in /docs-json, with the export as text/csv (or IATI XML)', async () => {
    const document = (await api.get('/docs-json')).body;
    const summary = document.paths['/api/v1/reports/summary'].get;
    const parameters = summary.parameters.map((parameter: { name: string }) => parameter.name);
    expect(parameters).toEqual(
      expect.arrayContaining(['groupBy', 'status', 'donorId', 'category', 'createdFrom']),
    );
    expect(summary.responses['200'].content['application/json'].schema).toBeDefined();
    const exportRoute = document.paths['/api/v1/shipments/export'].get;
    expect(Object.keys(exportRoute.responses['200'].content)).toEqual(['text/csv', 'application/xml']);
    expect(exportRoute.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['format', 'status', 'q']),
    );
  });
});

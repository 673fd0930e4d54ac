import createClient from 'openapi-fetch';
import { randomUUID } from 'node:crypto';
import type { paths } from '../typed-client/openapi';
import { startService, TestService } from '../support/service';

/**
 * The README's worked example, run by a client generated from openapi.json (openapi-typescript types,
 * openapi-fetch): what an integrator would write. It type-checks under `npm run typecheck` without a
 * cast, so the document is enough to use the API; and it runs against the real service.
 */
describe('a client typed from openapi.json runs the worked example', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService();
  });
  afterAll(() => service?.stop());

  /** A client for one bearer token. `status` is a comma list in one parameter, as the document says. */
  const clientFor = (token: string) =>
    createClient<paths>({
      baseUrl: service.baseUrl,
      headers: { Authorization: `Bearer ${token}` },
      querySerializer: { array: { style: 'form', explode: false } },
    });

  it('records the COVID-19 assistance from Azerbaijan to Ukraine, its journey and its receipt', async () => {
    const admin = clientFor(service.adminToken);
    const run = randomUUID().slice(0, 8);

    // 1. The donor and the recipient
    const donor = await admin.POST('/api/v1/organizations', {
      body: { name: `Republic of Azerbaijan ${run}`, type: 'government', countryCode: 'AZ' },
    });
    const recipient = await admin.POST('/api/v1/organizations', {
      body: { name: `Ministry of Health of Ukraine ${run}`, type: 'government', countryCode: 'UA' },
    });
    if (!donor.data || !recipient.data) throw new Error(`organizations not created: ${JSON.stringify(donor.error ?? recipient.error)}`);
    expect(donor.response.status).toBe(201);
    expect(recipient.data.countryCode).toBe('UA');

    // 2. A coordinator token for the logistics desk (the secret is shown only here)
    const issued = await admin.POST('/api/v1/tokens', { body: { name: 'Logistics desk', role: 'coordinator' } });
    if (!issued.data?.token) throw new Error(`token not issued: ${JSON.stringify(issued.error)}`);
    expect(issued.data.role).toBe('coordinator');
    const coordinator = clientFor(issued.data.token);
    const me = await coordinator.GET('/api/v1/me');
    expect(me.data).toEqual({ tokenId: issued.data.id, name: 'Logistics desk', role: 'coordinator', organizationId: null });

    // 3. The shipment, line by line; quantities and values are decimal strings
    const shipmentBody = {
      title: 'COVID-19 assistance to the Ministry of Health of Ukraine',
      donorId: donor.data.id,
      recipientId: recipient.data.id,
      origin: { countryCode: 'AZ', location: 'Baku' },
      destination: { countryCode: 'UA', location: 'Kyiv' },
      transportMode: 'rail',
      emergency: 'COVID-19',
      priority: 'urgent',
      plannedDispatchDate: '2020-06-10',
      expectedArrivalDate: '2020-06-20',
      items: [
        { description: 'Medical masks', category: 'ppe', quantity: '500000', unit: 'each', unitValue: '0.10', currency: 'USD' },
        { description: 'Protective suits', category: 'ppe', quantity: '10000', unit: 'each', unitValue: '12.50', currency: 'USD' },
        {
          description: 'PCR test kits',
          category: 'laboratory',
          quantity: '200',
          unit: 'kit',
          unitValue: '450.00',
          currency: 'USD',
          batchNumber: 'PCR-2020-0519',
          expiryDate: '2021-11-30',
        },
        { description: 'Disinfectant', category: 'wash', quantity: '3000', unit: 'litre', unitValue: '2.20', currency: 'EUR' },
      ],
    } satisfies paths['/api/v1/shipments']['post']['requestBody']['content']['application/json'];
    const idempotency = { header: { 'Idempotency-Key': `az-ua-2020-06-${run}` } };
    const created = await coordinator.POST('/api/v1/shipments', { params: idempotency, body: shipmentBody });
    if (!created.data) throw new Error(`shipment not created: ${JSON.stringify(created.error)}`);
    const shipment = created.data;
    expect(shipment.reference).toMatch(/^SHP-\d{4}-\d{6}$/);
    expect(shipment.status).toBe('planned');
    expect(shipment.totals.declaredValue).toEqual([
      { currency: 'EUR', amount: '6600.00' },
      { currency: 'USD', amount: '265000.00' },
    ]);
    expect(shipment.warnings).toEqual([]);
    // The same request with the same key replays the first answer instead of recording a second shipment.
    const replayed = await coordinator.POST('/api/v1/shipments', { params: idempotency, body: shipmentBody });
    expect(replayed.data?.id).toBe(shipment.id);
    expect(replayed.response.headers.get('idempotent-replayed')).toBe('true');

    // 4. The journey: dispatched in Baku, through Georgia, a customs hold, arrival
    const id = { path: { id: shipment.id } };
    const journey = [
      { type: 'dispatched', occurredAt: '2020-06-10T08:00:00Z', location: { countryCode: 'AZ', name: 'Baku' } },
      { type: 'in_transit', occurredAt: '2020-06-12T14:30:00Z', location: { countryCode: 'GE', name: 'Tbilisi' } },
      { type: 'held', occurredAt: '2020-06-14T09:00:00Z', note: 'Customs inspection at Kars', location: { countryCode: 'TR', name: 'Kars' } },
      { type: 'arrived', occurredAt: '2020-06-19T16:00:00Z', location: { countryCode: 'UA', name: 'Kyiv' } },
    ] satisfies Array<paths['/api/v1/shipments/{id}/events']['post']['requestBody']['content']['application/json']>;
    for (const event of journey) {
      const recorded = await coordinator.POST('/api/v1/shipments/{id}/events', { params: id, body: event });
      expect(recorded.data?.shipment.status).toBe(event.type);
    }

    // 5. Receipt: first part of the goods, 150 suits damaged in transit, then the rest
    const read = await coordinator.GET('/api/v1/shipments/{idOrReference}', { params: { path: { idOrReference: shipment.reference } } });
    if (!read.data) throw new Error(`shipment not read: ${JSON.stringify(read.error)}`);
    expect(read.response.headers.get('etag')).toBe(`"${read.data.version}"`);
    const [masks, suits, kits, disinfectant] = read.data.items;
    const partial = await coordinator.POST('/api/v1/shipments/{id}/events', {
      params: id,
      body: {
        type: 'partially_delivered',
        occurredAt: '2020-06-20T10:00:00Z',
        receipt: {
          receivedBy: 'Central medical warehouse, Kyiv',
          lines: [
            { itemId: masks.id, quantityReceived: '500000' },
            { itemId: suits.id, quantityReceived: '9850', quantityDamaged: '150' },
          ],
        },
      },
    });
    expect(partial.data?.shipment.status).toBe('partially_delivered');
    const final = await coordinator.POST('/api/v1/shipments/{id}/events', {
      params: id,
      body: {
        type: 'delivered',
        occurredAt: '2020-06-22T10:00:00Z',
        receipt: {
          receivedBy: 'Central medical warehouse, Kyiv',
          lines: [
            { itemId: kits.id, quantityReceived: '200' },
            { itemId: disinfectant.id, quantityReceived: '3000' },
          ],
        },
      },
    });
    expect(final.data?.shipment).toEqual({ id: shipment.id, status: 'delivered', version: shipment.version + 6 });
    const delivered = await coordinator.GET('/api/v1/shipments/{idOrReference}', { params: { path: { idOrReference: shipment.id } } });
    expect(delivered.data?.items.map((item) => [item.quantityReceived, item.quantityDamaged])).toEqual([
      ['500000', '0'],
      ['9850', '150'],
      ['200', '0'],
      ['3000', '0'],
    ]);

    // 6. The timeline, oldest first
    const timeline = await coordinator.GET('/api/v1/shipments/{id}/events', { params: id });
    expect(timeline.data?.data.map((event) => [event.type, event.occurredAt, event.actor.name])).toEqual([
      ['dispatched', '2020-06-10T08:00:00.000Z', 'Logistics desk'],
      ['in_transit', '2020-06-12T14:30:00.000Z', 'Logistics desk'],
      ['held', '2020-06-14T09:00:00.000Z', 'Logistics desk'],
      ['arrived', '2020-06-19T16:00:00.000Z', 'Logistics desk'],
      ['partially_delivered', '2020-06-20T10:00:00.000Z', 'Logistics desk'],
      ['delivered', '2020-06-22T10:00:00.000Z', 'Logistics desk'],
    ]);

    // Partners get a token scoped to their organization and see only its shipments
    const partnerToken = await admin.POST('/api/v1/tokens', {
      body: { name: 'MoH Ukraine', role: 'partner', organizationId: recipient.data.id },
    });
    if (!partnerToken.data?.token) throw new Error(`partner token not issued: ${JSON.stringify(partnerToken.error)}`);
    const partner = clientFor(partnerToken.data.token);
    const seen = await partner.GET('/api/v1/shipments', { params: { query: { status: ['delivered', 'arrived'] } } });
    expect(seen.data?.data.map((row) => [row.reference, row.status, row.lineCount])).toEqual([[shipment.reference, 'delivered', 4]]);
    const notYet = await partner.GET('/api/v1/shipments', { params: { query: { status: ['in_transit', 'held', 'arrived'] } } });
    expect(notYet.data?.data).toEqual([]);
    // A partner may not record events: the problem answer is typed too.
    const refused = await partner.POST('/api/v1/shipments/{id}/events', { params: id, body: { type: 'lost' } });
    expect(refused.error?.type).toBe('urn:aidtrail:problem:forbidden');
    expect(refused.response.status).toBe(403);
  });
});

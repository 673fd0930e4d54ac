import { randomUUID } from 'node:crypto';
import { ContractChecker } from '../support/contract';
import { Api, ApiResponse, RequestOptions } from '../support/http';
import { seedShipmentBody } from '../support/builders';
import { startService, TestService } from '../support/service';

/**
 * Real answers checked against the document the service serves (/docs-json): every operation, its
 * success and at least one of its problems. The last test fails when an operation of the document was
 * not checked here, so a new route comes with its contract check.
 */
describe('answers match the served OpenAPI document', () => {
  let service: TestService;
  let admin: Api;
  let contract: ContractChecker;
  const NUL_QUERY = '?q=%00';

  /** Calls `operation` (`METHOD /template`) with the path parameters filled in, and checks the answer. */
  async function call(
    api: Api,
    operation: string,
    params: Record<string, string> = {},
    { query = '', body, ...options }: RequestOptions & { query?: string; body?: unknown } = {},
  ): Promise<ApiResponse> {
    const [method, template] = operation.split(' ');
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]));
    const response = await api.request(method, `${path}${query}`, body, options);
    contract.check(operation, response);
    return response;
  }

  /** The same, asserting the status too. */
  async function expectAnswer(status: number, api: Api, operation: string, params: Record<string, string> = {}, options: RequestOptions & { query?: string; body?: unknown } = {}) {
    const response = await call(api, operation, params, options);
    if (response.status !== status) throw new Error(`${operation}: expected ${status}, got ${response.status}: ${response.text.slice(0, 500)}`);
    return response;
  }

  beforeAll(async () => {
    service = await startService({ WEBHOOK_ALLOW_PRIVATE: 'true' });
    admin = new Api(service.baseUrl, service.adminToken);
    const served = await admin.get('/docs-json', { token: null });
    expect(served.status).toBe(200);
    contract = new ContractChecker(served.body);
  });
  afterAll(() => service?.stop());

  let donor: string;
  let recipient: string;
  let coordinator: Api;
  let partner: Api;
  let partnerTokenId: string;
  let shipment: { id: string; reference: string; version: number; items: Array<{ id: string }> };

  it('health and metrics', async () => {
    await expectAnswer(200, admin, 'GET /health/live', {}, { token: null });
    await expectAnswer(400, admin, 'GET /health/live', {}, { token: null, query: NUL_QUERY });
    await expectAnswer(200, admin, 'GET /health/ready', {}, { token: null });
    await expectAnswer(400, admin, 'GET /health/ready', {}, { token: null, query: NUL_QUERY });
    await expectAnswer(200, admin, 'GET /metrics', {}, { token: null });
    await expectAnswer(400, admin, 'GET /metrics', {}, { token: null, query: NUL_QUERY });
  });

  it('organizations', async () => {
    const create = 'POST /api/v1/organizations';
    donor = (await expectAnswer(201, admin, create, {}, { body: { name: `Republic of Azerbaijan ${randomUUID()}`, type: 'government', countryCode: 'AZ' } })).body.id;
    const recipientName = `Ministry of Health of Ukraine ${randomUUID()}`;
    recipient = (await expectAnswer(201, admin, create, {}, { body: { name: recipientName, type: 'government', countryCode: 'UA' } })).body.id;
    await expectAnswer(409, admin, create, {}, { body: { name: recipientName, type: 'government', countryCode: 'UA' } });
    await expectAnswer(400, admin, create, {}, { body: { name: 'No type' } });
    await expectAnswer(401, admin, create, {}, { token: 'not-a-token', body: { name: 'x', type: 'ngo' } });

    await expectAnswer(200, admin, 'GET /api/v1/organizations', {}, { query: '?limit=1' });
    await expectAnswer(400, admin, 'GET /api/v1/organizations', {}, { query: '?limit=0' });
    const read = await expectAnswer(200, admin, 'GET /api/v1/organizations/{id}', { id: recipient });
    await expectAnswer(404, admin, 'GET /api/v1/organizations/{id}', { id: randomUUID() });
    await expectAnswer(200, admin, 'PATCH /api/v1/organizations/{id}', { id: recipient }, {
      body: { iatiIdentifier: 'XM-UA-MOH' },
      headers: { 'if-match': read.headers.get('etag')! },
    });
    await expectAnswer(412, admin, 'PATCH /api/v1/organizations/{id}', { id: recipient }, {
      body: { iatiIdentifier: 'XM-UA-MOH-2' },
      headers: { 'if-match': read.headers.get('etag')! },
    });
  });

  it('tokens and the caller', async () => {
    const create = 'POST /api/v1/tokens';
    const coordinatorToken = await expectAnswer(201, admin, create, {}, { body: { name: 'Logistics desk', role: 'coordinator' } });
    coordinator = admin.as(coordinatorToken.body.token);
    const partnerToken = await expectAnswer(201, admin, create, {}, { body: { name: 'MoH Ukraine', role: 'partner', organizationId: recipient } });
    partner = admin.as(partnerToken.body.token);
    partnerTokenId = partnerToken.body.id;
    await expectAnswer(422, admin, create, {}, { body: { name: 'Nobody', role: 'partner', organizationId: randomUUID() } });
    await expectAnswer(403, coordinator, create, {}, { body: { name: 'Escalation', role: 'admin' } });

    // A replay by Idempotency-Key answers without the secret: the document allows it.
    const key = { 'idempotency-key': `auditor-${randomUUID()}` };
    await expectAnswer(201, admin, create, {}, { body: { name: 'Auditor', role: 'auditor' }, headers: key });
    const replay = await expectAnswer(201, admin, create, {}, { body: { name: 'Auditor', role: 'auditor' }, headers: key });
    expect(replay.body.token).toBeUndefined();
    await expectAnswer(422, admin, create, {}, { body: { name: 'Another auditor', role: 'auditor' }, headers: key });

    await expectAnswer(200, admin, 'GET /api/v1/tokens');
    await expectAnswer(403, coordinator, 'GET /api/v1/tokens');
    await expectAnswer(200, coordinator, 'GET /api/v1/me');
    await expectAnswer(401, coordinator, 'GET /api/v1/me', {}, { token: null });
  });

  it('shipments', async () => {
    const create = 'POST /api/v1/shipments';
    const created = await expectAnswer(201, coordinator, create, {}, { body: seedShipmentBody(donor, recipient), headers: { 'idempotency-key': randomUUID() } });
    shipment = created.body;
    await expectAnswer(400, coordinator, create, {}, { body: seedShipmentBody(donor, recipient, { items: [{ description: 'Masks', category: 'ppe', quantity: '-1', unit: 'each' }] }) });
    await expectAnswer(422, coordinator, create, {}, { body: seedShipmentBody(donor, randomUUID()) });
    await expectAnswer(403, partner, create, {}, { body: seedShipmentBody(donor, recipient) });
    // Expiring test kits raise a donation warning.
    const warned = await expectAnswer(201, coordinator, create, {}, {
      body: seedShipmentBody(donor, recipient, { items: [{ description: 'PCR test kits', category: 'laboratory', quantity: '10', unit: 'kit', expiryDate: '2020-07-01' }] }),
    });
    expect(warned.body.warnings.length).toBeGreaterThan(0);

    const list = await expectAnswer(200, partner, 'GET /api/v1/shipments', {}, { query: '?limit=1' });
    expect(list.body.nextCursor).toEqual(expect.any(String));
    await expectAnswer(400, partner, 'GET /api/v1/shipments', {}, { query: '?cursor=bogus' });
    await expectAnswer(200, partner, 'GET /api/v1/shipments/{idOrReference}', { idOrReference: shipment.reference });
    await expectAnswer(404, partner, 'GET /api/v1/shipments/{idOrReference}', { idOrReference: 'SHP-1999-000001' });

    const edit = 'PATCH /api/v1/shipments/{id}';
    await expectAnswer(428, coordinator, edit, { id: shipment.id }, { body: { title: 'Edited' } });
    const edited = await expectAnswer(200, coordinator, edit, { id: shipment.id }, { body: { title: 'Edited' }, headers: { 'if-match': `"${shipment.version}"` } });
    await expectAnswer(412, coordinator, edit, { id: shipment.id }, { body: { title: 'Again' }, headers: { 'if-match': `"${shipment.version}"` } });
    shipment = edited.body;
  });

  it('the delivery lifecycle', async () => {
    const record = 'POST /api/v1/shipments/{id}/events';
    const id = { id: shipment.id };
    const dispatched = await expectAnswer(201, coordinator, record, id, {
      body: { type: 'dispatched', occurredAt: '2020-06-10T08:00:00Z', location: { countryCode: 'AZ', name: 'Baku' }, evidence: [{ kind: 'waybill', reference: 'AZ-UA-0001' }] },
    });
    await expectAnswer(409, coordinator, record, id, { body: { type: 'dispatched' } });
    const voidIt = 'POST /api/v1/shipments/{id}/events/{eventId}/void';
    await expectAnswer(201, coordinator, voidIt, { id: shipment.id, eventId: dispatched.body.event.id }, { body: { reason: 'Recorded on the wrong shipment' } });
    await expectAnswer(409, coordinator, voidIt, { id: shipment.id, eventId: dispatched.body.event.id }, { body: { reason: 'Twice' } });
    for (const [type, occurredAt] of [['dispatched', '2020-06-10T08:00:00Z'], ['in_transit', '2020-06-12T14:30:00Z'], ['held', '2020-06-14T09:00:00Z'], ['arrived', '2020-06-19T16:00:00Z']]) {
      await expectAnswer(201, coordinator, record, id, { body: { type, occurredAt, note: type === 'held' ? 'Customs inspection at Kars' : undefined } });
    }
    const [masks, suits] = shipment.items;
    await expectAnswer(422, coordinator, record, id, {
      body: { type: 'partially_delivered', occurredAt: '2020-06-20T10:00:00Z', receipt: { receivedBy: 'Warehouse', lines: [{ itemId: suits.id, quantityReceived: '10001' }] } },
    });
    await expectAnswer(201, coordinator, record, id, {
      body: {
        type: 'partially_delivered',
        occurredAt: '2020-06-20T10:00:00Z',
        receipt: { receivedBy: 'Central medical warehouse, Kyiv', lines: [{ itemId: masks.id, quantityReceived: '500000' }, { itemId: suits.id, quantityReceived: '9850', quantityDamaged: '150' }] },
      },
    });

    const timeline = await expectAnswer(200, partner, 'GET /api/v1/shipments/{id}/events', id);
    expect(timeline.body.data.length).toBeGreaterThanOrEqual(7);
    await expectAnswer(404, partner, 'GET /api/v1/shipments/{id}/events', { id: randomUUID() });
    await expectAnswer(200, admin, 'GET /api/v1/shipments/{id}/history', id);
    await expectAnswer(403, partner, 'GET /api/v1/shipments/{id}/history', id);
  });

  it('the audit trail', async () => {
    await expectAnswer(200, admin, 'GET /api/v1/audit', {}, { query: '?limit=5' });
    await expectAnswer(403, coordinator, 'GET /api/v1/audit');

    // The first checkpoint is signed once entries are sequenced (within about 2 s).
    let checkpoint: ApiResponse | undefined;
    for (let tries = 0; tries < 100; tries++) {
      checkpoint = await call(partner, 'GET /api/v1/audit/checkpoint');
      if (checkpoint.status === 200 && checkpoint.body.treeSize >= 10) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(checkpoint!.status).toBe(200);
    const treeSize: number = checkpoint!.body.treeSize;
    await expectAnswer(304, partner, 'GET /api/v1/audit/checkpoint', {}, { headers: { 'if-none-match': checkpoint!.headers.get('etag')! } });
    const withProof = await expectAnswer(200, partner, 'GET /api/v1/audit/checkpoint', {}, { query: '?since=3' });
    expect(withProof.body.consistency.from).toBe(3);
    await expectAnswer(409, partner, 'GET /api/v1/audit/checkpoint', {}, { query: `?since=${treeSize + 1000}` });

    await expectAnswer(200, partner, 'GET /api/v1/audit/public-key');
    await expectAnswer(401, partner, 'GET /api/v1/audit/public-key', {}, { token: 'aidt_unknown' });
    await expectAnswer(200, partner, 'GET /api/v1/audit/proof/inclusion', {}, { query: `?seq=2&treeSize=${treeSize}` });
    await expectAnswer(400, partner, 'GET /api/v1/audit/proof/inclusion', {}, { query: `?seq=${treeSize}&treeSize=${treeSize}` });
    await expectAnswer(200, partner, 'GET /api/v1/audit/proof/consistency', {}, { query: `?from=3&to=${treeSize}` });
    await expectAnswer(400, partner, 'GET /api/v1/audit/proof/consistency', {}, { query: '?from=x' });
    const report = await expectAnswer(200, admin, 'GET /api/v1/audit/verify');
    expect(report.body.valid).toBe(true);
    await expectAnswer(403, partner, 'GET /api/v1/audit/verify');
    const exported = await expectAnswer(200, admin, 'GET /api/v1/audit/export');
    expect(exported.text.split('\n').length).toBeGreaterThan(treeSize);
    await expectAnswer(403, coordinator, 'GET /api/v1/audit/export');
  });

  it('reports, export and import', async () => {
    const summary = await expectAnswer(200, partner, 'GET /api/v1/reports/summary', {}, { query: '?groupBy=status' });
    expect(summary.body.rows.length).toBeGreaterThan(0);
    await expectAnswer(400, partner, 'GET /api/v1/reports/summary', {}, { query: '?groupBy=colour' });
    await expectAnswer(200, partner, 'GET /api/v1/shipments/export', {}, { query: '?format=hxl' });
    await expectAnswer(400, partner, 'GET /api/v1/shipments/export', {}, { query: '?format=xlsx' });

    const importIt = 'POST /api/v1/shipments/import';
    const header = 'shipmentKey,donorId,recipientId,originCountry,destinationCountry,description,category,quantity,unit';
    const manifest = `${header}\nrail-1,${donor},${recipient},AZ,UA,Medical masks,ppe,1000,each\nrail-1,${donor},${recipient},AZ,UA,Gloves,ppe,20,box\n`;
    const imported = await expectAnswer(201, coordinator, importIt, {}, { rawBody: manifest, headers: { 'content-type': 'text/csv' } });
    expect(imported.body.created).toBe(1);
    const refused = await expectAnswer(400, coordinator, importIt, {}, { rawBody: `${header}\nrail-2,${donor},${recipient},AZ,UA,Masks,ppe,-3,each\n`, headers: { 'content-type': 'text/csv' } });
    expect(refused.body.errors[0]).toEqual(expect.objectContaining({ row: 2, message: expect.any(String) }));
    await expectAnswer(415, coordinator, importIt, {}, { body: { manifest } });
  });

  it('webhooks', async () => {
    const create = 'POST /api/v1/webhooks';
    const hook = await expectAnswer(201, partner, create, {}, { body: { url: 'http://127.0.0.1:9/aidtrail', events: ['shipment.status_changed'] } });
    await expectAnswer(400, partner, create, {}, { body: { url: 'http://127.0.0.1:9/aidtrail', events: ['shipment.eaten'] } });
    const id = { id: hook.body.id };
    await expectAnswer(200, partner, 'GET /api/v1/webhooks');
    await expectAnswer(400, partner, 'GET /api/v1/webhooks', {}, { query: '?cursor=bogus' });
    await expectAnswer(200, partner, 'GET /api/v1/webhooks/{id}', id);
    await expectAnswer(404, partner, 'GET /api/v1/webhooks/{id}', { id: randomUUID() });
    await expectAnswer(200, partner, 'PATCH /api/v1/webhooks/{id}', id, { body: { active: false } });
    await expectAnswer(400, partner, 'PATCH /api/v1/webhooks/{id}', id, { body: {} });
    await expectAnswer(200, partner, 'POST /api/v1/webhooks/{id}/rotate-secret', id);
    await expectAnswer(404, partner, 'POST /api/v1/webhooks/{id}/rotate-secret', { id: randomUUID() });
    await expectAnswer(200, partner, 'GET /api/v1/webhooks/{id}/deliveries', id);
    await expectAnswer(404, partner, 'GET /api/v1/webhooks/{id}/deliveries', { id: randomUUID() });
    await expectAnswer(204, partner, 'DELETE /api/v1/webhooks/{id}', id);
    await expectAnswer(404, partner, 'DELETE /api/v1/webhooks/{id}', id);
  });

  it('revoking a token', async () => {
    await expectAnswer(204, admin, 'DELETE /api/v1/tokens/{id}', { id: partnerTokenId });
    await expectAnswer(404, admin, 'DELETE /api/v1/tokens/{id}', { id: randomUUID() });
  });

  it('covered every operation of the document, each with a success and a problem', () => {
    expect(contract.uncovered()).toEqual({ success: [], problem: [] });
  });
});

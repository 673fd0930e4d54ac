import { randomBytes } from 'node:crypto';
import { countRows, createOrganization, issueToken, seedShipmentBody } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { expectProblem } from '../support/problems';
import { startService, TestService } from '../support/service';

const unique = () => randomBytes(4).toString('hex');

/**
 * A coordinator whose token names an organization: it edits that organization only, and a reference
 * conflict tells it nothing about shipments it cannot see.
 */
describe('organization scope of coordinators', () => {
  let service: TestService;
  let admin: Api;
  let scoped: Api;
  let ngoA: { id: string; name: string };
  let donorX: { id: string; name: string };
  let recipient: { id: string; name: string };

  beforeAll(async () => {
    service = await startService();
    admin = new Api(service.baseUrl, service.adminToken);
    ngoA = await createOrganization(admin, { name: `NGO A ${unique()}` });
    donorX = await createOrganization(admin, {
      name: `Donor X ${unique()}`,
      type: 'government',
      countryCode: 'AZ',
    });
    recipient = await createOrganization(admin, {
      name: `Recipient ${unique()}`,
      type: 'government',
      countryCode: 'UA',
    });
    scoped = admin.as(await issueToken(admin, 'coordinator', ngoA.id));
  });
  afterAll(() => service?.stop());

  it('edits its own organization, and gets 404 for any other, which stays as it was', async () => {
    const own = await scoped.patch(`/organizations/${ngoA.id}`, { name: `NGO A renamed ${unique()}` });
    expect(own.status).toBe(200);
    const entries = await countRows(service.db, 'audit_entry');
    const other = await scoped.patch(`/organizations/${donorX.id}`, { name: 'Renamed by a stranger' });
    expectProblem(other, 404);
    // The same answer as for an organization that does not exist.
    const absent = await scoped.patch('/organizations/00000000-0000-4000-8000-000000000000', { name: 'x' });
    expect({ status: other.status, type: other.body.type, detail: other.body.detail }).toEqual({
      status: absent.status,
      type: absent.body.type,
      detail: absent.body.detail,
    });
    expect((await admin.get(`/organizations/${donorX.id}`)).body.name).toBe(donorX.name);
    expect(await countRows(service.db, 'audit_entry')).toBe(entries);
    // Unscoped coordinators and admins edit any organization.
    const unscoped = admin.as(await issueToken(admin, 'coordinator'));
    expect(
      (await unscoped.patch(`/organizations/${donorX.id}`, { name: `Donor X ${unique()}` })).status,
    ).toBe(200);
  });

  it('registers new organizations (a recipient it ships to), which it then cannot edit', async () => {
    const created = await scoped.post('/organizations', { name: `Field clinic ${unique()}`, type: 'ngo' });
    expect(created.status).toBe(201);
    expectProblem(await scoped.patch(`/organizations/${created.body.id}`, { name: 'x' }), 404);
  });

  describe('reference conflicts', () => {
    let hidden: string;
    let visible: string;
    let ownShipment: { id: string; version: number };

    beforeAll(async () => {
      // One reference on a shipment the scoped coordinator cannot see, one on a shipment it can.
      hidden = `X-UA-${unique()}`;
      visible = `A-UA-${unique()}`;
      expect(
        (await admin.post('/shipments', seedShipmentBody(donorX.id, recipient.id, { reference: hidden })))
          .status,
      ).toBe(201);
      expect(
        (await scoped.post('/shipments', seedShipmentBody(ngoA.id, recipient.id, { reference: visible })))
          .status,
      ).toBe(201);
      const mine = await scoped.post('/shipments', seedShipmentBody(ngoA.id, recipient.id));
      expect(mine.status).toBe(201);
      ownShipment = mine.body;
      expect((await scoped.get(`/shipments/${hidden}`)).status).toBe(404);
    });

    const answer = (response: ApiResponse) => ({
      status: response.status,
      type: response.body.type,
      detail: response.body.detail,
      errors: (response.body.errors ?? []).map((error: { message: string; column?: string }) => ({
        ...error,
        message: error.message.replace(/row \d+/, 'row n'),
      })),
    });

    it('answers a create alike whether the holder of the reference is visible or not', async () => {
      const [a, b] = [
        await scoped.post('/shipments', seedShipmentBody(ngoA.id, recipient.id, { reference: hidden })),
        await scoped.post('/shipments', seedShipmentBody(ngoA.id, recipient.id, { reference: visible })),
      ];
      expectProblem(a, 409);
      expect(answer(a)).toEqual(answer(b));
      expect(a.text).not.toContain(donorX.id);
    });

    it('answers an edit alike whether the holder of the reference is visible or not', async () => {
      const edit = (reference: string) =>
        scoped.patch(
          `/shipments/${ownShipment.id}`,
          { reference },
          { headers: { 'if-match': `"${ownShipment.version}"` } },
        );
      const [a, b] = [await edit(hidden), await edit(visible)];
      expectProblem(a, 409);
      expect(answer(a)).toEqual(answer(b));
    });

    it('answers an import alike whether the holder of the reference is visible or not', async () => {
      const csv = (reference: string) =>
        'shipmentKey,reference,donorId,recipientId,originCountry,destinationCountry,description,category,quantity,unit\n' +
        `k1,${reference},${ngoA.id},${recipient.id},AZ,UA,Masks,ppe,10,each\n`;
      const post = (reference: string) =>
        scoped.post('/shipments/import', undefined, {
          rawBody: csv(reference),
          headers: { 'content-type': 'text/csv' },
        });
      const [a, b] = [await post(hidden), await post(visible)];
      expectProblem(a, 400);
      expect(answer(a)).toEqual(answer(b));
      expect(a.body.errors).toEqual([expect.objectContaining({ column: 'reference' })]);
    });
  });
});

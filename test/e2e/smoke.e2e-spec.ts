import { Api } from '../support/http';
import { createShipment, seedParties } from '../support/builders';
import { startService, TestService } from '../support/service';

describe('seed case end to end', () => {
  let service: TestService;
  let api: Api;
  beforeAll(async () => {
    service = await startService();
    api = new Api(service.baseUrl, service.adminToken);
  });
  afterAll(() => service?.stop());

  it('records the Azerbaijan to Ukraine shipment from organizations to delivery', async () => {
    const { donor, recipient } = await seedParties(api);
    const shipment = await createShipment(api, donor.id, recipient.id);
    expect(shipment.reference).toMatch(/^SHP-\d{4}-\d{6}$/);
    expect(shipment.totals.declaredValue).toEqual([
      { currency: 'EUR', amount: '6600.00' },
      { currency: 'USD', amount: '265000.00' },
    ]);
    for (const type of ['dispatched', 'in_transit', 'arrived']) {
      const response = await api.post(`/shipments/${shipment.id}/events`, { type, occurredAt: undefined });
      expect(response.status).toBe(201);
    }
    const receipt = {
      receivedBy: 'Central warehouse, Kyiv',
      lines: shipment.items.map((item: { id: string; quantity: string }) => ({ itemId: item.id, quantityReceived: item.quantity })),
    };
    const delivered = await api.post(`/shipments/${shipment.reference}/events`, { type: 'delivered', receipt });
    expect(delivered.status).toBe(201);
    expect(delivered.body.shipment).toEqual({ id: shipment.id, status: 'delivered', version: 5 });
  });
});

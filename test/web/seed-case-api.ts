import { randomBytes } from 'node:crypto';
import { createShipment, seedParties } from '../support/builders';
import type { Api } from '../support/http';

export interface RecordedSeedCase {
  id: string;
  reference: string;
  emergency: string;
  donor: { id: string; name: string };
  recipient: { id: string; name: string };
}

/**
 * The README's seed case recorded through the API by a coordinator (create, dispatch, transit, hold,
 * arrive, partial receipt with damaged suits, final receipt), for screens that read it rather than
 * record it. The emergency is made unique so that a report can filter on this shipment alone.
 */
export async function recordSeedCase(admin: Api, coordinator: Api): Promise<RecordedSeedCase> {
  const { donor, recipient } = await seedParties(admin);
  const emergency = `COVID-19 ${randomBytes(3).toString('hex')}`;
  const shipment = await createShipment(coordinator, donor.id, recipient.id, { emergency });
  const items = shipment.items as Array<{ id: string }>;
  const events = [
    { type: 'dispatched', occurredAt: '2020-06-10T08:00:00Z', location: { countryCode: 'AZ', name: 'Baku' } },
    {
      type: 'in_transit',
      occurredAt: '2020-06-12T14:30:00Z',
      location: { countryCode: 'GE', name: 'Tbilisi' },
    },
    {
      type: 'held',
      occurredAt: '2020-06-14T09:00:00Z',
      note: 'Customs inspection at Kars',
      location: { countryCode: 'TR', name: 'Kars' },
    },
    { type: 'arrived', occurredAt: '2020-06-19T16:00:00Z', location: { countryCode: 'UA', name: 'Kyiv' } },
    {
      type: 'partially_delivered',
      occurredAt: '2020-06-20T10:00:00Z',
      receipt: {
        receivedBy: 'Central medical warehouse, Kyiv',
        lines: [
          { itemId: items[0].id, quantityReceived: '500000' },
          { itemId: items[1].id, quantityReceived: '9850', quantityDamaged: '150' },
        ],
      },
    },
    {
      type: 'delivered',
      occurredAt: '2020-06-22T10:00:00Z',
      receipt: {
        receivedBy: 'Central medical warehouse, Kyiv',
        lines: [
          { itemId: items[2].id, quantityReceived: '200' },
          { itemId: items[3].id, quantityReceived: '3000' },
        ],
      },
    },
  ];
  for (const event of events) {
    const response = await coordinator.post(`/shipments/${shipment.id}/events`, event);
    if (response.status !== 201)
      throw new Error(`${event.type} not recorded: ${response.status} ${response.text}`);
  }
  return { id: shipment.id, reference: shipment.reference, emergency, donor, recipient };
}

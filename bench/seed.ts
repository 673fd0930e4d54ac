import { randomUUID } from 'node:crypto';
import { computeTotals } from '../src/shipments/shipment-totals';
import type { HttpClient } from './http-client';
import type { ShipmentRow } from './service-sql';

/**
 * The seed case: the Republic of Azerbaijan's COVID-19 assistance to the Ministry of Health of Ukraine,
 * June 2020, by rail from Baku to Kyiv: five lines.
 */
export interface Parties {
  donorId: string;
  recipientId: string;
}

/** Donor and recipient, created through the API (as a user would). */
export async function seedParties(api: HttpClient, adminToken: string): Promise<Parties> {
  const donor = await api.json<{ id: string }>(
    'POST',
    '/api/v1/organizations',
    adminToken,
    { name: 'Republic of Azerbaijan', type: 'government', countryCode: 'AZ' },
    201,
  );
  const recipient = await api.json<{ id: string }>(
    'POST',
    '/api/v1/organizations',
    adminToken,
    { name: 'Ministry of Health of Ukraine', type: 'government', countryCode: 'UA' },
    201,
  );
  return { donorId: donor.id, recipientId: recipient.id };
}

export interface SeedItem {
  description: string;
  category: string;
  quantity: string;
  unit: string;
  unitValue?: string;
  currency?: string;
  itemCode?: string;
  batchNumber?: string;
  expiryDate?: string;
  weightKg?: string;
  volumeM3?: string;
}

export type SeedShipment = ReturnType<typeof seedShipmentBody>;

/** The POST /api/v1/shipments body (no reference: the ledger assigns SHP-<year>-<n>). */
export function seedShipmentBody(parties: Parties) {
  const items: SeedItem[] = [
    {
      description: 'Medical masks',
      category: 'ppe',
      quantity: '500000',
      unit: 'each',
      unitValue: '0.10',
      currency: 'USD',
    },
    {
      description: 'Protective suits',
      category: 'ppe',
      quantity: '10000',
      unit: 'each',
      unitValue: '12.50',
      currency: 'USD',
      weightKg: '2500.5',
    },
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
    {
      description: 'Disinfectant',
      category: 'wash',
      quantity: '3000',
      unit: 'litre',
      unitValue: '2.20',
      currency: 'EUR',
      weightKg: '3150',
    },
    {
      description: 'Nitrile examination gloves',
      category: 'ppe',
      quantity: '1000',
      unit: 'box',
      unitValue: '7.80',
      currency: 'USD',
      itemCode: 'GLV-NIT-M-100',
      weightKg: '650',
    },
  ];
  return {
    title: 'COVID-19 assistance to the Ministry of Health of Ukraine',
    donorId: parties.donorId,
    recipientId: parties.recipientId,
    origin: { countryCode: 'AZ', location: 'Baku' },
    destination: { countryCode: 'UA', location: 'Kyiv' },
    transportMode: 'rail',
    emergency: 'COVID-19',
    priority: 'urgent',
    plannedDispatchDate: '2020-06-10',
    expectedArrivalDate: '2020-06-20',
    items,
  };
}

/**
 * The same shipment as the rows the service writes for it, for the raw SQL twin. Fresh ids each call;
 * totals computed once, as the service computes them.
 */
export function recordFactory(body: SeedShipment): () => ShipmentRow {
  const items = body.items.map((item, index) => ({
    lineNo: index + 1,
    description: item.description,
    category: item.category,
    quantity: item.quantity,
    unit: item.unit,
    unitValue: item.unitValue ?? null,
    currency: item.currency ?? null,
    itemCode: item.itemCode ?? null,
    batchNumber: item.batchNumber ?? null,
    expiryDate: item.expiryDate ?? null,
    weightKg: item.weightKg ?? null,
    volumeM3: item.volumeM3 ?? null,
  }));
  const totals = computeTotals(items);
  return () => ({
    id: randomUUID(),
    reference: null,
    title: body.title,
    donorId: body.donorId,
    recipientId: body.recipientId,
    originCountry: body.origin.countryCode,
    originLocation: body.origin.location,
    destinationCountry: body.destination.countryCode,
    destinationLocation: body.destination.location,
    transportMode: body.transportMode,
    emergency: body.emergency,
    priority: body.priority,
    plannedDispatchDate: body.plannedDispatchDate,
    expectedArrivalDate: body.expectedArrivalDate,
    totals,
    items: items.map((item) => ({ id: randomUUID(), ...item })),
  });
}

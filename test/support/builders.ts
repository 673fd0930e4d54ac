import { randomBytes } from 'node:crypto';
import type { Api } from './http';

/** Small builders for the seed case: Azerbaijan's COVID-19 assistance to Ukraine, June 2020, by rail. */
const unique = () => randomBytes(4).toString('hex');

export function organizationBody(overrides: Record<string, unknown> = {}) {
  return { name: `Organization ${unique()}`, type: 'ngo', countryCode: 'CH', ...overrides };
}

export async function createOrganization(api: Api, overrides: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const response = await api.post('/organizations', organizationBody(overrides));
  if (response.status !== 201) throw new Error(`organization not created: ${response.status} ${response.text}`);
  return response.body;
}

/** Donor and recipient of the seed case (names made unique per call so tests do not collide). */
export async function seedParties(api: Api) {
  const donor = await createOrganization(api, { name: `Republic of Azerbaijan ${unique()}`, type: 'government', countryCode: 'AZ' });
  const recipient = await createOrganization(api, {
    name: `Ministry of Health of Ukraine ${unique()}`,
    type: 'government',
    countryCode: 'UA',
  });
  return { donor, recipient };
}

export function seedShipmentBody(donorId: string, recipientId: string, overrides: Record<string, unknown> = {}) {
  return {
    title: 'COVID-19 assistance to the Ministry of Health of Ukraine',
    donorId,
    recipientId,
    origin: { countryCode: 'AZ', location: 'Baku' },
    destination: { countryCode: 'UA', location: 'Kyiv' },
    transportMode: 'rail',
    emergency: 'COVID-19',
    priority: 'urgent',
    plannedDispatchDate: '2020-06-10',
    expectedArrivalDate: '2020-06-20',
    items: [
      { description: 'Medical masks', category: 'ppe', quantity: '500000', unit: 'each', unitValue: '0.10', currency: 'USD' },
      { description: 'Protective suits', category: 'ppe', quantity: '10000', unit: 'each', unitValue: '12.50', currency: 'USD', weightKg: '2500.5' },
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
      { description: 'Disinfectant', category: 'wash', quantity: '3000', unit: 'litre', unitValue: '2.20', currency: 'EUR', weightKg: '3150' },
    ],
    ...overrides,
  };
}

export async function createShipment(api: Api, donorId: string, recipientId: string, overrides: Record<string, unknown> = {}) {
  const response = await api.post('/shipments', seedShipmentBody(donorId, recipientId, overrides));
  if (response.status !== 201) throw new Error(`shipment not created: ${response.status} ${response.text}`);
  return response.body;
}

/** Issues a token with the given role (and organization) through the API. */
export async function issueToken(api: Api, role: string, organizationId?: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await api.post('/tokens', { name: `${role} ${unique()}`, role, organizationId, ...extra });
  if (response.status !== 201) throw new Error(`token not issued: ${response.status} ${response.text}`);
  return response.body.token;
}

/** Counts rows, for asserting that a refused request stored nothing. */
export async function countRows(db: { query: (sql: string) => Promise<{ rows: Array<{ count: string }> }> }, table: string) {
  const { rows } = await db.query(`SELECT count(*)::text AS count FROM ${table}`);
  return Number(rows[0].count);
}

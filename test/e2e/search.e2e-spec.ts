import { randomBytes } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { createOrganization, issueToken } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { startService, TestService } from '../support/service';

/**
 * Text search (q) over many shipments. The list answers a search in one of two ways: it walks up to
 * 2,000 shipments in list order testing each, and when those do not fill the page it collects the hits
 * through the trigram indexes when there are at most 2,000, and otherwise walks on. Here a common word
 * (840 shipments), a rare one (8), an old one behind 2,050 newer shipments without it, and the common
 * word again once those are in front, so each way is exercised, with paging, both sort orders, filters
 * and a partner's scope.
 */
describe('GET /shipments?q= over thousands of hits', () => {
  const tag = randomBytes(3).toString('hex');
  const COMMON = `Commonword${tag}`;
  const RARE = `Rareword${tag}`;
  let service: TestService;
  let admin: Api;
  let partner: Api;
  let donor: { id: string };
  let recipient: { id: string };
  let other: { id: string };
  /** Shipment ids by search word, as imported. */
  const ids: Record<'common' | 'rare' | 'neither' | 'partnerCommon', string[]> = { common: [], rare: [], neither: [], partnerCommon: [] };

  /** Every row of a query, walking all pages. */
  async function walk(query: string, as: Api = admin, limit = 200): Promise<any[]> {
    const rows: any[] = [];
    let cursor: string | null = null;
    do {
      const response: ApiResponse = await as.get(
        `/shipments?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.status).toBe(200);
      rows.push(...response.body.data);
      cursor = response.body.nextCursor;
    } while (cursor);
    return rows;
  }

  /** Imports `count` shipments of `lines` lines each, one manifest, and returns their ids. */
  async function importShipments(count: number, lines: number, text: (shipment: number, line: number) => string, recipientId: string) {
    const rows = [];
    for (let shipment = 0; shipment < count; shipment++) {
      for (let line = 1; line <= lines; line++) {
        rows.push([
          `s${shipment}`, donor.id, recipientId, 'AZ', 'UA', String(line), text(shipment, line), 'ppe', '1', 'each',
        ]);
      }
    }
    const csv = stringify([
      ['shipmentKey', 'donorId', 'recipientId', 'originCountry', 'destinationCountry', 'lineNo', 'description', 'category', 'quantity', 'unit'],
      ...rows,
    ]);
    const response = await admin.post('/shipments/import', undefined, { rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect({ status: response.status, errors: response.body.errors }).toMatchObject({ status: 201 });
    return (response.body.shipments as Array<{ id: string }>).map((shipment) => shipment.id);
  }

  beforeAll(async () => {
    service = await startService();
    admin = new Api(service.baseUrl, service.adminToken);
    donor = await createOrganization(admin, { name: `Search donor ${tag}` });
    recipient = await createOrganization(admin, { name: `Search recipient ${tag}` });
    other = await createOrganization(admin, { name: `Search other recipient ${tag}` });
    partner = admin.as(await issueToken(admin, 'partner', other.id));
    // 800 shipments × 3 lines with the common word: 2,400 hits. Every third shipment also has the rare
    // word in one line. Then 40 shipments of another recipient with the common word, and 30 with neither.
    ids.common = await importShipments(800, 3, (s, l) => `Hygiene kit ${COMMON}${l === 2 && s % 100 === 0 ? ` ${RARE}` : ''}`, recipient.id);
    ids.rare = ids.common.filter((_, index) => index % 100 === 0);
    ids.partnerCommon = await importShipments(40, 1, () => `Blankets ${COMMON}`, other.id);
    ids.neither = await importShipments(30, 2, () => 'Tarpaulins', recipient.id);
  }, 120_000);
  afterAll(() => service?.stop());

  const byCreatedDesc = (rows: any[]) =>
    [...rows].sort((x, y) => (x.createdAt === y.createdAt ? (x.id < y.id ? 1 : -1) : x.createdAt < y.createdAt ? 1 : -1));

  it('finds every shipment with a common word exactly once, page by page, newest first', async () => {
    const rows = await walk(`q=${COMMON}`);
    const found = rows.map((row) => row.id);
    expect(new Set(found).size).toBe(found.length);
    expect([...found].sort()).toEqual([...ids.common, ...ids.partnerCommon].sort());
    expect(rows.map((row) => row.id)).toEqual(byCreatedDesc(rows).map((row) => row.id));
  });

  it('pages the common word oldest first too, and small pages agree with large ones', async () => {
    const ascending = (await walk(`q=${COMMON}&sort=createdAt`, admin, 37)).map((row) => row.id);
    const descending = (await walk(`q=${COMMON}`, admin, 200)).map((row) => row.id);
    expect(ascending).toEqual([...descending].reverse());
  });

  it('searches in the order of the last change too (sort=-updatedAt and updatedAt)', async () => {
    const byUpdate = await walk(`q=${COMMON}&sort=-updatedAt`, admin, 61);
    expect(byUpdate.map((row) => row.id).sort()).toEqual([...ids.common, ...ids.partnerCommon].sort());
    const key = (row: any) => `${row.updatedAt} ${row.id}`;
    expect(byUpdate.map(key)).toEqual(byUpdate.map(key).sort().reverse());
    const oldestChangeFirst = (await walk(`q=${COMMON}&sort=updatedAt`, admin, 200)).map((row) => row.id);
    expect(oldestChangeFirst).toEqual(byUpdate.map((row) => row.id).reverse());
  });

  it('finds a rare word among them, and nothing for a word that is nowhere', async () => {
    expect((await walk(`q=${RARE}`)).map((row) => row.id).sort()).toEqual([...ids.rare].sort());
    expect(await walk(`q=nowhere${tag}`)).toEqual([]);
  });

  it('combines the search with the other filters', async () => {
    const found = (await walk(`q=${COMMON}&recipientId=${other.id}`)).map((row) => row.id);
    expect(found.sort()).toEqual([...ids.partnerCommon].sort());
    const rare = (await walk(`q=${RARE}&recipientId=${other.id}`)).map((row) => row.id);
    expect(rare).toEqual([]);
  });

  it('finds a word whose shipments all lie behind more than 2,000 newer ones', async () => {
    const OLD = `Oldword${tag}`;
    const old = await importShipments(50, 1, () => `Kitchen sets ${OLD}`, recipient.id);
    await importShipments(2_050, 1, () => 'Blankets', recipient.id);
    const found = await walk(`q=${OLD}`, admin, 20);
    expect(found.map((row) => row.id).sort()).toEqual([...old].sort());
    expect(found.map((row) => row.id)).toEqual(byCreatedDesc(found).map((row) => row.id));
    const oldestFirst = (await walk(`q=${OLD}&sort=createdAt`, admin, 20)).map((row) => row.id);
    expect(oldestFirst).toEqual(found.map((row) => row.id).reverse());
  });

  it('still finds the common word once more than 2,000 newer shipments lack it', async () => {
    // After the previous test, the 2,050 newest shipments do not have it, and its hits (2,440) are too
    // many to collect: the list walks on past them.
    const rows = await walk(`q=${COMMON}`, admin, 50);
    expect(rows.map((row) => row.id).sort()).toEqual([...ids.common, ...ids.partnerCommon].sort());
    expect(rows.map((row) => row.id)).toEqual(byCreatedDesc(rows).map((row) => row.id));
  });

  it("keeps a partner's search to its own shipments", async () => {
    const found = (await walk(`q=${COMMON}`, partner, 7)).map((row) => row.id);
    expect(found.sort()).toEqual([...ids.partnerCommon].sort());
    expect(await walk(`q=${RARE}`, partner)).toEqual([]);
  });
});

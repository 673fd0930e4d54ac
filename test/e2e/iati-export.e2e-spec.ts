import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createOrganization, issueToken, seedShipmentBody } from '../support/builders';
import { Api } from '../support/http';
import { iatiSchema, SCHEMA_SKIP_NOTE, validateWithXmllint } from '../support/iati-schema';
import { expectFieldError } from '../support/problems';
import { startService, TestService } from '../support/service';

/**
 * GET /shipments/export?format=iati: the README's seed case recorded through the API, from plan to delivery,
 * exported as IATI 2.03, validated against the official schema with xmllint (when IATI_SCHEMA_DIR names it)
 * and read back field by field; organization scope; a donor without IATI identifier skipped and reported.
 */
const unique = () => randomBytes(3).toString('hex');

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true, // the indentation between elements; no exported text starts or ends with a space
  commentPropName: '#comment',
  htmlEntities: true,
  isArray: (name) =>
    [
      'iati-activity',
      'participating-org',
      'activity-date',
      'sector',
      'humanitarian-scope',
      'transaction',
      '#comment',
    ].includes(name),
});

type Activity = Record<string, any>;

describe('IATI export', () => {
  let service: TestService;
  let api: Api;
  let donor: { id: string; name: string };
  let recipient: { id: string; name: string };
  let unregistered: { id: string; name: string };
  let other: { id: string; name: string };
  let otherRecipient: { id: string; name: string };
  let seedReference: string;
  let skippedReference: string;
  let otherReference: string;

  const exportIati = async (query = '', as: Api = api) => {
    const response = await as.get(`/shipments/export?format=iati${query}`);
    expect({ status: response.status, text: response.status === 200 ? '' : response.text }).toEqual({
      status: 200,
      text: '',
    });
    expect(XMLValidator.validate(response.text)).toBe(true);
    const document = parser.parse(response.text)['iati-activities'];
    const activities: Activity[] = document['iati-activity'] ?? [];
    return { response, document, activities };
  };
  const byIdentifier = (activities: Activity[], identifier: string) =>
    activities.find((activity) => activity['iati-identifier'] === identifier);

  beforeAll(async () => {
    service = await startService({ DATABASE_POOL_SIZE: '3' });
    api = new Api(service.baseUrl, service.adminToken);
    donor = await createOrganization(api, {
      name: `Republic of Azerbaijan ${unique()}`,
      type: 'government',
      countryCode: 'AZ',
      iatiIdentifier: 'AZ-GOV-1',
    });
    recipient = await createOrganization(api, {
      name: `Ministry of Health of Ukraine ${unique()}`,
      type: 'government',
      countryCode: 'UA',
    });
    unregistered = await createOrganization(api, { name: `Unregistered donor ${unique()}`, type: 'ngo' });
    other = await createOrganization(api, {
      name: `Other ministry ${unique()}`,
      type: 'government',
      countryCode: 'MD',
      iatiIdentifier: 'MD-GOV-1',
    });
    otherRecipient = await createOrganization(api, {
      name: `Moldovan NGO ${unique()}`,
      type: 'ngo',
      countryCode: 'MD',
    });
    const coordinator = api.as(await issueToken(api, 'coordinator'));

    // The README's worked example, step by step.
    const created = await coordinator.post('/shipments', seedShipmentBody(donor.id, recipient.id));
    if (created.status !== 201) throw new Error(`${created.status} ${created.text}`);
    const seed = created.body;
    seedReference = seed.reference;
    const [masks, suits, kits, disinfectant] = seed.items.map((item: { id: string }) => item.id);
    const events = [
      {
        type: 'dispatched',
        occurredAt: '2020-06-10T08:00:00Z',
        location: { countryCode: 'AZ', name: 'Baku' },
      },
      {
        type: 'in_transit',
        occurredAt: '2020-06-12T14:30:00Z',
        location: { countryCode: 'GE', name: 'Tbilisi' },
      },
      { type: 'held', occurredAt: '2020-06-14T09:00:00Z', note: 'Customs inspection at Kars' },
      { type: 'arrived', occurredAt: '2020-06-19T16:00:00Z', location: { countryCode: 'UA', name: 'Kyiv' } },
      {
        type: 'partially_delivered',
        occurredAt: '2020-06-20T10:00:00Z',
        receipt: {
          receivedBy: 'Central medical warehouse, Kyiv',
          lines: [
            { itemId: masks, quantityReceived: '500000' },
            { itemId: suits, quantityReceived: '9850', quantityDamaged: '150' },
          ],
        },
      },
      {
        type: 'delivered',
        occurredAt: '2020-06-22T10:00:00Z',
        receipt: {
          receivedBy: 'Central medical warehouse, Kyiv',
          lines: [
            { itemId: kits, quantityReceived: '200' },
            { itemId: disinfectant, quantityReceived: '3000' },
          ],
        },
      },
    ];
    for (const event of events) {
      const recorded = await coordinator.post(`/shipments/${seed.id}/events`, event);
      if (recorded.status !== 201) throw new Error(`${event.type}: ${recorded.status} ${recorded.text}`);
    }

    const skipped = await coordinator.post('/shipments', seedShipmentBody(unregistered.id, recipient.id));
    if (skipped.status !== 201) throw new Error(skipped.text);
    skippedReference = skipped.body.reference;

    const elsewhere = await coordinator.post(
      '/shipments',
      seedShipmentBody(other.id, otherRecipient.id, {
        title: 'Blankets <winter> & "heaters"',
        destination: { countryCode: 'MD', location: 'Chișinău' },
        emergency: 'Winterization',
        items: [
          {
            description: 'Blankets',
            category: 'non_food_items',
            quantity: '400',
            unit: 'each',
            unitValue: '7.5',
            currency: 'EUR',
          },
        ],
      }),
    );
    if (elsewhere.status !== 201) throw new Error(elsewhere.text);
    otherReference = elsewhere.body.reference;
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('answers an IATI 2.03 activity file, each shipment one activity, the skipped one counted and named', async () => {
    const { response, document, activities } = await exportIati();
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="aidtrail-iati-activities-\d{4}-\d{2}-\d{2}\.xml"$/,
    );
    expect(response.headers.get('x-iati-skipped-shipments')).toBe('1');
    expect(
      response.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03" '),
    ).toBe(true);
    expect(document['@version']).toBe('2.03');
    expect(new Date(document['@generated-datetime']).toISOString()).toBe(document['@generated-datetime']);
    expect(activities.map((activity) => activity['iati-identifier'])).toEqual([
      `AZ-GOV-1-${seedReference}`,
      `MD-GOV-1-${otherReference}`,
    ]);
    expect(document['#comment']).toEqual([
      ` Shipment ${skippedReference} not exported: its donor (the reporting organisation) has no IATI organisation identifier (donor ${unregistered.id}). `,
      ' 2 activities exported; 1 shipments skipped. ',
    ]);
  });

  const schema = iatiSchema();
  (schema ? it : it.skip)(
    schema ? 'validates against the official IATI 2.03 schema (xmllint)' : SCHEMA_SKIP_NOTE,
    async () => {
      const { response } = await exportIati();
      const verdict = validateWithXmllint(schema!, response.text);
      expect(verdict.output).toBe('- validates');
      expect(verdict.valid).toBe(true);
    },
  );

  it('maps the seed case field by field', async () => {
    const { activities } = await exportIati();
    const activity = byIdentifier(activities, `AZ-GOV-1-${seedReference}`)!;
    expect(activity['@humanitarian']).toBe('1');
    const shipment = (await api.get(`/shipments/${seedReference}`)).body;
    expect(activity['@last-updated-datetime']).toBe(shipment.updatedAt);
    expect(activity['reporting-org']).toEqual({ '@ref': 'AZ-GOV-1', '@type': '10', narrative: donor.name });
    expect(activity.title).toEqual({ narrative: 'COVID-19 assistance to the Ministry of Health of Ukraine' });
    expect(activity.description).toEqual({
      '@type': '1',
      narrative: [
        '500000 each Medical masks',
        '10000 each Protective suits',
        '200 kit PCR test kits, lot PCR-2020-0519, expiry 2021-11-30',
        '3000 litre Disinfectant',
      ].join('\n'),
    });
    expect(activity['participating-org']).toEqual([
      { '@ref': 'AZ-GOV-1', '@type': '10', '@role': '1', narrative: donor.name },
      { '@type': '10', '@role': '4', narrative: recipient.name },
    ]);
    expect(activity['activity-status']).toEqual({ '@code': '4' });
    expect(activity['activity-date']).toEqual([
      { '@type': '1', '@iso-date': '2020-06-10' },
      { '@type': '2', '@iso-date': '2020-06-10' },
      { '@type': '3', '@iso-date': '2020-06-20' },
      { '@type': '4', '@iso-date': '2020-06-22' },
    ]);
    expect(activity['recipient-country']).toEqual({ '@code': 'UA' });
    expect(activity.sector).toEqual([
      { '@vocabulary': '1', '@code': '72011', '@percentage': '75' },
      { '@vocabulary': '1', '@code': '72010', '@percentage': '25' },
    ]);
    expect(activity['humanitarian-scope']).toEqual([
      { '@type': '1', '@vocabulary': '1-2', '@code': 'EP-2020-000012-001', narrative: 'COVID-19' },
    ]);
    const transaction = (currency: string, value: string) => ({
      'transaction-type': { '@code': '3' },
      'transaction-date': { '@iso-date': '2020-06-10' },
      value: { '@currency': currency, '@value-date': '2020-06-10', '#text': value },
      description: { narrative: `Goods in kind, declared value in ${currency} (dispatched)` },
      'provider-org': { '@ref': 'AZ-GOV-1', '@type': '10', narrative: donor.name },
      'receiver-org': { '@type': '10', narrative: recipient.name },
      'disbursement-channel': { '@code': '4' },
      'finance-type': { '@code': '110' },
      'aid-type': { '@code': 'C01', '@vocabulary': '1' },
    });
    // The served totals, digit for digit: 265000 USD and 6600 EUR, never added together.
    expect(shipment.totals.declaredValue).toEqual([
      { currency: 'EUR', amount: '6600.00' },
      { currency: 'USD', amount: '265000.00' },
    ]);
    expect(activity.transaction).toEqual([transaction('EUR', '6600.00'), transaction('USD', '265000.00')]);
  });

  it('escapes what a title holds, and scopes a named emergency in the publisher’s vocabulary', async () => {
    const { response, activities } = await exportIati();
    expect(response.text).toContain('<narrative>Blankets &lt;winter&gt; &amp; "heaters"</narrative>');
    const activity = byIdentifier(activities, `MD-GOV-1-${otherReference}`)!;
    expect(activity.title).toEqual({ narrative: 'Blankets <winter> & "heaters"' });
    expect(activity['activity-status']).toEqual({ '@code': '1' });
    // An NGO based in the destination country is a local actor: 24 Partner Country based NGO.
    expect(activity['participating-org'][1]).toEqual({
      '@type': '24',
      '@role': '4',
      narrative: otherRecipient.name,
    });
    expect(activity['humanitarian-scope']).toEqual([
      { '@type': '1', '@vocabulary': '99', '@code': 'Winterization', narrative: 'Winterization' },
    ]);
    expect(activity.transaction.map((t: Activity) => [t['transaction-type']['@code'], t.value])).toEqual([
      ['2', { '@currency': 'EUR', '@value-date': '2020-06-10', '#text': '3000.0' }],
    ]);
  });

  it('applies the list’s filters', async () => {
    const { response, activities } = await exportIati('&emergency=covid-19');
    expect(activities.map((activity) => activity['iati-identifier'])).toEqual([`AZ-GOV-1-${seedReference}`]);
    expect(response.headers.get('x-iati-skipped-shipments')).toBe('1');
    const moldova = await exportIati('&destinationCountry=MD');
    expect(moldova.activities.map((activity) => activity['iati-identifier'])).toEqual([
      `MD-GOV-1-${otherReference}`,
    ]);
    expect(moldova.response.headers.get('x-iati-skipped-shipments')).toBe('0');
  });

  it('gives a partner its organization’s activities only', async () => {
    const ukraine = api.as(await issueToken(api, 'partner', recipient.id));
    const seen = await exportIati('', ukraine);
    expect(seen.activities.map((activity) => activity['iati-identifier'])).toEqual([
      `AZ-GOV-1-${seedReference}`,
    ]);
    expect(seen.response.headers.get('x-iati-skipped-shipments')).toBe('1');
    const moldova = api.as(await issueToken(api, 'partner', other.id));
    const theirs = await exportIati('', moldova);
    expect(theirs.activities.map((activity) => activity['iati-identifier'])).toEqual([
      `MD-GOV-1-${otherReference}`,
    ]);
    expect(theirs.response.headers.get('x-iati-skipped-shipments')).toBe('0');
    expect(theirs.response.text).not.toContain(seedReference);
    expect(theirs.response.text).not.toContain(skippedReference);
  });

  it('exports a donor’s shipments once it has an IATI identifier', async () => {
    const organization = (await api.get(`/organizations/${unregistered.id}`)).body;
    const updated = await api.patch(
      `/organizations/${unregistered.id}`,
      { iatiIdentifier: 'XM-EXAMPLE-7' },
      { headers: { 'if-match': `"${organization.version}"` } },
    );
    expect(updated.status).toBe(200);
    const { response, activities } = await exportIati();
    expect(response.headers.get('x-iati-skipped-shipments')).toBe('0');
    expect(activities.map((activity) => activity['iati-identifier'])).toContain(
      `XM-EXAMPLE-7-${skippedReference}`,
    );
  });

  it('dates only events in force: a voided dispatch is no start, and the goods are committed again', async () => {
    const created = await api.post(
      '/shipments',
      seedShipmentBody(donor.id, recipient.id, {
        reference: `VOIDED-${unique()}`,
        plannedDispatchDate: '2020-07-01',
        expectedArrivalDate: '2020-07-10',
      }),
    );
    if (created.status !== 201) throw new Error(`created: ${created.status} ${created.text}`);
    const dispatched = await api.post(`/shipments/${created.body.id}/events`, {
      type: 'dispatched',
      occurredAt: '2020-07-02T08:00:00Z',
    });
    if (dispatched.status !== 201) throw new Error(`dispatched: ${dispatched.status} ${dispatched.text}`);
    const { activities: before } = await exportIati(`&q=${created.body.reference}`);
    expect(before[0]['activity-status']).toEqual({ '@code': '2' });
    expect(before[0].transaction[0]['transaction-type']).toEqual({ '@code': '3' });
    const voided = await api.post(`/shipments/${created.body.id}/events/${dispatched.body.event.id}/void`, {
      reason: 'Recorded on the wrong shipment',
    });
    if (voided.status !== 201) throw new Error(`voided: ${voided.status} ${voided.text}`);
    const { activities } = await exportIati(`&q=${created.body.reference}`);
    expect(activities).toHaveLength(1);
    expect(activities[0]['activity-status']).toEqual({ '@code': '1' });
    expect(activities[0]['activity-date']).toEqual([
      { '@type': '1', '@iso-date': '2020-07-01' },
      { '@type': '3', '@iso-date': '2020-07-10' },
    ]);
    expect(
      activities[0].transaction.map((t: Activity) => [t['transaction-type']['@code'], t['transaction-date']]),
    ).toEqual([
      ['2', { '@iso-date': '2020-07-01' }],
      ['2', { '@iso-date': '2020-07-01' }],
    ]);
  });

  it('refuses an unknown format, naming the field', async () => {
    expectFieldError(await api.get('/shipments/export?format=iati-2.03'), 'format');
    expectFieldError(await api.get('/shipments/export?format=IATI'), 'format');
  });

  it('streams: gives the cursor connection back when the client walks away mid-export', async () => {
    // 40 shipments of 1,000 lines written by SQL: several megabytes of XML, more than one fetch of the cursor.
    await service.db.query(
      `WITH s AS (
         INSERT INTO shipment (id, reference, status, version, donor_id, recipient_id, origin_country, destination_country,
                               priority, line_count, totals, created_at, updated_at)
         SELECT gen_random_uuid(), 'BULK-' || g, 'planned', 1, $1, $2, 'AZ', 'UA', 'standard', 1000, '{}'::jsonb, now(), now()
           FROM generate_series(1, 40) g
         RETURNING id)
       INSERT INTO shipment_item (id, shipment_id, line_no, description, category, quantity, unit)
       SELECT gen_random_uuid(), s.id, n, 'Bulk line ' || n || ' with a reasonably long description', 'food', n, 'kg'
         FROM s, generate_series(1, 1000) n`,
      [donor.id, recipient.id],
    );
    // More walk-aways than the pool (3) has connections: a leaked connection would starve the pool.
    for (let attempt = 0; attempt < 5; attempt++) {
      await new Promise<void>((resolve, reject) => {
        const req = request(
          `${service.baseUrl}/api/v1/shipments/export?format=iati`,
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
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' AND query LIKE '%iati_identifier IS NULL%'`,
      );
      busy = rows[0].busy;
      if (busy === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(busy).toBe(0);
    // The pool still serves, and the whole file arrives: 40 activities of 1,000 content lines each.
    const { activities } = await exportIati('&q=BULK-');
    expect(activities).toHaveLength(40);
    expect(activities[0].description.narrative.split('\n')).toHaveLength(1000);
    expect(activities[0].transaction).toBeUndefined();
  });
});

import {
  activityDates,
  contentsDescription,
  humanitarianScopes,
  IatiActivity,
  IatiSourceShipment,
  organisationType,
  sectors,
  toIatiActivity,
} from '../../src/exports/iati/iati-activity.mapper';
import {
  IATI_ACTIVITY_STATUS,
  IATI_LOCAL_ORGANISATION_TYPE,
  IATI_ORGANISATION_TYPE,
} from '../../src/exports/iati/iati-codes';
import type { OrganizationType } from '../../src/organizations/organization.entity';
import { STATUSES } from '../../src/shipments/shipment-lifecycle';

/** The README's seed case, delivered: Azerbaijan's COVID-19 assistance to the Ministry of Health of Ukraine. */
const seed = (overrides: Partial<IatiSourceShipment> = {}): IatiSourceShipment => ({
  reference: 'SHP-2020-000001',
  title: 'COVID-19 assistance to the Ministry of Health of Ukraine',
  status: 'delivered',
  donor: {
    id: 'd0',
    name: 'Republic of Azerbaijan',
    type: 'government',
    countryCode: 'AZ',
    iatiIdentifier: 'AZ-GOV-1',
  },
  recipient: {
    id: 'r0',
    name: 'Ministry of Health of Ukraine',
    type: 'government',
    countryCode: 'UA',
    iatiIdentifier: null,
  },
  partners: [],
  destinationCountry: 'UA',
  emergency: 'COVID-19',
  plannedDispatchDate: '2020-06-10',
  expectedArrivalDate: '2020-06-20',
  dispatchedAt: '2020-06-10T08:00:00.000Z',
  endedAt: '2020-06-22T10:00:00.000Z',
  createdAt: '2020-06-01T09:00:00.000Z',
  updatedAt: '2020-06-22T10:00:01.000Z',
  declaredValue: [
    { currency: 'EUR', amount: '6600.00' },
    { currency: 'USD', amount: '265000.00' },
  ],
  items: [
    {
      lineNo: 1,
      description: 'Medical masks',
      category: 'ppe',
      quantity: '500000',
      unit: 'each',
      batchNumber: null,
      expiryDate: null,
    },
    {
      lineNo: 2,
      description: 'Protective suits',
      category: 'ppe',
      quantity: '10000',
      unit: 'each',
      batchNumber: null,
      expiryDate: null,
    },
    {
      lineNo: 3,
      description: 'PCR test kits',
      category: 'laboratory',
      quantity: '200',
      unit: 'kit',
      batchNumber: 'PCR-2020-0519',
      expiryDate: '2021-11-30',
    },
    {
      lineNo: 4,
      description: 'Disinfectant',
      category: 'wash',
      quantity: '3000',
      unit: 'litre',
      batchNumber: null,
      expiryDate: null,
    },
  ],
  ...overrides,
});

const activityOf = (shipment: IatiSourceShipment): IatiActivity => {
  const mapping = toIatiActivity(shipment);
  if (!mapping.exported) throw new Error(`not exported: ${mapping.reason}`);
  return mapping.activity;
};

describe('IATI mapping of a shipment', () => {
  it('identifies the activity by the donor’s IATI identifier, "-", and the reference', () => {
    expect(activityOf(seed()).identifier).toBe('AZ-GOV-1-SHP-2020-000001');
  });

  it('reports as the donor, with its IATI organisation type', () => {
    expect(activityOf(seed()).reportingOrg).toEqual({
      ref: 'AZ-GOV-1',
      type: '10',
      name: 'Republic of Azerbaijan',
    });
  });

  it('skips a shipment whose donor has no IATI identifier, saying why', () => {
    const mapping = toIatiActivity(seed({ donor: { ...seed().donor, iatiIdentifier: null } }));
    expect(mapping).toEqual({
      exported: false,
      reference: 'SHP-2020-000001',
      donorId: 'd0',
      reason: 'its donor (the reporting organisation) has no IATI organisation identifier',
    });
  });

  it('takes the title, or names the shipment by its reference when it has none', () => {
    expect(activityOf(seed()).title).toBe('COVID-19 assistance to the Ministry of Health of Ukraine');
    expect(activityOf(seed({ title: null })).title).toBe('Shipment SHP-2020-000001');
  });

  it('describes the contents, one line per item: quantity, unit, description, lot, expiry', () => {
    expect(activityOf(seed()).description).toEqual({
      type: '1',
      text: [
        '500000 each Medical masks',
        '10000 each Protective suits',
        '200 kit PCR test kits, lot PCR-2020-0519, expiry 2021-11-30',
        '3000 litre Disinfectant',
      ].join('\n'),
    });
    expect(contentsDescription([{ ...seed().items[0], expiryDate: '2022-01-31' }])).toBe(
      '500000 each Medical masks, expiry 2022-01-31',
    );
  });

  it('names the donor as funding, the recipient and the partners as implementing', () => {
    const partner = {
      id: 'p0',
      name: 'World Health Organization',
      type: 'multilateral' as const,
      countryCode: 'CH',
      iatiIdentifier: 'XM-DAC-928',
    };
    expect(activityOf(seed({ partners: [partner] })).participatingOrgs).toEqual([
      { role: '1', ref: 'AZ-GOV-1', type: '10', name: 'Republic of Azerbaijan' },
      { role: '4', ref: null, type: '10', name: 'Ministry of Health of Ukraine' },
      { role: '4', ref: 'XM-DAC-928', type: '40', name: 'World Health Organization' },
    ]);
  });

  it('maps every organization type and every status to a code of the IATI codelists', () => {
    const organisationTypes = [
      '10',
      '11',
      '15',
      '21',
      '22',
      '23',
      '24',
      '30',
      '40',
      '60',
      '70',
      '71',
      '72',
      '73',
      '80',
      '90',
    ];
    for (const code of Object.values(IATI_ORGANISATION_TYPE)) expect(organisationTypes).toContain(code);
    for (const code of Object.values(IATI_LOCAL_ORGANISATION_TYPE)) expect(organisationTypes).toContain(code);
    for (const status of STATUSES)
      expect(['1', '2', '3', '4', '5', '6']).toContain(IATI_ACTIVITY_STATUS[status]);
    expect(IATI_ORGANISATION_TYPE).toMatchObject({
      government: '10',
      multilateral: '40',
      ngo: '21',
      other: '90',
    });
  });

  it('types NGOs, Red Cross and Red Crescent societies and companies based where the goods go as local', () => {
    const org = (type: OrganizationType, countryCode: string | null) => ({
      id: 'x',
      name: 'X',
      type,
      countryCode,
      iatiIdentifier: null,
    });
    expect(organisationType(org('ngo', 'UA'), 'UA')).toBe('24');
    expect(organisationType(org('ngo', 'CH'), 'UA')).toBe('21');
    expect(organisationType(org('ngo', null), 'UA')).toBe('21');
    expect(organisationType(org('red_cross_red_crescent', 'UA'), 'UA')).toBe('24');
    expect(organisationType(org('red_cross_red_crescent', 'CH'), 'UA')).toBe('21');
    expect(organisationType(org('private_sector', 'UA'), 'UA')).toBe('72');
    expect(organisationType(org('private_sector', 'DE'), 'UA')).toBe('70');
    expect(organisationType(org('government', 'UA'), 'UA')).toBe('10');
    expect(organisationType(org('foundation', 'UA'), 'UA')).toBe('60');
    const local = org('ngo', 'UA');
    expect(activityOf(seed({ partners: [local] })).participatingOrgs[2]).toEqual({
      role: '4',
      ref: null,
      type: '24',
      name: 'X',
    });
    expect(activityOf(seed({ recipient: local })).transactions[0].receiver.type).toBe('24');
  });

  it('gives the status from the lifecycle: pipeline, implementation, closed, cancelled', () => {
    expect(activityOf(seed({ status: 'planned', dispatchedAt: null, endedAt: null })).status).toBe('1');
    for (const status of ['dispatched', 'in_transit', 'held', 'arrived', 'partially_delivered'] as const) {
      expect(activityOf(seed({ status, endedAt: null })).status).toBe('2');
    }
    expect(activityOf(seed()).status).toBe('4');
    expect(activityOf(seed({ status: 'lost' })).status).toBe('4');
    expect(activityOf(seed({ status: 'cancelled', dispatchedAt: null })).status).toBe('5');
  });

  it('dates: planned start and end from the plan, actual start at dispatch, actual end at delivery', () => {
    expect(activityOf(seed()).dates).toEqual([
      { type: '1', isoDate: '2020-06-10' },
      { type: '2', isoDate: '2020-06-10' },
      { type: '3', isoDate: '2020-06-20' },
      { type: '4', isoDate: '2020-06-22' },
    ]);
    expect(
      activityDates(seed({ status: 'in_transit', dispatchedAt: '2020-06-11T23:59:59.000Z', endedAt: null })),
    ).toEqual([
      { type: '1', isoDate: '2020-06-10' },
      { type: '2', isoDate: '2020-06-11' },
      { type: '3', isoDate: '2020-06-20' },
    ]);
  });

  it('gives a shipment with no plan and not yet dispatched its recording date as planned start (the schema needs a date)', () => {
    const unplanned = seed({
      status: 'planned',
      plannedDispatchDate: null,
      expectedArrivalDate: null,
      dispatchedAt: null,
      endedAt: null,
    });
    expect(activityDates(unplanned)).toEqual([{ type: '1', isoDate: '2020-06-01' }]);
  });

  it('sends the activity to the destination country', () => {
    expect(activityOf(seed()).recipientCountry).toBe('UA');
  });

  it('classifies by DAC 5-digit humanitarian sectors, weighted by lines, adding up to exactly 100', () => {
    expect(activityOf(seed()).sectors).toEqual([
      { vocabulary: '1', code: '72011', percentage: '75' },
      { vocabulary: '1', code: '72010', percentage: '25' },
    ]);
    const line = seed().items[0];
    const three = sectors([
      { ...line, category: 'food' },
      { ...line, category: 'shelter' },
      { ...line, category: 'logistics_equipment' },
    ]);
    expect(three.map((sector) => `${sector.code} ${sector.percentage}`)).toEqual([
      '72010 33.34',
      '72040 33.33',
      '72050 33.33',
    ]);
    const sevenths = sectors([...Array(6)].map(() => ({ ...line })).concat([{ ...line, category: 'food' }]));
    expect(sevenths.map((sector) => sector.percentage)).toEqual(['85.72', '14.28']);
  });

  it('is humanitarian, scoped to COVID-19 by the GLIDE number of IATI’s guidance', () => {
    expect(activityOf(seed()).humanitarianScopes).toEqual([
      { type: '1', vocabulary: '1-2', code: 'EP-2020-000012-001', narrative: 'COVID-19' },
    ]);
    for (const name of ['covid-19', 'Covid 19', 'COVID19', 'COVID-19 pandemic']) {
      expect(humanitarianScopes(name)[0].code).toBe('EP-2020-000012-001');
    }
  });

  it('scopes an emergency given as a GLIDE number by it, any other by its name in the publisher’s vocabulary', () => {
    expect(humanitarianScopes('eq-2023-000015-tur')).toEqual([
      { type: '1', vocabulary: '1-2', code: 'EQ-2023-000015-TUR', narrative: 'EQ-2023-000015-TUR' },
    ]);
    expect(humanitarianScopes('Winterization')).toEqual([
      { type: '1', vocabulary: '99', code: 'Winterization', narrative: 'Winterization' },
    ]);
    expect(humanitarianScopes(null)).toEqual([]);
    expect(humanitarianScopes('  ')).toEqual([]);
    expect(humanitarianScopes('COVIDIOUS')[0].vocabulary).toBe('99');
  });

  it('discloses a disbursement in kind per currency, the declared value as stored, value-dated at dispatch', () => {
    const common = {
      type: '3',
      date: '2020-06-10',
      provider: { ref: 'AZ-GOV-1', type: '10', name: 'Republic of Azerbaijan' },
      receiver: { ref: null, type: '10', name: 'Ministry of Health of Ukraine' },
      disbursementChannel: '4',
      financeType: '110',
      aidType: { vocabulary: '1', code: 'C01' },
    };
    expect(activityOf(seed()).transactions).toEqual([
      {
        ...common,
        currency: 'EUR',
        value: '6600.00',
        description: 'Goods in kind, declared value in EUR (dispatched)',
      },
      {
        ...common,
        currency: 'USD',
        value: '265000.00',
        description: 'Goods in kind, declared value in USD (dispatched)',
      },
    ]);
  });

  it('keeps decimals as text, digit for digit', () => {
    const [transaction] = activityOf(
      seed({ declaredValue: [{ currency: 'USD', amount: '123456789012345.123456' }] }),
    ).transactions;
    expect(transaction.value).toBe('123456789012345.123456');
  });

  it('channels through third parties when the shipment has partners', () => {
    const partner = {
      id: 'p0',
      name: 'Logistics NGO',
      type: 'ngo' as const,
      countryCode: null,
      iatiIdentifier: null,
    };
    const transactions = activityOf(seed({ partners: [partner] })).transactions;
    expect(transactions.map((t) => t.disbursementChannel)).toEqual(['3', '3']);
  });

  it('commits, value-dated at the planned dispatch, what has not left yet', () => {
    const planned = activityOf(seed({ status: 'planned', dispatchedAt: null, endedAt: null })).transactions;
    expect(planned.map((t) => [t.type, t.date, t.currency, t.value])).toEqual([
      ['2', '2020-06-10', 'EUR', '6600.00'],
      ['2', '2020-06-10', 'USD', '265000.00'],
    ]);
    const unplanned = activityOf(
      seed({ status: 'planned', plannedDispatchDate: null, dispatchedAt: null, endedAt: null }),
    );
    expect(unplanned.transactions.map((t) => t.date)).toEqual(['2020-06-01', '2020-06-01']);
  });

  it('has no transaction for a shipment cancelled before it left, nor for lines without a value', () => {
    expect(
      activityOf(seed({ status: 'cancelled', dispatchedAt: null, endedAt: '2020-06-09T00:00:00.000Z' }))
        .transactions,
    ).toEqual([]);
    expect(activityOf(seed({ declaredValue: [] })).transactions).toEqual([]);
    const cancelledAfterDispatch = activityOf(
      seed({ status: 'cancelled', endedAt: '2020-06-12T00:00:00.000Z' }),
    );
    expect(cancelledAfterDispatch.transactions.map((t) => t.type)).toEqual(['3', '3']);
  });

  it('dates the activity’s last update from the shipment', () => {
    expect(activityOf(seed()).lastUpdated).toBe('2020-06-22T10:00:01.000Z');
  });
});

import {
  addMonths,
  donationWarnings,
  MIN_SHELF_LIFE_MONTHS,
  SHELF_LIFE_CATEGORIES,
  type WarningInput,
} from '../../src/shipments/donation-warnings';

describe('addMonths', () => {
  it.each([
    ['2020-06-20', 12, '2021-06-20'],
    ['2024-02-29', 12, '2025-02-28'], // leap day into a common year clamps
    ['2024-02-29', 48, '2028-02-29'], // and into the next leap year does not
    ['2023-02-28', 12, '2024-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-03-31', 1, '2024-04-30'],
    ['2024-12-15', 1, '2025-01-15'],
    ['2024-11-30', 3, '2025-02-28'],
    ['2024-01-15', -1, '2023-12-15'],
    ['2024-03-31', -1, '2024-02-29'],
    ['2024-05-31', 0, '2024-05-31'],
    ['1999-12-31', 12, '2000-12-31'],
    ['2099-12-31', 24, '2101-12-31'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});

describe('donationWarnings', () => {
  const item = (overrides: Partial<WarningInput['items'][number]> = {}) => ({
    lineNo: 1,
    category: 'pharmaceuticals',
    description: 'Paracetamol 500 mg',
    expiryDate: '2030-01-01' as string | null,
    ...overrides,
  });
  const input = (items: WarningInput['items'], overrides: Partial<WarningInput> = {}): WarningInput => ({
    expectedArrivalDate: '2020-06-20',
    plannedDispatchDate: '2020-06-10',
    recordedOn: '2020-05-01',
    items,
    ...overrides,
  });
  const codes = (shipment: WarningInput) => donationWarnings(shipment).map((w) => w.code);

  it('asks for twelve months of shelf life on medicines, consumables and laboratory goods', () => {
    expect(MIN_SHELF_LIFE_MONTHS).toBe(12);
    expect([...SHELF_LIFE_CATEGORIES].sort()).toEqual([
      'laboratory',
      'medical_consumables',
      'pharmaceuticals',
    ]);
  });

  it.each([
    ['2020-06-19', 'expired'],
    ['2020-06-20', 'expired'], // expiring on the day of arrival is expired on arrival
    ['2020-06-21', 'short_shelf_life'],
    ['2021-06-19', 'short_shelf_life'],
    ['2021-06-20', null], // exactly twelve months is enough
    ['2031-01-01', null],
  ])('an expiry of %s against arrival 2020-06-20 gives %s', (expiryDate, code) => {
    expect(codes(input([item({ expiryDate })]))).toEqual(code ? [code] : []);
  });

  it('uses the clamped threshold after a leap-day arrival', () => {
    const leap = { expectedArrivalDate: '2024-02-29' };
    expect(codes(input([item({ expiryDate: '2025-02-27' })], leap))).toEqual(['short_shelf_life']);
    expect(codes(input([item({ expiryDate: '2025-02-28' })], leap))).toEqual([]);
  });

  it('flags a missing expiry date on shelf-life categories only', () => {
    const shipment = input([
      item({ lineNo: 1, category: 'laboratory', description: 'PCR test kits', expiryDate: null }),
      item({ lineNo: 2, category: 'ppe', description: 'Masks', expiryDate: null }),
      item({ lineNo: 3, category: 'medical_consumables', description: 'Syringes', expiryDate: null }),
    ]);
    expect(donationWarnings(shipment)).toEqual([
      {
        code: 'expiry_missing',
        path: 'items[0].expiryDate',
        lineNo: 1,
        message: 'PCR test kits: no expiry date recorded',
      },
      {
        code: 'expiry_missing',
        path: 'items[2].expiryDate',
        lineNo: 3,
        message: 'Syringes: no expiry date recorded',
      },
    ]);
  });

  it('ignores expiry dates of other categories, even long past', () => {
    const others = [
      'medical_equipment',
      'ppe',
      'food',
      'nutrition',
      'wash',
      'shelter',
      'non_food_items',
      'other',
    ];
    expect(
      codes(input(others.map((category, i) => item({ lineNo: i + 1, category, expiryDate: '1999-01-01' })))),
    ).toEqual([]);
  });

  it('points each warning at its line by index and line number, and names the dates', () => {
    const [warning] = donationWarnings(
      input([
        item({ lineNo: 1, category: 'food' }),
        item({ lineNo: 7, description: 'Amoxicillin', expiryDate: '2020-12-31' }),
      ]),
    );
    expect(warning).toMatchObject({ code: 'short_shelf_life', path: 'items[1].expiryDate', lineNo: 7 });
    expect(warning.message).toContain('Amoxicillin');
    expect(warning.message).toContain('2020-12-31');
    expect(warning.message).toContain('2020-06-20');
  });

  it('falls back to the planned dispatch date, then to the day of recording', () => {
    const expiryDate = '2021-03-01';
    expect(
      codes(input([item({ expiryDate })], { expectedArrivalDate: null, plannedDispatchDate: '2020-03-01' })),
    ).toEqual([]);
    expect(
      codes(input([item({ expiryDate })], { expectedArrivalDate: null, plannedDispatchDate: '2020-03-02' })),
    ).toEqual(['short_shelf_life']);
    const undated = { expectedArrivalDate: null, plannedDispatchDate: null };
    expect(codes(input([item({ expiryDate })], { ...undated, recordedOn: '2020-03-01' }))).toEqual([]);
    expect(codes(input([item({ expiryDate })], { ...undated, recordedOn: '2021-03-01' }))).toEqual([
      'expired',
    ]);
  });
});

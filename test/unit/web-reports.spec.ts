import { barLengths, FULL_BAR } from '../../web/src/reports/bar-scale';
import {
  defaultMeasure,
  measureKey,
  measuresOf,
  measureValue,
  type SummaryRow,
} from '../../web/src/reports/summary-measures';

describe('report bars: lengths from decimal strings, without floating point', () => {
  it('gives each value its share of the largest in thousandths', () => {
    expect(barLengths(['500000', '250000.00', '125000.5', '0'])).toEqual([FULL_BAR, 500, 250, 0]);
  });

  it('compares values of different scales exactly', () => {
    // As floats, 0.1 + 0.2 style errors do not arise here: "0.3" is 3 tenths, "0.30" 30 hundredths.
    expect(barLengths(['0.3', '0.30', '0.1'])).toEqual([1000, 1000, 333]);
  });

  it('keeps digits a float would lose', () => {
    // 2^53 + 1 and 2^53 are the same double; as scaled integers they differ, and the larger one leads.
    expect(barLengths(['9007199254740993', '9007199254740992'])).toEqual([1000, 999]);
  });

  it('draws no bar for a missing, negative or unreadable value, and none at all when everything is zero', () => {
    expect(barLengths([null, '12', undefined, '-5', '1e3', '6'])).toEqual([0, 1000, 0, 0, 0, 500]);
    expect(barLengths(['0', '0.00', null])).toEqual([0, 0, 0]);
  });
});

describe('report measures: one currency or one unit per chart', () => {
  const rows: SummaryRow[] = [
    {
      shipments: 2,
      lines: 3,
      declaredValue: [
        { currency: 'USD', amount: '1200.50' },
        { currency: 'EUR', amount: '10' },
      ],
      quantities: [{ unit: 'box', quantity: '40' }],
    },
    {
      shipments: 1,
      lines: 1,
      declaredValue: [{ currency: 'USD', amount: '99.99' }],
      quantities: [{ unit: 'each', quantity: '2.5' }],
    },
    { shipments: 1, lines: 2, declaredValue: [], quantities: [{ unit: 'box', quantity: '7' }] },
  ];

  it('offers counts, then each currency and each unit on its own', () => {
    expect(measuresOf(rows).map(measureKey)).toEqual([
      'shipments',
      'lines',
      'value:EUR',
      'value:USD',
      'quantity:box',
      'quantity:each',
    ]);
  });

  it('reads one currency’s or one unit’s figure per row, none where the row has none', () => {
    expect(rows.map((row) => measureValue(row, { kind: 'value', currency: 'USD' }))).toEqual([
      '1200.50',
      '99.99',
      null,
    ]);
    expect(rows.map((row) => measureValue(row, { kind: 'quantity', unit: 'box' }))).toEqual([
      '40',
      null,
      '7',
    ]);
    expect(rows.map((row) => measureValue(row, { kind: 'shipments' }))).toEqual(['2', '1', '1']);
  });

  it('opens on the declared value in the first currency, or on the shipment count without any', () => {
    expect(defaultMeasure(measuresOf(rows))).toEqual({ kind: 'value', currency: 'EUR' });
    expect(defaultMeasure(measuresOf([rows[2]]))).toEqual({ kind: 'shipments' });
  });
});

import { computeTotals } from '../../src/shipments/shipment-totals';

describe('computeTotals', () => {
  it('adds 0.10 and 0.20 to exactly 0.30, never through floating point', () => {
    const totals = computeTotals([
      { quantity: '1', unitValue: '0.10', currency: 'EUR' },
      { quantity: '1', unitValue: '0.20', currency: 'EUR' },
    ]);
    expect(totals.declaredValue).toEqual([{ currency: 'EUR', amount: '0.30' }]);
  });

  it('keeps currencies apart, in code order, with PostgreSQL numeric scales', () => {
    const totals = computeTotals([
      { quantity: '500000', unitValue: '0.10', currency: 'USD', weightKg: '2500.5' },
      { quantity: '3000', unitValue: '2.20', currency: 'EUR', weightKg: '3150' },
      { quantity: '2.5', unitValue: '0.125', currency: 'USD' },
      { quantity: '10', unitValue: null, currency: null, volumeM3: '0.25' },
    ]);
    expect(totals).toEqual({
      lines: 4,
      declaredValue: [
        { currency: 'EUR', amount: '6600.00' },
        { currency: 'USD', amount: '50000.3125' },
      ],
      weightKg: '5650.5',
      volumeM3: '0.25',
    });
  });

  it('is exact at the largest values the columns take', () => {
    const totals = computeTotals([{ quantity: '999999999999999.999999', unitValue: '999999999999999.999999', currency: 'CHF' }]);
    expect(totals.declaredValue[0].amount).toBe('999999999999999999998000000000.000000000001') // (10^15 - 10^-6)^2;
    expect(totals.weightKg).toBeNull();
  });
});

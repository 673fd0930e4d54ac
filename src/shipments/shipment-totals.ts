import { Decimal } from '../common/decimal';

export interface TotalsInput {
  quantity: string;
  unitValue?: string | null;
  currency?: string | null;
  weightKg?: string | null;
  volumeM3?: string | null;
}

export interface ShipmentTotals {
  lines: number;
  /** Quantity × unit value, summed per currency (never across currencies), by currency code. */
  declaredValue: Array<{ currency: string; amount: string }>;
  /** Sum of the lines' weights; null when no line gives one. */
  weightKg: string | null;
  volumeM3: string | null;
}

export function computeTotals(items: TotalsInput[]): ShipmentTotals {
  const byCurrency = new Map<string, Decimal>();
  let weight: Decimal | null = null;
  let volume: Decimal | null = null;
  for (const item of items) {
    if (item.unitValue != null && item.currency) {
      const amount = new Decimal(item.quantity).times(item.unitValue);
      byCurrency.set(item.currency, (byCurrency.get(item.currency) ?? new Decimal(0)).plus(amount));
    }
    if (item.weightKg != null) weight = (weight ?? new Decimal(0)).plus(item.weightKg);
    if (item.volumeM3 != null) volume = (volume ?? new Decimal(0)).plus(item.volumeM3);
  }
  return {
    lines: items.length,
    declaredValue: [...byCurrency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, amount]) => ({ currency, amount: amount.toFixed() })),
    weightKg: weight?.toFixed() ?? null,
    volumeM3: volume?.toFixed() ?? null,
  };
}

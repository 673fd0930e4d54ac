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

/**
 * A decimal with the scale PostgreSQL numeric arithmetic would give it: a product keeps the sum of its
 * factors' scales, a sum the largest scale. So 0.10 + 0.20 is "0.30", and totals read the same as the
 * reports that PostgreSQL computes.
 */
class Scaled {
  constructor(
    readonly value: Decimal,
    readonly scale: number,
  ) {}
  static of(text: string): Scaled {
    return new Scaled(new Decimal(text), text.split('.')[1]?.length ?? 0);
  }
  plus(other: Scaled): Scaled {
    return new Scaled(this.value.plus(other.value), Math.max(this.scale, other.scale));
  }
  times(other: Scaled): Scaled {
    return new Scaled(this.value.times(other.value), this.scale + other.scale);
  }
  toString(): string {
    return this.value.toFixed(this.scale);
  }
}

const add = (sum: Scaled | null, text: string) => (sum ? sum.plus(Scaled.of(text)) : Scaled.of(text));

export function computeTotals(items: TotalsInput[]): ShipmentTotals {
  const byCurrency = new Map<string, Scaled>();
  let weight: Scaled | null = null;
  let volume: Scaled | null = null;
  for (const item of items) {
    if (item.unitValue != null && item.currency) {
      const amount = Scaled.of(item.quantity).times(Scaled.of(item.unitValue));
      const sum = byCurrency.get(item.currency);
      byCurrency.set(item.currency, sum ? sum.plus(amount) : amount);
    }
    if (item.weightKg != null) weight = add(weight, item.weightKg);
    if (item.volumeM3 != null) volume = add(volume, item.volumeM3);
  }
  return {
    lines: items.length,
    declaredValue: [...byCurrency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, amount]) => ({ currency, amount: amount.toString() })),
    weightKg: weight?.toString() ?? null,
    volumeM3: volume?.toString() ?? null,
  };
}

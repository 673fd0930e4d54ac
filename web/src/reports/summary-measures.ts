/**
 * What a summary chart can show: the shipment count, the line count, the declared value in one
 * currency, or the quantity in one unit. A chart shows exactly one of them, so currencies and units
 * are never added together or drawn on one scale.
 */
export type Measure =
  | { kind: 'shipments' }
  | { kind: 'lines' }
  | { kind: 'value'; currency: string }
  | { kind: 'quantity'; unit: string };

export interface SummaryRow {
  shipments: number;
  lines: number;
  declaredValue: { currency: string; amount: string }[];
  quantities: { unit: string; quantity: string }[];
}

/** Every measure the rows hold: counts first, then each currency, then each unit, alphabetically. */
export function measuresOf(rows: readonly SummaryRow[]): Measure[] {
  const currencies = new Set(rows.flatMap((row) => row.declaredValue.map((value) => value.currency)));
  const units = new Set(rows.flatMap((row) => row.quantities.map((quantity) => quantity.unit)));
  return [
    { kind: 'shipments' },
    { kind: 'lines' },
    ...[...currencies].sort().map((currency): Measure => ({ kind: 'value', currency })),
    ...[...units].sort().map((unit): Measure => ({ kind: 'quantity', unit })),
  ];
}

/** The measure a chart opens with: the declared value in the first currency, else the shipment count. */
export function defaultMeasure(measures: readonly Measure[]): Measure {
  return measures.find((measure) => measure.kind === 'value') ?? measures[0] ?? { kind: 'shipments' };
}

/** The row's figure for the measure as a decimal string; null when the row has none in that currency or unit. */
export function measureValue(row: SummaryRow, measure: Measure): string | null {
  switch (measure.kind) {
    case 'shipments':
      return String(row.shipments);
    case 'lines':
      return String(row.lines);
    case 'value':
      return row.declaredValue.find((value) => value.currency === measure.currency)?.amount ?? null;
    case 'quantity':
      return row.quantities.find((quantity) => quantity.unit === measure.unit)?.quantity ?? null;
  }
}

/** A stable key for a measure (a chooser's option value). */
export function measureKey(measure: Measure): string {
  switch (measure.kind) {
    case 'value':
      return `value:${measure.currency}`;
    case 'quantity':
      return `quantity:${measure.unit}`;
    default:
      return measure.kind;
  }
}

/**
 * Bar lengths for decimal strings without floating point: every value is scaled to an integer with the
 * same number of fraction digits (BigInt), and each bar is its value's share of the largest, in
 * thousandths. The shown figures are the strings themselves; only the integer share becomes a width.
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export const FULL_BAR = 1000;

/** Each value's length in thousandths of the largest; 0 for a missing, negative or unreadable value. */
export function barLengths(values: readonly (string | null | undefined)[]): number[] {
  const parsed = values.map((value) => (value == null ? undefined : DECIMAL.exec(value)));
  const scale = Math.max(0, ...parsed.map((match) => match?.[2]?.length ?? 0));
  const scaled = parsed.map((match) =>
    match ? BigInt(`${match[1]}${(match[2] ?? '').padEnd(scale, '0')}`) : 0n,
  );
  const largest = scaled.reduce((max, value) => (value > max ? value : max), 0n);
  if (largest === 0n) return scaled.map(() => 0);
  return scaled.map((value) => Number((value * BigInt(FULL_BAR)) / largest));
}

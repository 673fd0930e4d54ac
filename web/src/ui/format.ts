/**
 * Decimals arrive as strings ("500000", "12.50") and are shown without ever becoming floating point:
 * the integer digits are grouped with the locale's separator and the fraction digits kept as they are.
 * Intl tells the separators (formatToParts of small numbers, which floating point holds exactly).
 */
export interface DecimalSymbols {
  group: string;
  decimal: string;
  minus: string;
}

export function decimalSymbols(locale: string): DecimalSymbols {
  const parts = new Intl.NumberFormat(locale, { useGrouping: true }).formatToParts(-12345678.5);
  return {
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
    minus: parts.find((part) => part.type === 'minusSign')?.value ?? '-',
  };
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** "1234567.50" → "1,234,567.50" (en), "1 234 567,50" (uk); anything not a plain decimal is shown as sent. */
export function formatDecimal(value: string, symbols: DecimalSymbols): string {
  const match = DECIMAL.exec(value);
  if (!match) return value;
  const [, sign, integer, fraction] = match;
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, symbols.group);
  return `${sign ? symbols.minus : ''}${grouped}${fraction !== undefined ? symbols.decimal + fraction : ''}`;
}

/** Exact product of two decimal strings (a line's value = quantity × unit value), by BigInt. */
export function multiplyDecimals(a: string, b: string): string | null {
  const x = DECIMAL.exec(a);
  const y = DECIMAL.exec(b);
  if (!x || !y) return null;
  const scale = (x[3]?.length ?? 0) + (y[3]?.length ?? 0);
  const product = BigInt(`${x[1]}${x[2]}${x[3] ?? ''}`) * BigInt(`${y[1]}${y[2]}${y[3] ?? ''}`);
  const negative = product < 0n;
  const digits = (negative ? -product : product).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = scale ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${integer}${fraction}`;
}

/** Subtracts decimal strings exactly (what is still outstanding on a line). */
export function subtractDecimals(a: string, b: string): string | null {
  const x = DECIMAL.exec(a);
  const y = DECIMAL.exec(b);
  if (!x || !y) return null;
  const scale = Math.max(x[3]?.length ?? 0, y[3]?.length ?? 0);
  const scaled = (m: RegExpExecArray) => BigInt(`${m[1]}${m[2]}${(m[3] ?? '').padEnd(scale, '0')}`);
  const difference = scaled(x) - scaled(y);
  const negative = difference < 0n;
  const digits = (negative ? -difference : difference).toString().padStart(scale + 1, '0');
  const fraction = scale ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${digits.slice(0, digits.length - scale)}${fraction}`;
}

export function formatDate(isoDate: string | null | undefined, locale: string): string {
  if (!isoDate) return '';
  const [year, month, day] = isoDate.split('-').map(Number);
  if (!year || !month || !day) return isoDate;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, day));
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '';
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(time);
}

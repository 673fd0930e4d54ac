import BaseDecimal from 'decimal.js';
import { JsonNumber } from './json-body';

/**
 * decimal.js rounds every result to 20 significant digits by default, which silently changes a
 * 21-digit amount (15 + 6 digits) and a line value (quantity × unit value, up to 42). With 64 no
 * result within the limits below is ever rounded. Import Decimal from here, never from decimal.js.
 */
export const Decimal = BaseDecimal.clone({ precision: 64 });
export type Decimal = BaseDecimal;

/**
 * Quantities, money, weights and volumes travel as decimal strings from the JSON text to PostgreSQL
 * `numeric` and back: JSON numbers are parsed losslessly (see json-body.ts), and arithmetic happens in
 * decimal.js or in SQL, never in binary floating point.
 */
export const MAX_INTEGER_DIGITS = 15;
export const MAX_FRACTION_DIGITS = 6;

const PLAIN = /^(\d+)(?:\.(\d+))?$/;

/** The canonical decimal string of a JSON string or number, or undefined when it is not a finite decimal. */
export function toDecimalString(value: unknown): string | undefined {
  let text: string;
  if (value instanceof JsonNumber) text = value.text;
  else if (typeof value === 'string') text = value;
  else return undefined;
  if (text.length === 0 || text.length > 64) return undefined;
  const plain = PLAIN.exec(text);
  if (plain) {
    // Keep the scale the client wrote ("12.50" stays "12.50"); drop only leading zeros.
    const integer = plain[1].replace(/^0+(?=\d)/, '');
    return plain[2] === undefined ? integer : `${integer}.${plain[2]}`;
  }
  if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return undefined;
  const decimal = new Decimal(text);
  // toFixed() writes out every digit: "1e300000000" would become a 300-million-character string and
  // exhaust the heap. Nothing that long can fit the limits below, so refuse it like an over-long text.
  if (!decimal.isFinite() || Math.abs(decimal.e) > 64) return undefined;
  return decimal.toFixed();
}

/** Why a canonical decimal string breaks the limits, or undefined when it fits. */
export function decimalLimitViolation(decimal: string, { positive }: { positive: boolean }): string | undefined {
  if (decimal.startsWith('-')) return 'must not be negative';
  const [integer, fraction = ''] = decimal.split('.');
  if (integer.length > MAX_INTEGER_DIGITS || fraction.length > MAX_FRACTION_DIGITS) {
    return `must have at most ${MAX_INTEGER_DIGITS} digits before and ${MAX_FRACTION_DIGITS} after the decimal point`;
  }
  if (positive && new Decimal(decimal).isZero()) return 'must be greater than 0';
  return undefined;
}

export function decimalCompare(a: string, b: string): number {
  return new Decimal(a).comparedTo(new Decimal(b));
}

export function decimalAdd(...values: string[]): string {
  return values.reduce((sum, value) => sum.plus(value), new Decimal(0)).toFixed();
}

export function decimalSubtract(a: string, b: string): string {
  return new Decimal(a).minus(b).toFixed();
}

import {
  decimalAdd,
  decimalCompare,
  decimalLimitViolation,
  decimalSubtract,
  MAX_FRACTION_DIGITS,
  MAX_INTEGER_DIGITS,
  toDecimalString,
} from '../../src/common/decimal';
import { JsonNumber } from '../../src/common/json-body';

describe('toDecimalString', () => {
  it.each([
    ['1500', '1500'],
    ['12.50', '12.50'], // the scale the client wrote is kept
    ['0.10', '0.10'],
    ['00012.50', '12.50'],
    ['0', '0'],
    ['000', '0'],
    ['0.000001', '0.000001'],
    ['1e2', '100'],
    ['1E2', '100'],
    ['1.5e1', '15'],
    ['12.50e0', '12.5'],
    ['25e-2', '0.25'],
    ['1e-7', '0.0000001'],
    ['-1', '-1'],
    ['-0', '0'],
    ['999999999999999.999999', '999999999999999.999999'],
  ])('reads %s as %s, from a string or a JSON number', (text, expected) => {
    expect(toDecimalString(text)).toBe(expected);
    expect(toDecimalString(new JsonNumber(text))).toBe(expected);
  });

  it('never goes through binary floating point', () => {
    expect(toDecimalString(new JsonNumber('0.1'))).toBe('0.1');
    expect(toDecimalString(new JsonNumber('12345678901234567890.123456789'))).toBe(
      '12345678901234567890.123456789',
    );
    expect(toDecimalString(new JsonNumber('9007199254740993'))).toBe('9007199254740993');
  });

  it.each([
    '',
    ' 1',
    '1 ',
    '+1',
    '.5',
    '1.',
    '1,5',
    '0x10',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e',
    '1e+',
    '--1',
    '½',
    '١',
  ])('refuses %j', (text) => {
    expect(toDecimalString(text)).toBeUndefined();
  });

  it('refuses what is not a string or a JSON number (JS numbers included: they are already floats)', () => {
    for (const value of [1, 0.5, null, undefined, true, {}, [], ['1'], { text: '1' }]) {
      expect(toDecimalString(value)).toBeUndefined();
    }
  });

  it('refuses texts longer than 64 characters', () => {
    expect(toDecimalString('1'.repeat(64))).toBe('1'.repeat(64));
    expect(toDecimalString('1'.repeat(65))).toBeUndefined();
    expect(toDecimalString(`0.${'0'.repeat(63)}`)).toBeUndefined();
  });

  it('refuses huge exponents quickly instead of writing out every digit', () => {
    const started = Date.now();
    // The modest ones first: should the guard go, they fail cleanly before the absurd ones exhaust the heap.
    for (const text of ['1e65', '1e-65', '1e10000000', '1e300000000', '1e-300000000', '9e9000000000000000']) {
      expect(toDecimalString(new JsonNumber(text))).toBeUndefined();
    }
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('still reads moderately large exponents, which the limits then refuse', () => {
    const big = toDecimalString('1e20');
    expect(big).toBe(`1${'0'.repeat(20)}`);
    expect(decimalLimitViolation(big!, { positive: true })).toMatch(/at most 15 digits/);
  });
});

describe('decimalLimitViolation', () => {
  const positive = { positive: true };
  const nonNegative = { positive: false };

  it('accepts up to 15 digits before and 6 after the point', () => {
    expect(MAX_INTEGER_DIGITS).toBe(15);
    expect(MAX_FRACTION_DIGITS).toBe(6);
    expect(decimalLimitViolation('999999999999999.999999', positive)).toBeUndefined();
    expect(decimalLimitViolation('0.000001', positive)).toBeUndefined();
    expect(decimalLimitViolation('1', positive)).toBeUndefined();
  });

  it.each(['1000000000000000', '0.0000001', '1000000000000000.1', '1.1234567'])(
    'refuses the digits of %s',
    (value) => {
      expect(decimalLimitViolation(value, nonNegative)).toBe(
        'must have at most 15 digits before and 6 after the decimal point',
      );
    },
  );

  it('refuses negatives', () => {
    expect(decimalLimitViolation('-1', nonNegative)).toBe('must not be negative');
    expect(decimalLimitViolation('-0.5', positive)).toBe('must not be negative');
  });

  it('refuses zero only where a positive value is required', () => {
    for (const zero of ['0', '0.0', '0.000000']) {
      expect(decimalLimitViolation(zero, positive)).toBe('must be greater than 0');
      expect(decimalLimitViolation(zero, nonNegative)).toBeUndefined();
    }
  });

  it('works with toDecimalString on JSON numbers', () => {
    const check = (literal: string) =>
      decimalLimitViolation(toDecimalString(new JsonNumber(literal))!, positive);
    expect(check('1.5e1')).toBeUndefined();
    expect(check('1e15')).toMatch(/at most 15 digits/);
    expect(check('1e-6')).toBeUndefined();
    expect(check('1e-7')).toMatch(/at most 15 digits/);
    expect(check('0e5')).toBe('must be greater than 0');
  });
});

describe('decimal arithmetic', () => {
  it('adds, subtracts and compares exactly, beyond twenty significant digits', () => {
    expect(decimalAdd('0.1', '0.2')).toBe('0.3');
    expect(decimalAdd()).toBe('0');
    expect(decimalAdd('999999999999999.999999', '0.000001')).toBe('1000000000000000');
    expect(decimalAdd('123456789012345.123456', '123456789012345.123456')).toBe('246913578024690.246912');
    expect(decimalSubtract('1.5', '0.25')).toBe('1.25');
    expect(decimalSubtract('123456789012345.123456', '0.000001')).toBe('123456789012345.123455');
    expect(decimalCompare('12.50', '12.5')).toBe(0);
    expect(decimalCompare('0.000001', '0')).toBe(1);
    expect(decimalCompare('123456789012345.123455', '123456789012345.123456')).toBe(-1);
  });
});

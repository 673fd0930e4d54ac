import { decimalSymbols, formatDecimal, multiplyDecimals, subtractDecimals } from '../../web/src/ui/format';

describe('web app: decimals shown for the reader without floating point', () => {
  const en = decimalSymbols('en-GB');
  const uk = decimalSymbols('uk-UA');
  const de = decimalSymbols('de-DE');

  it('groups the integer digits with the locale separator and keeps the fraction digits as sent', () => {
    expect(formatDecimal('265000.00', en)).toBe('265,000.00');
    expect(formatDecimal('500000', en)).toBe('500,000');
    expect(formatDecimal('0.10', en)).toBe('0.10');
    expect(formatDecimal('1234567.50', de)).toBe('1.234.567,50');
    expect(formatDecimal('1234567.50', uk)).toBe(`1${uk.group}234${uk.group}567,50`);
    expect(formatDecimal('-1500', en)).toBe(`${en.minus}1,500`);
  });

  it('keeps digits that a double would round away', () => {
    // 2^53 + 1 and 20 fraction digits are not representable as a JavaScript number.
    expect(formatDecimal('9007199254740993', en)).toBe('9,007,199,254,740,993');
    expect(formatDecimal('0.12345678901234567890', en)).toBe('0.12345678901234567890');
    expect(formatDecimal('12345678901234567890.123456', en)).toBe('12,345,678,901,234,567,890.123456');
  });

  it('shows anything that is not a plain decimal as it came', () => {
    expect(formatDecimal('1e3', en)).toBe('1e3');
    expect(formatDecimal('', en)).toBe('');
  });

  it('multiplies and subtracts decimal strings exactly', () => {
    expect(multiplyDecimals('500000', '0.10')).toBe('50000.00');
    expect(multiplyDecimals('0.1', '0.2')).toBe('0.02');
    expect(subtractDecimals('10000', '9850')).toBe('150');
    expect(subtractDecimals('0.3', '0.1')).toBe('0.2');
    expect(subtractDecimals('1', '1.5')).toBe('-0.5');
  });
});

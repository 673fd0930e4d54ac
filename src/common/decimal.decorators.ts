import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { decimalLimitViolation, toDecimalString } from './decimal';

const CANONICAL = /^\d+(\.\d+)?$/;

/**
 * A quantity or amount: accepts a JSON string or number, keeps it a decimal string (never a float),
 * and refuses negatives, zero when `positive`, and more digits than the database column allows.
 */
export function DecimalString({ positive = false } = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: String, example: positive ? '1500' : '12.50', description: 'Decimal, as a string or JSON number' }),
    Transform(({ value }) => toDecimalString(value) ?? value),
    ValidateBy({
      name: positive ? 'positiveDecimal' : 'nonNegativeDecimal',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && CANONICAL.test(value) && !decimalLimitViolation(value, { positive }),
        defaultMessage: (args) => {
          const value = args?.value;
          if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) {
            return decimalLimitViolation(value, { positive }) ?? 'is invalid';
          }
          return 'must be a decimal number, as a JSON string or number (e.g. "12.50")';
        },
      },
    }),
  );
}

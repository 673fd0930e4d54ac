import { ApiProperty } from '@nestjs/swagger';

/** How decimals are served: a string of digits, never a JSON number (no floating point on the way). */
export const DECIMAL_PATTERN = '^\\d+(\\.\\d+)?$';

/** A served decimal (quantity, amount, weight): `type: string` with the decimal pattern. */
export function ApiDecimal({ nullable = false, example = '12.50', description }: { nullable?: boolean; example?: string; description?: string } = {}): PropertyDecorator {
  return ApiProperty({ type: String, pattern: DECIMAL_PATTERN, nullable, example, ...(description ? { description } : {}) });
}

import { ApiProperty } from '@nestjs/swagger';
import { ApiDecimal } from '../../common/openapi/api-decimal.decorator';

export class CurrencyAmountDto {
  /** ISO 4217 code. */
  currency!: string;
  @ApiDecimal({ example: '265000.00', description: "The sum of quantity × unit value over the group's lines in this currency." })
  amount!: string;
}

export class UnitQuantityDto {
  unit!: string;
  @ApiDecimal({ example: '510200', description: "The sum of the group's line quantities in this unit." })
  quantity!: string;
}

export class SummaryRowDto {
  /** The organization id, status, category, country code or `YYYY-MM`. */
  key!: string;
  /** The organization's name; otherwise the key itself. */
  label!: string;
  /** Distinct shipments in the group. */
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 })
  shipments!: number;
  /** Line items in the group. */
  @ApiProperty({ type: 'integer', minimum: 0, example: 4 })
  lines!: number;
  /** Per currency, never converted nor added across currencies; lines without a unit value count in none. */
  declaredValue!: CurrencyAmountDto[];
  /** Per unit, never added across units. */
  quantities!: UnitQuantityDto[];
}

export class SummaryReportDto {
  groupBy!: string;
  /** Ordered by label (months chronologically). */
  rows!: SummaryRowDto[];
}

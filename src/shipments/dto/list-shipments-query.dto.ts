import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsDateString, IsIn, IsInt, IsISO31661Alpha2, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { STATUSES } from '../shipment-lifecycle';
import { CATEGORIES } from '../shipment-vocabulary';

export const SHIPMENT_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt'] as const;
export type ShipmentSort = (typeof SHIPMENT_SORTS)[number];

const commaList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()).filter(Boolean) : value;

// In the OpenAPI document: one parameter holding a comma list (style form, explode false), so that
// generated clients send `status=in_transit,held` rather than the parameter once per value.
const COMMA_LIST_OF_STATUSES = { isArray: true, enum: STATUSES, style: 'form', explode: false };

/** The shipment filters, shared by the list, the summary report and the export. */
export class ShipmentFilterDto {
  /** One status or a comma list, e.g. `in_transit,held`. */
  @ApiPropertyOptional(COMMA_LIST_OF_STATUSES)
  @IsOptional() @Transform(commaList) @IsArray() @IsIn(STATUSES, { each: true })
  status?: string[];

  @IsOptional() @IsUUID()
  donorId?: string;

  @IsOptional() @IsUUID()
  recipientId?: string;

  /** Shipments in which this organization is donor, recipient or partner. */
  @IsOptional() @IsUUID()
  organizationId?: string;

  /** Shipments with at least one line of this category. */
  @IsOptional() @IsIn(CATEGORIES)
  category?: string;

  @IsOptional() @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  originCountry?: string;

  @IsOptional() @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  destinationCountry?: string;

  /** Case-insensitive, e.g. `covid-19`. */
  @IsOptional() @IsString() @MaxLength(200)
  emergency?: string;

  /** Text in the reference, the title or any line (description, item code, batch). */
  @IsOptional() @IsString() @MaxLength(200)
  q?: string;

  @IsOptional() @IsDateString({ strict: true })
  createdFrom?: string;

  @IsOptional() @IsDateString({ strict: true })
  createdTo?: string;

  @IsOptional() @IsDateString({ strict: true })
  updatedSince?: string;
}

export class ListShipmentsQueryDto extends ShipmentFilterDto {
  @IsOptional() @IsIn(SHIPMENT_SORTS)
  sort?: ShipmentSort;

  // PageQueryDto's fields, repeated because a class extends only one other.
  /** Rows per page, 1..200 (default 50). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200)
  limit?: number;

  @IsOptional() @IsString() @MaxLength(512)
  cursor?: string;
}

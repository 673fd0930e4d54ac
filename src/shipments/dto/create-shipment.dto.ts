import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsISO31661Alpha2,
  IsISO4217CurrencyCode,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DecimalString } from '../../common/decimal.decorators';
import { IsCalendarDate } from '../../common/calendar-date';
import { CATEGORIES, MAX_ITEMS, MAX_PARTNERS, PRIORITIES, TRANSPORT_MODES, UNITS } from '../shipment-vocabulary';

export class PlaceDto {
  /** ISO 3166-1 alpha-2. */
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  countryCode: string;

  /** City, port, border crossing or warehouse, e.g. "Baku". */
  @IsOptional() @IsString() @MaxLength(200)
  location?: string | null;
}

export class ShipmentItemDto {
  @IsString() @MinLength(1) @MaxLength(500) @Matches(/\S/, { message: 'must not be blank' })
  description: string;

  @IsIn(CATEGORIES)
  category: (typeof CATEGORIES)[number];

  /** How many `unit`s; greater than 0. */
  @DecimalString({ positive: true })
  quantity: string;

  @IsIn(UNITS)
  unit: (typeof UNITS)[number];

  /** Value of one unit; needs `currency`. */
  @IsOptional() @DecimalString()
  unitValue?: string | null;

  /** ISO 4217; required with `unitValue`. */
  @ValidateIf((item: ShipmentItemDto) => item.unitValue !== undefined && item.unitValue !== null || item.currency !== undefined)
  @IsISO4217CurrencyCode({ message: 'must be an ISO 4217 currency code (required with unitValue)' })
  currency?: string | null;

  @IsOptional() @IsString() @MaxLength(100)
  itemCode?: string | null;

  /** Lot or batch number. */
  @IsOptional() @IsString() @MaxLength(100)
  batchNumber?: string | null;

  /** YYYY-MM-DD. */
  @IsOptional() @IsCalendarDate()
  expiryDate?: string | null;

  /** Gross weight of the whole line, kg. */
  @IsOptional() @DecimalString()
  weightKg?: string | null;

  /** Volume of the whole line, m³. */
  @IsOptional() @DecimalString()
  volumeM3?: string | null;
}

export class CreateShipmentDto {
  /** Unique. Assigned as SHP-<year>-<6 digits> when absent (that form is reserved for assigned ones). */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._\/-]*$/, { message: 'may contain letters, digits and . _ / - only' })
  // GET /shipments/:idOrReference reads a UUID as an id, so such a reference could never be looked up.
  @Matches(/^(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$)/i, { message: 'must not have the form of a UUID' })
  // GET /shipments/export and POST /shipments/import are routes: such a shipment could not be read by reference.
  @Matches(/^(?!(export|import)$)/, { message: 'must not be "export" or "import" (paths of their own)' })
  reference?: string;

  @IsOptional() @IsString() @MaxLength(300)
  title?: string | null;

  @IsUUID()
  donorId: string;

  @IsUUID()
  recipientId: string;

  /** Implementing, logistics or other partner organizations. */
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_PARTNERS) @ArrayUnique() @IsUUID('all', { each: true })
  partnerIds?: string[];

  // ValidateNested alone lets a missing object through (the service would then fail on it).
  @IsObject() @ValidateNested() @Type(() => PlaceDto)
  origin: PlaceDto;

  @IsObject() @ValidateNested() @Type(() => PlaceDto)
  destination: PlaceDto;

  @IsOptional() @IsIn(TRANSPORT_MODES)
  transportMode?: (typeof TRANSPORT_MODES)[number] | null;

  /** The emergency or appeal, e.g. "COVID-19". */
  @IsOptional() @IsString() @MaxLength(200)
  emergency?: string | null;

  @IsOptional() @IsIn(PRIORITIES)
  priority?: (typeof PRIORITIES)[number];

  @IsOptional() @IsCalendarDate()
  plannedDispatchDate?: string | null;

  @IsOptional() @IsCalendarDate()
  expectedArrivalDate?: string | null;

  /** 1..1000 lines. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ITEMS) @ValidateNested({ each: true }) @Type(() => ShipmentItemDto)
  items: ShipmentItemDto[];
}

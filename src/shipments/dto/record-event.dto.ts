import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsISO31661Alpha2,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DecimalString } from '../../common/decimal.decorators';
import { jsonNumberToNumber } from '../../common/validation';
import { EVENT_TYPES } from '../shipment-lifecycle';
import { MAX_ITEMS } from '../shipment-vocabulary';

export class EventLocationDto {
  @IsOptional() @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  countryCode?: string;

  /** e.g. "Kars railway station". */
  @IsOptional() @IsString() @MaxLength(200)
  name?: string;

  @IsOptional() @Transform(jsonNumberToNumber) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-90) @Max(90)
  lat?: number;

  @IsOptional() @Transform(jsonNumberToNumber) @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-180) @Max(180)
  lon?: number;
}

export class ReceiptLineDto {
  /** A line (item id) of this shipment. */
  @IsUUID()
  itemId: string;

  /** Received in good condition with this receipt. */
  @DecimalString()
  quantityReceived: string;

  /** Received damaged (or unusable) with this receipt. */
  @IsOptional() @DecimalString()
  quantityDamaged?: string;
}

export class ReceiptDto {
  /** Who signed for the goods. */
  @IsString() @MinLength(1) @MaxLength(200)
  receivedBy: string;

  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_ITEMS) @ValidateNested({ each: true }) @Type(() => ReceiptLineDto)
  lines: ReceiptLineDto[];
}

export class EvidenceDto {
  /** e.g. waybill, customs_declaration, photo, delivery_note, signature. */
  @IsString() @MinLength(1) @MaxLength(50)
  kind: string;

  /** Document number, file name or URL. */
  @IsString() @MinLength(1) @MaxLength(500)
  reference: string;

  /** SHA-256 of the document, lowercase hex. */
  @IsOptional() @Matches(/^[0-9a-f]{64}$/, { message: 'must be 64 lowercase hex characters' })
  sha256?: string;
}

export class RecordEventDto {
  /** The new status. */
  @IsIn(EVENT_TYPES)
  type: (typeof EVENT_TYPES)[number];

  /** When it happened; defaults to now. May be back-dated, not into the future, not before the previous event. */
  @IsOptional() @IsDateString({ strict: true, strictSeparator: true })
  occurredAt?: string;

  @IsOptional() @ValidateNested() @Type(() => EventLocationDto)
  location?: EventLocationDto;

  @IsOptional() @IsString() @MaxLength(2000)
  note?: string;

  /** Required for `delivered` and `partially_delivered`. */
  @IsOptional() @ValidateNested() @Type(() => ReceiptDto)
  receipt?: ReceiptDto;

  @IsOptional() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => EvidenceDto)
  evidence?: EvidenceDto[];
}

export class VoidEventDto {
  /** Why the event was a mistake. */
  @IsString() @MinLength(1) @MaxLength(2000) @Matches(/\S/, { message: 'must not be blank' })
  reason: string;
}

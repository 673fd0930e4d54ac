import { ApiProperty } from '@nestjs/swagger';
import { ApiDecimal } from '../../common/openapi/api-decimal.decorator';
import { PageOf } from '../../common/openapi/page.dto';
import { ROLES } from '../../access/access-token.entity';
import { EVENT_TYPES, STATUSES } from '../shipment-lifecycle';
import { CATEGORIES, PRIORITIES, TRANSPORT_MODES, UNITS } from '../shipment-vocabulary';
import { EventLocationDto, EvidenceDto, ReceiptDto } from './record-event.dto';

// The shipment as served (and as recorded in the audit trail); shipment.views.ts names these for the code.

export class OrganizationRefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Republic of Azerbaijan' })
  name: string;
}

export class ShipmentPlaceDto {
  /** ISO 3166-1 alpha-2. */
  @ApiProperty({ example: 'AZ' })
  countryCode: string;

  @ApiProperty({ type: String, nullable: true, example: 'Baku' })
  location: string | null;
}

export class DeclaredValueDto {
  /** ISO 4217. */
  @ApiProperty({ example: 'USD' })
  currency: string;

  @ApiDecimal({ example: '265000.00', description: 'Quantity × unit value, summed over the lines in this currency.' })
  amount: string;
}

export class ShipmentTotalsDto {
  @ApiProperty({ type: 'integer', example: 4 })
  lines: number;

  /** Per currency, never converted nor added across currencies; lines without a unit value count in none. */
  @ApiProperty({ type: () => DeclaredValueDto, isArray: true })
  declaredValue: DeclaredValueDto[];

  @ApiDecimal({ nullable: true, example: '5400.5', description: "Sum of the lines' weights, kg; null when no line gives one." })
  weightKg: string | null;

  @ApiDecimal({ nullable: true, example: '32.4', description: "Sum of the lines' volumes, m³; null when no line gives one." })
  volumeM3: string | null;
}

/** What a donations officer should see (WHO guidelines: a year of shelf life on arrival); never a refusal. */
export class DonationWarningDto {
  @ApiProperty({ enum: ['expired', 'short_shelf_life', 'expiry_missing'] })
  code: 'expired' | 'short_shelf_life' | 'expiry_missing';

  @ApiProperty({ example: 'items[2].expiryDate' })
  path: string;

  @ApiProperty({ type: 'integer', example: 3 })
  lineNo: number;

  @ApiProperty({ example: 'PCR test kits: expires 2021-03-31, less than 12 months after arrival (2020-06-20)' })
  message: string;
}

export class ItemDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  /** 1 for the first line, in the order sent. */
  @ApiProperty({ type: 'integer', example: 1 })
  lineNo: number;

  @ApiProperty({ example: 'Protective suits' })
  description: string;

  @ApiProperty({ enum: CATEGORIES, example: 'ppe' })
  category: string;

  @ApiDecimal({ example: '10000' })
  quantity: string;

  @ApiProperty({ enum: UNITS, example: 'each' })
  unit: string;

  @ApiDecimal({ nullable: true, example: '12.50' })
  unitValue: string | null;

  /** ISO 4217. */
  @ApiProperty({ type: String, nullable: true, example: 'USD' })
  currency: string | null;

  @ApiProperty({ type: String, nullable: true })
  itemCode: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'PCR-2020-0519' })
  batchNumber: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2021-11-30' })
  expiryDate: string | null;

  @ApiDecimal({ nullable: true, example: '2500' })
  weightKg: string | null;

  @ApiDecimal({ nullable: true, example: '12.5' })
  volumeM3: string | null;

  /** Received in good condition, over every receipt so far. */
  @ApiDecimal({ example: '9850' })
  quantityReceived: string;

  /** Received damaged or unusable, over every receipt so far. */
  @ApiDecimal({ example: '150' })
  quantityDamaged: string;
}

/** The fields a shipment has in lists and in full. */
class ShipmentFieldsDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'SHP-2026-000001' })
  reference: string;

  @ApiProperty({ type: String, nullable: true, example: 'COVID-19 assistance to the Ministry of Health of Ukraine' })
  title: string | null;

  @ApiProperty({ enum: STATUSES, example: 'planned' })
  status: string;

  /** Goes up by one with every change; the ETag is `"<version>"`. */
  @ApiProperty({ type: 'integer', example: 1 })
  version: number;

  @ApiProperty({ type: () => OrganizationRefDto })
  donor: OrganizationRefDto;

  @ApiProperty({ type: () => OrganizationRefDto })
  recipient: OrganizationRefDto;

  @ApiProperty({ type: () => OrganizationRefDto, isArray: true })
  partners: OrganizationRefDto[];

  @ApiProperty({ type: () => ShipmentPlaceDto })
  origin: ShipmentPlaceDto;

  @ApiProperty({ type: () => ShipmentPlaceDto })
  destination: ShipmentPlaceDto;

  @ApiProperty({ type: String, enum: TRANSPORT_MODES, nullable: true, example: 'rail' })
  transportMode: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'COVID-19' })
  emergency: string | null;

  @ApiProperty({ enum: PRIORITIES, example: 'urgent' })
  priority: string;

  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2020-06-10' })
  plannedDispatchDate: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2020-06-20' })
  expectedArrivalDate: string | null;

  @ApiProperty({ type: () => ShipmentTotalsDto })
  totals: ShipmentTotalsDto;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

/** A shipment in a list: its lines counted, not listed. */
export class ShipmentSummaryDto extends ShipmentFieldsDto {
  @ApiProperty({ type: 'integer', example: 4 })
  lineCount: number;
}

/** A shipment with its lines and the donation warnings they raise. */
export class ShipmentDto extends ShipmentFieldsDto {
  @ApiProperty({ type: () => ItemDto, isArray: true })
  items: ItemDto[];

  @ApiProperty({ type: () => DonationWarningDto, isArray: true })
  warnings: DonationWarningDto[];
}

export class ShipmentSummaryPageDto extends PageOf(ShipmentSummaryDto) {}

/** Who recorded an event: the token, as it was then. */
export class EventActorDto {
  @ApiProperty({ format: 'uuid' })
  tokenId: string;

  @ApiProperty({ example: 'Logistics desk' })
  name: string;

  @ApiProperty({ enum: ROLES, example: 'coordinator' })
  role: string;
}

export class EventDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  shipmentId: string;

  /** The status it moved to, or `void` for the correction that voids an earlier event. */
  @ApiProperty({ enum: [...EVENT_TYPES, 'void'], example: 'dispatched' })
  type: string;

  @ApiProperty({ enum: STATUSES, example: 'planned' })
  fromStatus: string;

  @ApiProperty({ enum: STATUSES, example: 'dispatched' })
  toStatus: string;

  @ApiProperty({ format: 'date-time', example: '2020-06-10T08:00:00.000Z' })
  occurredAt: string;

  @ApiProperty({ format: 'date-time' })
  recordedAt: string;

  @ApiProperty({ type: () => EventLocationDto, nullable: true })
  location: EventLocationDto | null;

  @ApiProperty({ type: String, nullable: true, example: 'Customs inspection at Kars' })
  note: string | null;

  @ApiProperty({ type: () => ReceiptDto, nullable: true })
  receipt: ReceiptDto | null;

  @ApiProperty({ type: () => EvidenceDto, isArray: true, nullable: true })
  evidence: EvidenceDto[] | null;

  @ApiProperty({ type: () => EventActorDto })
  actor: EventActorDto;

  /** On a `void` event: the event it voids. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  voidsEventId: string | null;

  /** Set once the event is voided; it stays in the timeline, marked. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  voidedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  voidReason: string | null;
}

export class EventPageDto extends PageOf(EventDto) {}

/** The shipment after an event: its new status and version (the ETag). */
export class ShipmentStateDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: STATUSES, example: 'dispatched' })
  status: string;

  @ApiProperty({ type: 'integer', example: 2 })
  version: number;
}

export class EventRecordedDto {
  @ApiProperty({ type: () => EventDto })
  event: EventDto;

  @ApiProperty({ type: () => ShipmentStateDto })
  shipment: ShipmentStateDto;
}

export class EventVoidedDto {
  /** The `void` event that records the correction. */
  @ApiProperty({ type: () => EventDto })
  event: EventDto;

  /** The event voided, now marked. */
  @ApiProperty({ type: () => EventDto })
  voidedEvent: EventDto;

  @ApiProperty({ type: () => ShipmentStateDto })
  shipment: ShipmentStateDto;
}

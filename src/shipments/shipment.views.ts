import type { EventDto, ItemDto, OrganizationRefDto, ShipmentDto, ShipmentSummaryDto } from './dto/shipment-response.dto';

// The shipment as served (and as recorded in the audit trail), built in SQL by shipments.repository.
// The response classes in dto/shipment-response.dto.ts are the shapes (the OpenAPI document shows them);
// these names are what the code calls them.
export type ItemView = ItemDto;
export type OrganizationRef = OrganizationRefDto;
export type ShipmentSummaryView = ShipmentSummaryDto;
export type ShipmentView = ShipmentDto;
export type EventView = EventDto;

import type { Schemas } from '../api/client';

type Item = Schemas['CreateShipmentDto']['items'][number];
type Shipment = Schemas['CreateShipmentDto'];

/**
 * The API's vocabularies, in the order the screens offer them (labels come from the catalogue). Each is
 * checked against the contract: a value the API no longer takes fails the type-check.
 */
export const STATUSES = ['planned', 'dispatched', 'in_transit', 'held', 'arrived', 'partially_delivered', 'delivered', 'cancelled', 'lost'] as const satisfies readonly Schemas['ShipmentDto']['status'][];
export const CATEGORIES = [
  'medical_equipment',
  'medical_consumables',
  'pharmaceuticals',
  'ppe',
  'laboratory',
  'food',
  'nutrition',
  'wash',
  'shelter',
  'non_food_items',
  'logistics_equipment',
  'other',
] as const satisfies readonly Item['category'][];
export const UNITS = ['each', 'pack', 'box', 'carton', 'pallet', 'kit', 'kg', 'tonne', 'litre', 'dose', 'set'] as const satisfies readonly Item['unit'][];
export const TRANSPORT_MODES = ['air', 'sea', 'road', 'rail', 'multimodal'] as const satisfies readonly NonNullable<Shipment['transportMode']>[];
export const PRIORITIES = ['urgent', 'standard', 'low'] as const satisfies readonly NonNullable<Shipment['priority']>[];

export type Status = (typeof STATUSES)[number];
export type Category = (typeof CATEGORIES)[number];
export type Unit = (typeof UNITS)[number];
export type TransportMode = (typeof TRANSPORT_MODES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type EventType = Schemas['RecordEventDto']['type'];

/**
 * The delivery lifecycle's moves (the API's transition table), so the event form offers only the
 * events the shipment's status allows; the API refuses any other with 409.
 */
export const NEXT_EVENTS: Record<string, readonly string[]> = {
  planned: ['dispatched', 'cancelled'],
  dispatched: ['in_transit', 'held', 'arrived', 'lost', 'cancelled'],
  in_transit: ['in_transit', 'held', 'arrived', 'lost'],
  held: ['in_transit', 'arrived', 'lost'],
  arrived: ['partially_delivered', 'delivered', 'held'],
  partially_delivered: ['partially_delivered', 'delivered'],
};

export const RECEIPT_EVENTS = new Set(['partially_delivered', 'delivered']);

/**
 * The delivery lifecycle as data: for each status, the event types (= new statuses) it may move to.
 * Every move is checked here and nowhere else.
 */
export const STATUSES = [
  'planned',
  'dispatched',
  'in_transit',
  'held',
  'arrived',
  'partially_delivered',
  'delivered',
  'cancelled',
  'lost',
] as const;
export type ShipmentStatus = (typeof STATUSES)[number];
export type EventType = Exclude<ShipmentStatus, 'planned'>;
export const EVENT_TYPES = STATUSES.filter((status): status is EventType => status !== 'planned');

export const TRANSITIONS: Readonly<Record<ShipmentStatus, readonly EventType[]>> = {
  planned: ['dispatched', 'cancelled'],
  dispatched: ['in_transit', 'held', 'arrived', 'lost', 'cancelled'],
  in_transit: ['in_transit', 'held', 'arrived', 'lost'], // in_transit → in_transit is a position update
  held: ['in_transit', 'arrived', 'lost'],
  arrived: ['delivered', 'partially_delivered', 'held'],
  partially_delivered: ['delivered', 'partially_delivered'],
  delivered: [],
  cancelled: [],
  lost: [],
};

/** Event types that carry a receipt of goods. */
export const RECEIPT_EVENTS: readonly EventType[] = ['delivered', 'partially_delivered'];

export function canTransition(from: ShipmentStatus, to: EventType): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(status: ShipmentStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

/** The 409 detail for a refused move, naming both statuses and what would have been allowed. */
export function transitionRefusal(from: ShipmentStatus, to: EventType): string {
  const allowed = TRANSITIONS[from];
  return allowed.length === 0
    ? `A shipment that is ${from} cannot become ${to}: ${from} is final.`
    : `A shipment that is ${from} cannot become ${to}; from ${from} it can become ${allowed.join(', ')}.`;
}

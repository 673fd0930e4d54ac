import type { FieldError } from '../common/problem';

/** What the party and date rules of a shipment look at. */
export interface PartiesAndDates {
  donorId: string;
  recipientId: string;
  partnerIds?: string[];
  plannedDispatchDate?: string | null;
  expectedArrivalDate?: string | null;
}

/**
 * Donor, recipient and partners distinct and registered (`known`: the ids that name an organization),
 * arrival not before dispatch. Pure, so that POST /shipments (one shipment, field paths) and the
 * manifest import (many, rows and columns) apply the same rules.
 */
export function partyErrors(shipment: PartiesAndDates, known: { has(id: string): boolean }): FieldError[] {
  const errors: FieldError[] = [];
  const partnerIds = shipment.partnerIds ?? [];
  if (shipment.donorId && shipment.donorId === shipment.recipientId) errors.push({ path: 'recipientId', message: 'must differ from donorId' });
  partnerIds.forEach((partnerId, index) => {
    if (partnerId === shipment.donorId || partnerId === shipment.recipientId) {
      errors.push({ path: `partnerIds[${index}]`, message: 'is already the donor or the recipient' });
    }
  });
  const { plannedDispatchDate, expectedArrivalDate } = shipment;
  if (plannedDispatchDate && expectedArrivalDate && expectedArrivalDate < plannedDispatchDate) {
    errors.push({ path: 'expectedArrivalDate', message: 'must not be before plannedDispatchDate' });
  }
  const unknown = (path: string, id: string) => !known.has(id) && errors.push({ path, message: 'no organization has this id' });
  unknown('donorId', shipment.donorId);
  unknown('recipientId', shipment.recipientId);
  partnerIds.forEach((id, index) => unknown(`partnerIds[${index}]`, id));
  return errors;
}

import { donationWarnings } from './donation-warnings';
import type { ItemView, ShipmentSummaryView, ShipmentView } from './shipment.views';

/** The served shipment: the stored view plus the warnings derived from it. */
export function toShipmentView(stored: ShipmentSummaryView & { items: ItemView[] }): ShipmentView {
  const { lineCount: _lineCount, ...rest } = stored;
  return {
    ...rest,
    warnings: donationWarnings({
      expectedArrivalDate: stored.expectedArrivalDate,
      plannedDispatchDate: stored.plannedDispatchDate,
      recordedOn: stored.createdAt.slice(0, 10),
      items: stored.items,
    }),
  };
}

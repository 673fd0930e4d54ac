import type { ShipmentTotals } from './shipment-totals';
import type { Warning } from './donation-warnings';

/** The shipment as served (and as recorded in the audit trail). Built in SQL by shipments.repository. */
export interface ItemView {
  id: string;
  lineNo: number;
  description: string;
  category: string;
  quantity: string;
  unit: string;
  unitValue: string | null;
  currency: string | null;
  itemCode: string | null;
  batchNumber: string | null;
  expiryDate: string | null;
  weightKg: string | null;
  volumeM3: string | null;
  quantityReceived: string;
  quantityDamaged: string;
}

export interface OrganizationRef {
  id: string;
  name: string;
}

export interface ShipmentSummaryView {
  id: string;
  reference: string;
  title: string | null;
  status: string;
  version: number;
  donor: OrganizationRef;
  recipient: OrganizationRef;
  partners: OrganizationRef[];
  origin: { countryCode: string; location: string | null };
  destination: { countryCode: string; location: string | null };
  transportMode: string | null;
  emergency: string | null;
  priority: string;
  plannedDispatchDate: string | null;
  expectedArrivalDate: string | null;
  lineCount: number;
  totals: ShipmentTotals;
  createdAt: string;
  updatedAt: string;
}

export interface ShipmentView extends Omit<ShipmentSummaryView, 'lineCount'> {
  items: ItemView[];
  warnings: Warning[];
}

export interface EventView {
  id: string;
  shipmentId: string;
  type: string;
  fromStatus: string;
  toStatus: string;
  occurredAt: string;
  recordedAt: string;
  location: Record<string, unknown> | null;
  note: string | null;
  receipt: Record<string, unknown> | null;
  evidence: unknown[] | null;
  actor: { tokenId: string; name: string; role: string };
  voidsEventId: string | null;
  voidedAt: string | null;
  voidReason: string | null;
}

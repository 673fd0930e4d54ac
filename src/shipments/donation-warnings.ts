/**
 * What a donations officer must see without the ledger refusing the shipment. The WHO Guidelines for
 * medicine donations ask that donated medicines have at least a year of shelf life left on arrival;
 * the same care applies to consumables and laboratory reagents (test kits expire too).
 */
export const SHELF_LIFE_CATEGORIES = ['pharmaceuticals', 'medical_consumables', 'laboratory'];
export const MIN_SHELF_LIFE_MONTHS = 12;

export interface Warning {
  code: 'expired' | 'short_shelf_life' | 'expiry_missing';
  path: string;
  lineNo: number;
  message: string;
}

export interface WarningInput {
  expectedArrivalDate: string | null;
  plannedDispatchDate: string | null;
  /** YYYY-MM-DD of recording: the reference date when no arrival or dispatch date is known. */
  recordedOn: string;
  items: Array<{ lineNo: number; category: string; description: string; expiryDate: string | null }>;
}

export function donationWarnings(shipment: WarningInput): Warning[] {
  const arrival = shipment.expectedArrivalDate ?? shipment.plannedDispatchDate ?? shipment.recordedOn;
  const threshold = addMonths(arrival, MIN_SHELF_LIFE_MONTHS);
  const warnings: Warning[] = [];
  shipment.items.forEach((item, index) => {
    if (!SHELF_LIFE_CATEGORIES.includes(item.category)) return;
    const path = `items[${index}].expiryDate`;
    if (!item.expiryDate) {
      warnings.push({ code: 'expiry_missing', path, lineNo: item.lineNo, message: `${item.description}: no expiry date recorded` });
    } else if (item.expiryDate <= arrival) {
      warnings.push({ code: 'expired', path, lineNo: item.lineNo, message: `${item.description}: expires ${item.expiryDate}, on or before arrival (${arrival})` });
    } else if (item.expiryDate < threshold) {
      warnings.push({
        code: 'short_shelf_life',
        path,
        lineNo: item.lineNo,
        message: `${item.description}: expires ${item.expiryDate}, less than ${MIN_SHELF_LIFE_MONTHS} months after arrival (${arrival})`,
      });
    }
  });
  return warnings;
}

/** Calendar arithmetic on YYYY-MM-DD, clamping to the month's last day (2024-02-29 + 12 months = 2025-02-28). */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

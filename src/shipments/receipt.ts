import { Decimal } from '../common/decimal';
import type { FieldError } from '../common/problem';

/** A line as the receipt arithmetic sees it: what was shipped and what has been accounted for so far. */
export interface LineBalance {
  id: string;
  lineNo: number;
  quantity: string;
  quantityReceived: string;
  quantityDamaged: string;
}

export interface ReceiptLine {
  itemId: string;
  quantityReceived: string;
  quantityDamaged?: string;
}

export type ReceiptOutcome =
  | { ok: true; balances: LineBalance[]; complete: boolean }
  | { ok: false; status: 400 | 422; errors: FieldError[] };

/**
 * Applies a receipt to the lines' running totals. Per line, everything received so far plus this
 * receipt never exceeds what was shipped; `complete` says whether every line is now fully accounted
 * for (received + damaged = shipped), which `delivered` requires.
 */
export function applyReceipt(lines: LineBalance[], receipt: ReceiptLine[]): ReceiptOutcome {
  const byId = new Map(lines.map((line) => [line.id, line]));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  const updated = new Map<string, LineBalance>();
  receipt.forEach((entry, index) => {
    const path = `receipt.lines[${index}]`;
    if (seen.has(entry.itemId)) {
      errors.push({ path: `${path}.itemId`, message: 'names a line already named in this receipt' });
      return;
    }
    seen.add(entry.itemId);
    const line = byId.get(entry.itemId);
    if (!line) {
      errors.push({ path: `${path}.itemId`, message: 'is not a line of this shipment' });
      return;
    }
    const received = new Decimal(line.quantityReceived).plus(entry.quantityReceived);
    const damaged = new Decimal(line.quantityDamaged).plus(entry.quantityDamaged ?? '0');
    const accounted = received.plus(damaged);
    if (accounted.greaterThan(line.quantity)) {
      const before = new Decimal(line.quantityReceived).plus(line.quantityDamaged);
      errors.push({
        path: `${path}.quantityReceived`,
        message: `line ${line.lineNo}: ${before.toFixed()} of ${line.quantity} already accounted for; this receipt would make ${accounted.toFixed()}`,
      });
      return;
    }
    updated.set(line.id, { ...line, quantityReceived: received.toFixed(), quantityDamaged: damaged.toFixed() });
  });
  if (errors.length) {
    const duplicate = errors.some((error) => error.message.startsWith('names a line already'));
    return { ok: false, status: duplicate ? 400 : 422, errors };
  }
  const balances = lines.map((line) => updated.get(line.id) ?? line);
  return { ok: true, balances, complete: balances.every(isFullyAccounted) };
}

/** Takes a receipt back (voiding the event that recorded it). */
export function revertReceipt(lines: LineBalance[], receipt: ReceiptLine[]): LineBalance[] {
  const byItem = new Map(receipt.map((entry) => [entry.itemId, entry]));
  return lines.map((line) => {
    const entry = byItem.get(line.id);
    if (!entry) return line;
    return {
      ...line,
      quantityReceived: new Decimal(line.quantityReceived).minus(entry.quantityReceived).toFixed(),
      quantityDamaged: new Decimal(line.quantityDamaged).minus(entry.quantityDamaged ?? '0').toFixed(),
    };
  });
}

export function isFullyAccounted(line: LineBalance): boolean {
  return new Decimal(line.quantityReceived).plus(line.quantityDamaged).equals(line.quantity);
}

/** Lines not yet fully accounted for, for the 422 that points to partially_delivered. */
export function outstandingLines(lines: LineBalance[]): LineBalance[] {
  return lines.filter((line) => !isFullyAccounted(line));
}

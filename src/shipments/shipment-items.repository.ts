import { Injectable } from '@nestjs/common';
import type { LedgerTransaction } from '../database/ledger-transaction';
import type { LineBalance } from './receipt';
import type { ItemView } from './shipment.views';

/** A line as the service writes it. */
export type ShipmentItemRecord = Omit<ItemView, 'quantityReceived' | 'quantityDamaged'>;

/** A shipment's lines (shipment_item). */
@Injectable()
export class ShipmentItemsRepository {
  /** All lines in one statement: each column travels as one array, numerics as text. */
  async insert(tx: LedgerTransaction, shipmentId: string, items: ShipmentItemRecord[]): Promise<void> {
    const column = <K extends keyof ShipmentItemRecord>(key: K) => items.map((item) => item[key]);
    await tx.query(
      `INSERT INTO shipment_item (id, shipment_id, line_no, description, category, quantity, unit, unit_value, currency,
                                  item_code, batch_number, expiry_date, weight_kg, volume_m3)
       SELECT id, $1, line_no, description, category, quantity, unit, unit_value, currency, item_code, batch_number,
              expiry_date, weight_kg, volume_m3
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::numeric[], $7::text[], $8::numeric[], $9::text[],
                     $10::text[], $11::text[], $12::date[], $13::numeric[], $14::numeric[])
           AS t(id, line_no, description, category, quantity, unit, unit_value, currency, item_code, batch_number,
                expiry_date, weight_kg, volume_m3)`,
      [
        shipmentId,
        column('id'), column('lineNo'), column('description'), column('category'), column('quantity'), column('unit'),
        column('unitValue'), column('currency'), column('itemCode'), column('batchNumber'), column('expiryDate'),
        column('weightKg'), column('volumeM3'),
      ],
    );
  }

  async deleteAll(tx: LedgerTransaction, shipmentId: string): Promise<void> {
    await tx.query('DELETE FROM shipment_item WHERE shipment_id = $1', [shipmentId]);
  }

  async lineBalances(tx: LedgerTransaction, shipmentId: string): Promise<LineBalance[]> {
    return tx.query<LineBalance>(
      `SELECT id, line_no AS "lineNo", quantity::text AS quantity, quantity_received::text AS "quantityReceived",
              quantity_damaged::text AS "quantityDamaged"
         FROM shipment_item WHERE shipment_id = $1 ORDER BY line_no`,
      [shipmentId],
    );
  }

  async saveLineBalances(tx: LedgerTransaction, lines: LineBalance[]): Promise<void> {
    await tx.query(
      `UPDATE shipment_item i SET quantity_received = b.received, quantity_damaged = b.damaged
         FROM unnest($1::uuid[], $2::numeric[], $3::numeric[]) AS b(id, received, damaged) WHERE i.id = b.id`,
      [lines.map((l) => l.id), lines.map((l) => l.quantityReceived), lines.map((l) => l.quantityDamaged)],
    );
  }
}

import { Injectable } from '@nestjs/common';
import type { LedgerTransaction } from '../database/ledger-transaction';

/** A shipment's partners, in the order given (shipment_partner). */
@Injectable()
export class ShipmentPartnersRepository {
  async insert(tx: LedgerTransaction, shipmentId: string, partnerIds: string[]): Promise<void> {
    if (partnerIds.length === 0) return;
    await tx.query(
      `INSERT INTO shipment_partner (shipment_id, organization_id, position)
       SELECT $1, organization_id, position - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS p(organization_id, position)`,
      [shipmentId, partnerIds],
    );
  }

  async deleteAll(tx: LedgerTransaction, shipmentId: string): Promise<void> {
    await tx.query('DELETE FROM shipment_partner WHERE shipment_id = $1', [shipmentId]);
  }
}

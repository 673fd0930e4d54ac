import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Change, ChangeListener, LedgerTransaction, LedgerTransactions } from '../database/ledger-transaction';
import { toShipmentView } from '../shipments/shipment.mapper';
import type { ShipmentView } from '../shipments/shipment.views';
import { involvesOrganization } from '../shipments/shipment-scope';
import { ShipmentsRepository } from '../shipments/shipments.repository';
import { webhookEventOf } from './webhook-events';
import { WebhooksRepository } from './webhooks.repository';

interface Parties {
  donor?: { id: string };
  recipient?: { id: string };
  partners?: Array<{ id: string }>;
}

/**
 * The transactional outbox: a shipment change and the deliveries it causes commit together, so a
 * rolled-back change sends nothing and a committed one is never forgotten (the worker sends later).
 *
 * Who hears of a shipment: subscriptions without an organization (admin's, an unscoped coordinator's)
 * hear of every one; an organization's hear only of shipments in which it is donor, recipient or
 * partner. An edit that removes an organization from a shipment is still delivered to it, once: it
 * was a party before the edit and learns that it no longer is; later changes are not.
 */
@Injectable()
export class WebhookOutbox implements ChangeListener, OnModuleInit {
  constructor(
    private readonly transactions: LedgerTransactions,
    private readonly webhooks: WebhooksRepository,
    private readonly shipments: ShipmentsRepository,
  ) {}

  onModuleInit(): void {
    this.transactions.addChangeListener(this);
  }

  async onChange(tx: LedgerTransaction, change: Change): Promise<void> {
    const event = webhookEventOf(change);
    if (!event) return;
    const subscribers = await this.webhooks.subscribers(tx, event.type);
    if (subscribers.length === 0) return;
    // Created and updated changes carry the served shipment; a status change carries only its status.
    const shipment =
      event.type === 'shipment.status_changed'
        ? await this.reload(tx, event.shipmentId)
        : (change.after as ShipmentView);
    const versions = [shipment, event.before as Parties | undefined].flatMap((version) => (version ? [partiesOf(version)] : []));
    const targets = subscribers
      .filter((s) => versions.some((parties) => involvesOrganization(s.organization_id, parties)))
      .map((s) => s.id);
    if (targets.length === 0) return;

    const id = randomUUID();
    const createdAt = new Date().toISOString();
    const data =
      event.type === 'shipment.status_changed'
        ? { shipment, fromStatus: event.fromStatus, toStatus: event.toStatus, event: event.event }
        : { shipment };
    const payload = JSON.stringify({ id, type: event.type, createdAt, data });
    await this.webhooks.enqueue(tx, id, event.type, payload, targets, createdAt);
  }

  private async reload(tx: LedgerTransaction, shipmentId: string): Promise<ShipmentView> {
    const stored = await this.shipments.findView(shipmentId, null, tx);
    if (!stored) throw new Error(`shipment ${shipmentId} vanished inside its own transaction`);
    return toShipmentView(stored);
  }
}

/** The parties of a served shipment (or of the part of it an edit changed) as the scope rule reads them. */
function partiesOf(shipment: Parties): { donorId?: string; recipientId?: string; partnerIds: string[] } {
  return { donorId: shipment.donor?.id, recipientId: shipment.recipient?.id, partnerIds: (shipment.partners ?? []).map((p) => p.id) };
}

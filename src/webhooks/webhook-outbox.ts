import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Change, ChangeListener, LedgerTransaction, LedgerTransactions } from '../database/ledger-transaction';
import { toShipmentView } from '../shipments/shipment.mapper';
import type { ShipmentView } from '../shipments/shipment.views';
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
 * partner. An edit that removes an organization from a shipment is still delivered to it, once, as
 * `{shipment: {id, removed: true}}` only: it was a party before the edit and learns that it no longer is,
 * not the shipment's new contents or parties; later changes are not delivered to it.
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
    const parties = new Set(partiesOf(shipment));
    const formerParties = new Set(partiesOf(event.before as Parties | undefined).filter((party) => !parties.has(party)));
    const targets = subscribers
      .filter((s) => s.organization_id === null || parties.has(s.organization_id))
      .map((s) => s.id);
    // An organization the edit removed learns that, and nothing of what the shipment now is.
    const removedTargets = subscribers
      .filter((s) => s.organization_id !== null && formerParties.has(s.organization_id))
      .map((s) => s.id);

    const createdAt = new Date().toISOString();
    const data =
      event.type === 'shipment.status_changed'
        ? { shipment, fromStatus: event.fromStatus, toStatus: event.toStatus, event: event.event }
        : { shipment };
    await this.enqueue(tx, event.type, data, targets, createdAt);
    await this.enqueue(tx, event.type, { shipment: { id: event.shipmentId, removed: true } }, removedTargets, createdAt);
  }

  private async enqueue(tx: LedgerTransaction, type: string, data: unknown, targets: string[], createdAt: string): Promise<void> {
    if (targets.length === 0) return;
    const id = randomUUID();
    await this.webhooks.enqueue(tx, id, type, JSON.stringify({ id, type, createdAt, data }), targets, createdAt);
  }

  private async reload(tx: LedgerTransaction, shipmentId: string): Promise<ShipmentView> {
    const stored = await this.shipments.findView(shipmentId, null, tx);
    if (!stored) throw new Error(`shipment ${shipmentId} vanished inside its own transaction`);
    return toShipmentView(stored);
  }
}

function partiesOf(shipment: Parties | undefined | null): string[] {
  if (!shipment) return [];
  return [shipment.donor?.id, shipment.recipient?.id, ...(shipment.partners ?? []).map((p) => p.id)].filter(
    (id): id is string => typeof id === 'string',
  );
}

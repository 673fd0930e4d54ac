import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decodeCursor } from '../common/cursor';
import { checkIfMatch } from '../common/etag';
import { DEFAULT_PAGE_SIZE, Page, PageQueryDto, toPage } from '../common/page';
import { Problem } from '../common/problem';
import type { RequestContext } from '../common/request-context';
import { LedgerTransactions } from '../database/ledger-transaction';
import type { RecordEventDto } from './dto/record-event.dto';
import { applyReceipt, outstandingLines, revertReceipt, type ReceiptLine } from './receipt';
import {
  canTransition,
  RECEIPT_EVENTS,
  transitionRefusal,
  type EventType,
  type ShipmentStatus,
} from './shipment-lifecycle';
import { organizationScope } from './shipment-scope';
import type { EventView } from './shipment.views';
import { ShipmentEventsRepository } from './shipment-events.repository';
import { ShipmentItemsRepository } from './shipment-items.repository';
import { ShipmentsRepository } from './shipments.repository';

/** Field staff's clocks drift; an event a little "in the future" is a clock, not a prophecy. */
export const CLOCK_SKEW_MS = 2 * 60 * 1000;

export interface EventResult {
  event: EventView;
  shipment: { id: string; status: string; version: number };
}

@Injectable()
export class ShipmentEventsService {
  constructor(
    private readonly transactions: LedgerTransactions,
    private readonly shipments: ShipmentsRepository,
    private readonly items: ShipmentItemsRepository,
    private readonly events: ShipmentEventsRepository,
  ) {}

  /**
   * Records a delivery event. The shipment row is locked first, so racing events on one shipment
   * apply one after the other, each against the status the previous one left: of twenty identical
   * requests exactly one applies and the rest are refused by the transition table (409).
   */
  async record(context: RequestContext, idOrReference: string, input: RecordEventDto, ifMatch?: string): Promise<EventResult> {
    const type = input.type as EventType;
    const needsReceipt = RECEIPT_EVENTS.includes(type);
    if (needsReceipt && !input.receipt) throw Problem.field('receipt', `is required for a ${type} event`);
    if (!needsReceipt && input.receipt) throw Problem.field('receipt', `is only for delivered and partially_delivered events`);
    if (input.occurredAt && Date.parse(input.occurredAt) > Date.now() + CLOCK_SKEW_MS) {
      throw Problem.unprocessable('occurredAt is in the future.', [{ path: 'occurredAt', message: 'must not be in the future' }]);
    }

    return this.transactions.run(context, async (tx) => {
      const shipment = await this.shipments.lock(tx, idOrReference, organizationScope(context.principal));
      if (!shipment) throw Problem.notFound('Shipment');
      if (ifMatch !== undefined) checkIfMatch(ifMatch, shipment.version);
      const from = shipment.status as ShipmentStatus;
      if (!canTransition(from, type)) throw Problem.conflict(transitionRefusal(from, type), 'invalid-transition');

      // Read the clock only now that the row is locked: events that queued ahead of this one have
      // committed, so a defaulted occurredAt (and recordedAt) never falls before theirs.
      const now = new Date();
      const previous = await this.events.latestEffective(tx, shipment.id);
      // A defaulted occurredAt never lands before the previous event, even one dated a little ahead
      // (within the clock-skew allowance) by a fast clock in the field.
      const occurredAt = input.occurredAt
        ? new Date(input.occurredAt)
        : new Date(Math.max(now.getTime(), previous ? Date.parse(previous.occurredAt) : 0));
      if (previous && occurredAt.getTime() < Date.parse(previous.occurredAt)) {
        throw Problem.unprocessable(`occurredAt is before the previous event (${previous.type} at ${previous.occurredAt}).`, [
          { path: 'occurredAt', message: `must not be before the previous event (${previous.occurredAt})` },
        ]);
      }

      let receipt: EventView['receipt'] = null;
      if (input.receipt) {
        const lines: ReceiptLine[] = input.receipt.lines.map((line) => ({
          itemId: line.itemId,
          quantityReceived: line.quantityReceived,
          quantityDamaged: line.quantityDamaged ?? '0',
        }));
        const outcome = applyReceipt(await this.items.lineBalances(tx, shipment.id), lines);
        if (!outcome.ok) {
          throw outcome.status === 400
            ? Problem.validation(outcome.errors)
            : Problem.unprocessable('The receipt exceeds what was shipped.', outcome.errors);
        }
        if (type === 'delivered' && !outcome.complete) {
          const open = outstandingLines(outcome.balances).map((line) => line.lineNo);
          throw Problem.unprocessable(
            `delivered needs every line fully accounted for (received + damaged = shipped); lines ${open.join(', ')} are not. Record partially_delivered instead.`,
            open.map((lineNo) => ({ path: 'receipt.lines', message: `line ${lineNo} is not fully accounted for` })),
          );
        }
        await this.items.saveLineBalances(tx, outcome.balances);
        receipt = { receivedBy: input.receipt.receivedBy, lines };
      }

      const event = await this.events.insert(tx, {
        id: randomUUID(),
        shipmentId: shipment.id,
        type,
        fromStatus: from,
        toStatus: type,
        occurredAt: occurredAt.toISOString(),
        recordedAt: now.toISOString(),
        location: input.location ? { ...input.location } : null,
        note: input.note ?? null,
        receipt,
        evidence: input.evidence?.map((item) => ({ ...item })) ?? null,
        actor: actorOf(context),
        voidsEventId: null,
      });
      const updated = await this.shipments.setStatus(tx, shipment.id, type, now.toISOString());
      const result = { event, shipment: updated };
      await tx.recordChange({
        action: 'shipment.event_recorded',
        entityType: 'shipment',
        entityId: shipment.id,
        before: { id: shipment.id, status: shipment.status, version: shipment.version },
        after: result,
      });
      return result;
    });
  }

  /**
   * Voids the latest status event: it stays in the timeline marked voided, a `void` event records the
   * correction, the shipment returns to the status before it and any receipt it carried is taken back.
   */
  async void(context: RequestContext, idOrReference: string, eventId: string, reason: string) {
    return this.transactions.run(context, async (tx) => {
      const shipment = await this.shipments.lock(tx, idOrReference, organizationScope(context.principal));
      if (!shipment) throw Problem.notFound('Shipment');
      const target = await this.events.find(tx, shipment.id, eventId);
      if (!target) throw Problem.notFound('Event');
      if (target.type === 'void') throw Problem.conflict('A void event cannot itself be voided.', 'not-voidable');
      if (target.voidedAt) throw Problem.conflict('This event is already voided.', 'not-voidable');
      const latest = await this.events.latestEffective(tx, shipment.id);
      if (latest?.id !== target.id) {
        throw Problem.conflict('Only the latest status event can be voided; void the later ones first.', 'not-voidable');
      }
      const now = new Date().toISOString();
      if (target.receipt) {
        const taken = (target.receipt as { lines: ReceiptLine[] }).lines;
        await this.items.saveLineBalances(tx, revertReceipt(await this.items.lineBalances(tx, shipment.id), taken));
      }
      const voidedEvent = await this.events.markVoided(tx, target.id, now, reason);
      const correction = await this.events.insert(tx, {
        id: randomUUID(),
        shipmentId: shipment.id,
        type: 'void',
        fromStatus: target.toStatus,
        toStatus: target.fromStatus,
        occurredAt: now,
        recordedAt: now,
        location: null,
        note: reason,
        receipt: null,
        evidence: null,
        actor: actorOf(context),
        voidsEventId: target.id,
      });
      const updated = await this.shipments.setStatus(tx, shipment.id, target.fromStatus, now);
      const result = { event: correction, voidedEvent, shipment: updated };
      await tx.recordChange({
        action: 'shipment.event_voided',
        entityType: 'shipment',
        entityId: shipment.id,
        before: { id: shipment.id, status: shipment.status, version: shipment.version, event: target },
        after: result,
      });
      return result;
    });
  }

  async timeline(context: RequestContext, idOrReference: string, query: PageQueryDto): Promise<Page<EventView>> {
    const shipmentId = await this.shipments.findId(idOrReference, organizationScope(context.principal));
    if (!shipmentId) throw Problem.notFound('Shipment');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? Number(decodeCursor(query.cursor, `events:${shipmentId}`).value) : 0;
    if (!Number.isSafeInteger(after)) throw Problem.field('cursor', 'is not a cursor this list gave out');
    const rows = await this.events.timeline(shipmentId, limit + 1, after);
    return toPage(rows, limit, `events:${shipmentId}`, (row) => ({ value: String(row.position), id: row.event.id }), (row) => row.event);
  }
}

function actorOf(context: RequestContext): EventView['actor'] {
  const { tokenId, name, role } = context.principal;
  return { tokenId, name, role };
}

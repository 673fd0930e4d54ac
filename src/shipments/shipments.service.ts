import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decodeCursor, isKeysetTimestamp } from '../common/cursor';
import { checkIfMatch } from '../common/etag';
import { DEFAULT_PAGE_SIZE, Page, toPage } from '../common/page';
import { Problem } from '../common/problem';
import type { RequestContext } from '../common/request-context';
import { LedgerTransaction, LedgerTransactions } from '../database/ledger-transaction';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import type { CreateShipmentDto } from './dto/create-shipment.dto';
import type { ListShipmentsQueryDto } from './dto/list-shipments-query.dto';
import type { UpdateShipmentDto } from './dto/update-shipment.dto';
import { partyErrors } from './shipment-parties';
import { GENERATED_REFERENCE } from './shipment-reference';
import { involvesOrganization, organizationScope } from './shipment-scope';
import { computeTotals } from './shipment-totals';
import { toShipmentView } from './shipment.mapper';
import type { ShipmentSummaryView, ShipmentView } from './shipment.views';
import { ShipmentRecord, ShipmentsRepository } from './shipments.repository';

@Injectable()
export class ShipmentsService {
  constructor(
    private readonly transactions: LedgerTransactions,
    private readonly shipments: ShipmentsRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  async create(context: RequestContext, input: CreateShipmentDto): Promise<ShipmentView> {
    return this.transactions.run(context, (tx) => this.createWithin(tx, context, input));
  }

  /**
   * Records a new shipment inside the caller's transaction: checks, insert, audit entry. `create` runs
   * it alone; the manifest import runs it once per shipment in one transaction.
   */
  async createWithin(tx: LedgerTransaction, context: RequestContext, input: CreateShipmentDto): Promise<ShipmentView> {
    if (input.reference !== undefined && GENERATED_REFERENCE.test(input.reference)) {
      throw Problem.field('reference', 'SHP-<year>-<number> references are assigned by the ledger; leave reference out or choose another form');
    }
    const record = toRecord(randomUUID(), input.reference ?? null, input);
    this.checkScope(context, record);
    await this.checkParties(tx, record);
    await this.shipments.insert(tx, record, new Date().toISOString());
    const after = await this.reload(tx, record.id);
    await tx.recordChange({ action: 'shipment.created', entityType: 'shipment', entityId: record.id, before: null, after });
    return after;
  }

  async get(context: RequestContext, idOrReference: string): Promise<ShipmentView> {
    const stored = await this.shipments.findView(idOrReference, organizationScope(context.principal));
    if (!stored) throw Problem.notFound('Shipment');
    return toShipmentView(stored);
  }

  async update(context: RequestContext, id: string, input: UpdateShipmentDto, ifMatch: string | undefined): Promise<ShipmentView> {
    const missing = (['donorId', 'recipientId', 'origin', 'destination', 'items', 'priority'] as const).filter(
      (field) => input[field] === null,
    );
    if (missing.length) throw Problem.validation(missing.map((path) => ({ path, message: 'cannot be removed' })));
    return this.transactions.run(context, async (tx) => {
      const locked = await this.shipments.lock(tx, id, organizationScope(context.principal));
      if (!locked) throw Problem.notFound('Shipment');
      checkIfMatch(ifMatch, locked.version);
      if (locked.status !== 'planned') {
        throw Problem.conflict(`A shipment can be edited only while planned; this one is ${locked.status}.`, 'not-editable');
      }
      const before = await this.reload(tx, locked.id);
      const reference = input.reference ?? before.reference;
      if (input.reference !== undefined && input.reference !== before.reference && GENERATED_REFERENCE.test(input.reference)) {
        throw Problem.field('reference', 'SHP-<year>-<number> references are assigned by the ledger');
      }
      const record = { ...toRecord(locked.id, reference, mergeEdit(before, input)), reference };
      this.checkScope(context, record);
      await this.checkParties(tx, record);
      await this.shipments.replace(tx, record, new Date().toISOString());
      const after = await this.reload(tx, locked.id);
      await tx.recordChange({ action: 'shipment.updated', entityType: 'shipment', entityId: locked.id, before, after });
      return after;
    });
  }

  async list(context: RequestContext, query: ListShipmentsQueryDto): Promise<Page<ShipmentSummaryView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const sort = query.sort ?? '-createdAt';
    const after = query.cursor ? decodeCursor(query.cursor, sort, { maxLength: 63, isValid: isKeysetTimestamp }) : undefined;
    const rows = await this.shipments.list(query, organizationScope(context.principal), sort, limit + 1, after);
    return toPage(rows, limit, sort, (row) => ({ value: row.cursor_value, id: row.shipment.id }), (row) => row.shipment);
  }

  private async reload(tx: LedgerTransaction, id: string): Promise<ShipmentView> {
    const stored = await this.shipments.findView(id, null, tx);
    if (!stored) throw new Error(`shipment ${id} vanished inside its own transaction`);
    return toShipmentView(stored);
  }

  /** A coordinator confined to an organization records only shipments that involve it. */
  private checkScope(context: RequestContext, record: ShipmentRecord): void {
    if (!involvesOrganization(organizationScope(context.principal), record)) {
      throw Problem.forbidden('Your token records only shipments in which its organization is donor, recipient or partner.');
    }
  }

  /** Donor, recipient and partners: distinct, and registered organizations (422 otherwise). */
  private async checkParties(tx: LedgerTransaction, record: ShipmentRecord): Promise<void> {
    const known = await this.organizations.names([record.donorId, record.recipientId, ...record.partnerIds], tx);
    const errors = partyErrors(record, new Set(known.keys()));
    if (errors.length) throw Problem.unprocessable(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
}

/** The writable fields of an edited shipment: what the client sent over what is stored. */
function mergeEdit(current: ShipmentView, edit: UpdateShipmentDto): CreateShipmentDto {
  const pick = <T>(sent: T | undefined, stored: T): T => (sent === undefined ? stored : sent);
  return {
    title: pick(edit.title, current.title),
    donorId: pick(edit.donorId, current.donor.id),
    recipientId: pick(edit.recipientId, current.recipient.id),
    partnerIds: pick(edit.partnerIds, current.partners.map((partner) => partner.id)),
    origin: pick(edit.origin, current.origin),
    destination: pick(edit.destination, current.destination),
    transportMode: pick(edit.transportMode, current.transportMode as CreateShipmentDto['transportMode']),
    emergency: pick(edit.emergency, current.emergency),
    priority: pick(edit.priority, current.priority as CreateShipmentDto['priority']),
    plannedDispatchDate: pick(edit.plannedDispatchDate, current.plannedDispatchDate),
    expectedArrivalDate: pick(edit.expectedArrivalDate, current.expectedArrivalDate),
    items: pick(edit.items, current.items as CreateShipmentDto['items']),
  };
}

function toRecord(id: string, reference: string | null, input: CreateShipmentDto): ShipmentRecord {
  const items = input.items.map((item, index) => ({
    // Lines kept by an edit that did not send `items` keep their ids.
    id: (item as { id?: string }).id ?? randomUUID(),
    lineNo: index + 1,
    description: item.description,
    category: item.category,
    quantity: item.quantity,
    unit: item.unit,
    unitValue: item.unitValue ?? null,
    currency: item.currency?.toUpperCase() ?? null,
    itemCode: item.itemCode ?? null,
    batchNumber: item.batchNumber ?? null,
    expiryDate: item.expiryDate ?? null,
    weightKg: item.weightKg ?? null,
    volumeM3: item.volumeM3 ?? null,
  }));
  return {
    id,
    reference,
    title: input.title ?? null,
    donorId: input.donorId,
    recipientId: input.recipientId,
    partnerIds: input.partnerIds ?? [],
    originCountry: input.origin.countryCode.toUpperCase(),
    originLocation: input.origin.location ?? null,
    destinationCountry: input.destination.countryCode.toUpperCase(),
    destinationLocation: input.destination.location ?? null,
    transportMode: input.transportMode ?? null,
    emergency: input.emergency ?? null,
    priority: input.priority ?? 'standard',
    plannedDispatchDate: input.plannedDispatchDate ?? null,
    expectedArrivalDate: input.expectedArrivalDate ?? null,
    totals: computeTotals(items),
    items,
  };
}

import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { isUUID, validate } from 'class-validator';
import { Problem } from '../common/problem';
import type { RequestContext } from '../common/request-context';
import { flattenValidationErrors } from '../common/validation';
import { LedgerTransactions } from '../database/ledger-transaction';
import { CreateShipmentDto } from '../shipments/dto/create-shipment.dto';
import { GENERATED_REFERENCE } from '../shipments/shipment-reference';
import { involvesOrganization, organizationScope } from '../shipments/shipment-scope';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { partyErrors } from '../shipments/shipment-parties';
import { ShipmentsRepository } from '../shipments/shipments.repository';
import { ShipmentsService } from '../shipments/shipments.service';
import type { ImportResultDto } from './dto/import-result.dto';
import { LINE_COLUMNS, ManifestError, ManifestGroup, readManifest } from './manifest-reader';

export type ImportResult = ImportResultDto;

/** A manifest error's place for a path of CreateShipmentDto: the shipment-level paths sit on the group's first row. */
const SHIPMENT_PATHS: Record<string, string> = {
  reference: 'reference',
  title: 'title',
  donorId: 'donorId',
  recipientId: 'recipientId',
  'origin.countryCode': 'originCountry',
  'origin.location': 'originLocation',
  destination: 'destinationCountry',
  'destination.countryCode': 'destinationCountry',
  'destination.location': 'destinationLocation',
  origin: 'originCountry',
  transportMode: 'transportMode',
  emergency: 'emergency',
  priority: 'priority',
  plannedDispatchDate: 'plannedDispatchDate',
  expectedArrivalDate: 'expectedArrivalDate',
  items: 'lineNo',
};

const MAX_ERRORS = 1_000;

@Injectable()
export class ImportsService {
  constructor(
    private readonly transactions: LedgerTransactions,
    private readonly shipments: ShipmentsService,
    private readonly organizations: OrganizationsRepository,
    private readonly shipmentRecords: ShipmentsRepository,
  ) {}

  /**
   * Imports a manifest all or nothing: every row is checked (CSV, columns, the shipment rules, the
   * organizations and references in the database) before anything is written; then every shipment is
   * recorded in one transaction, each with its own audit entry.
   */
  async import(context: RequestContext, text: string): Promise<ImportResult> {
    const { groups, errors } = readManifest(text);
    const shipments: Array<{ group: ManifestGroup; dto: CreateShipmentDto }> = [];
    for (const group of groups) {
      const dto = plainToInstance(CreateShipmentDto, toPlainShipment(group));
      const found = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true });
      errors.push(...flattenValidationErrors(found).map(({ path, message }) => placeError(group, path, message)));
      shipments.push({ group, dto });
    }
    errors.push(...(await this.checkAgainstLedger(context, shipments)));
    if (errors.length) throw manifestProblem(errors);

    return this.transactions.run(context, async (tx) => {
      const created: ImportResult['shipments'] = [];
      for (const { dto } of shipments) {
        const view = await this.shipments.createWithin(tx, context, dto);
        created.push({ id: view.id, reference: view.reference });
      }
      return { created: created.length, shipments: created };
    });
  }

  /** The rules that need the database or the whole manifest: parties, references, the caller's scope. */
  private async checkAgainstLedger(
    context: RequestContext,
    shipments: Array<{ group: ManifestGroup; dto: CreateShipmentDto }>,
  ): Promise<ManifestError[]> {
    const errors: ManifestError[] = [];
    const ids = [...new Set(shipments.flatMap(({ dto }) => [dto.donorId, dto.recipientId]).filter((id) => typeof id === 'string' && isUUID(id)))];
    const references = shipments.map(({ dto }) => dto.reference).filter((reference): reference is string => typeof reference === 'string');
    const [organizations, existing] = await Promise.all([
      this.organizations.names(ids),
      this.shipmentRecords.takenReferences(references),
    ]);
    // An id that is not a UUID was already reported by validation; only real ids can be unknown.
    const known = { has: (id: string) => typeof id !== 'string' || !isUUID(id) || organizations.has(id) };
    const firstRowOfReference = new Map<string, number>();
    const scope = organizationScope(context.principal);
    for (const { group, dto } of shipments) {
      const row = group.rows[0].row;
      errors.push(...partyErrors(dto, known).map(({ path, message }) => placeError(group, path, message)));
      if (!involvesOrganization(scope, dto)) {
        errors.push({ row, column: 'donorId', message: "your token records only shipments in which its organization is donor or recipient" });
      }
      if (typeof dto.reference === 'string') {
        if (GENERATED_REFERENCE.test(dto.reference)) {
          errors.push({ row, column: 'reference', message: 'SHP-<year>-<number> references are assigned by the ledger; leave it blank or choose another form' });
        } else if (existing.has(dto.reference)) {
          errors.push({ row, column: 'reference', message: 'another shipment already has this reference' });
        } else if (firstRowOfReference.has(dto.reference)) {
          errors.push({ row, column: 'reference', message: `is also the reference of row ${firstRowOfReference.get(dto.reference)}` });
        } else firstRowOfReference.set(dto.reference, row);
      }
    }
    return errors;
  }
}

/** The shipment a group of rows describes, as the JSON body of POST /shipments would carry it. */
function toPlainShipment(group: ManifestGroup): Record<string, unknown> {
  const first = group.rows[0].cells;
  const place = (countryCode?: string, location?: string) =>
    countryCode === undefined && location === undefined ? undefined : { countryCode, location };
  return {
    reference: first.reference,
    title: first.title,
    donorId: first.donorId,
    recipientId: first.recipientId,
    origin: place(first.originCountry, first.originLocation),
    destination: place(first.destinationCountry, first.destinationLocation),
    transportMode: first.transportMode,
    emergency: first.emergency,
    priority: first.priority,
    plannedDispatchDate: first.plannedDispatchDate,
    expectedArrivalDate: first.expectedArrivalDate,
    items: group.rows.map(({ cells }) => Object.fromEntries(LINE_COLUMNS.map((column) => [column, cells[column]]).filter(([, value]) => value !== undefined))),
  };
}

/** A DTO path (`items[3].quantity`, `origin.countryCode`) as a row and column of the manifest. */
function placeError(group: ManifestGroup, path: string, message: string): ManifestError {
  const line = /^items\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (line) {
    const row = group.rows[Number(line[1])]?.row ?? group.rows[0].row;
    return { row, column: line[2] ?? 'lineNo', message };
  }
  return { row: group.rows[0].row, column: SHIPMENT_PATHS[path] ?? path, message };
}

function manifestProblem(errors: ManifestError[]): Problem {
  const sorted = [...errors].sort((a, b) => a.row - b.row || String(a.column).localeCompare(String(b.column)));
  const shown = sorted.slice(0, MAX_ERRORS);
  const rows = new Set(errors.map((error) => error.row)).size;
  return new Problem(
    400,
    'invalid-manifest',
    'Bad Request',
    `The manifest has ${errors.length} error${errors.length === 1 ? '' : 's'} on ${rows} row${rows === 1 ? '' : 's'}; nothing was imported.` +
      (errors.length > MAX_ERRORS ? ` The first ${MAX_ERRORS} are listed.` : ''),
    shown,
  );
}

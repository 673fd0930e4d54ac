import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decodeCursor, KeysetValueRule } from '../common/cursor';
import { DEFAULT_PAGE_SIZE, Page, toPage } from '../common/page';
import { Problem } from '../common/problem';
import type { RequestContext } from '../common/request-context';
import { LedgerTransactions } from '../database/ledger-transaction';
import { organizationScope } from '../shipments/shipment-scope';
import { checkIfMatch } from '../common/etag';
import type { CreateOrganizationDto, ListOrganizationsQueryDto, OrganizationDto, UpdateOrganizationDto } from './dto/organization.dto';
import { toOrganizationDto } from './organization.mapper';
import { OrganizationRow, OrganizationsRepository } from './organizations.repository';

/** The sort value is a lower-cased name: up to 300 characters, 600 UTF-16 code units. */
const NAME_KEYSET: KeysetValueRule = { maxLength: 600 };

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly transactions: LedgerTransactions,
    private readonly organizations: OrganizationsRepository,
  ) {}

  async create(context: RequestContext, input: CreateOrganizationDto): Promise<OrganizationDto> {
    return this.transactions.run(context, async (tx) => {
      const row = await this.organizations.insert(tx, {
        id: randomUUID(),
        name: input.name.trim(),
        type: input.type,
        country_code: input.countryCode?.toUpperCase() ?? null,
        iati_identifier: input.iatiIdentifier ?? null,
      });
      const after = toOrganizationDto(row);
      await tx.recordChange({ action: 'organization.created', entityType: 'organization', entityId: row.id, before: null, after });
      return after;
    });
  }

  async get(id: string): Promise<OrganizationDto> {
    const row = await this.organizations.findById(id);
    if (!row) throw Problem.notFound('Organization');
    return toOrganizationDto(row);
  }

  /**
   * A coordinator whose token names an organization edits that organization only: any other answers 404,
   * as a shipment outside its scope does (a rename would show on the other organization's shipments and
   * exports).
   */
  async update(context: RequestContext, id: string, input: UpdateOrganizationDto, ifMatch?: string): Promise<OrganizationDto> {
    const scope = organizationScope(context.principal);
    if (scope !== null && scope !== id) throw Problem.notFound('Organization');
    return this.transactions.run(context, async (tx) => {
      const current = await this.organizations.findById(id, tx, true);
      if (!current) throw Problem.notFound('Organization');
      if (ifMatch !== undefined) checkIfMatch(ifMatch, current.version);
      const next: OrganizationRow = {
        ...current,
        name: input.name?.trim() ?? current.name,
        type: input.type ?? current.type,
        country_code: input.countryCode === undefined ? current.country_code : (input.countryCode?.toUpperCase() ?? null),
        iati_identifier: input.iatiIdentifier === undefined ? current.iati_identifier : input.iatiIdentifier,
      };
      if (next.type === 'government' && !next.country_code) {
        throw Problem.field('countryCode', 'is required for a government');
      }
      const row = await this.organizations.update(tx, next);
      const after = toOrganizationDto(row);
      await tx.recordChange({
        action: 'organization.updated',
        entityType: 'organization',
        entityId: id,
        before: toOrganizationDto(current),
        after,
      });
      return after;
    });
  }

  async list(query: ListOrganizationsQueryDto): Promise<Page<OrganizationDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeCursor(query.cursor, 'organizations', NAME_KEYSET) : undefined;
    const rows = await this.organizations.list({ type: query.type, q: query.q }, limit + 1, after);
    return toPage(rows, limit, 'organizations', (row) => ({ value: row.sort_key, id: row.id }), toOrganizationDto);
  }
}

import { Injectable } from '@nestjs/common';
import type { Keyset } from '../common/cursor';
import { escapeLike } from '../common/sql';
import type { LedgerTransaction } from '../database/ledger-transaction';
import { Database } from '../database/sql/database';
import type { SqlRunner } from '../database/sql/sql-runner';
import type { OrganizationDto } from './dto/organization.dto';

export interface OrganizationRow {
  id: string;
  name: string;
  type: OrganizationDto['type'];
  country_code: string | null;
  iati_identifier: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, type, country_code, iati_identifier, version, created_at, updated_at';


@Injectable()
export class OrganizationsRepository {
  constructor(private readonly database: Database) {}

  async exists(runner: SqlRunner, id: string): Promise<boolean> {
    const rows = await runner.query('SELECT 1 FROM organization WHERE id = $1', [id]);
    return rows.length > 0;
  }

  /** id → name of those of `ids` that exist. */
  async names(ids: string[], runner: SqlRunner = this.database): Promise<Map<string, string>> {
    const rows = await runner.query<{ id: string; name: string }>(
      'SELECT id, name FROM organization WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  async findById(id: string, runner: SqlRunner = this.database, lock = false): Promise<OrganizationRow | undefined> {
    const [row] = await runner.query<OrganizationRow>(`SELECT ${COLUMNS} FROM organization WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async insert(tx: LedgerTransaction, org: Omit<OrganizationRow, 'version' | 'created_at' | 'updated_at'>): Promise<OrganizationRow> {
    const [row] = await tx.query<OrganizationRow>(
      `INSERT INTO organization (id, name, type, country_code, iati_identifier) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [org.id, org.name, org.type, org.country_code, org.iati_identifier],
    );
    return row;
  }

  async update(tx: LedgerTransaction, org: OrganizationRow): Promise<OrganizationRow> {
    const [row] = await tx.query<OrganizationRow>(
      `UPDATE organization SET name = $2, type = $3, country_code = $4, iati_identifier = $5,
              version = version + 1, updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [org.id, org.name, org.type, org.country_code, org.iati_identifier],
    );
    return row;
  }

  /**
   * By name, then id; keyset on (lower(name), id). The sort key is served from PostgreSQL because
   * JavaScript lower-cases some letters differently (final sigma, dotted I), which would make the next
   * page repeat or skip rows.
   */
  async list(
    filter: { type?: string; q?: string },
    limit: number,
    after?: Keyset,
  ): Promise<Array<OrganizationRow & { sort_key: string }>> {
    return this.database.query(
      `SELECT ${COLUMNS}, lower(name) AS sort_key FROM organization
        WHERE ($1::text IS NULL OR type = $1)
          AND ($2::text IS NULL OR name ILIKE '%' || $2 || '%')
          AND ($3::text IS NULL OR (lower(name), id) > ($3, $4::uuid))
        ORDER BY lower(name), id LIMIT $5`,
      [filter.type ?? null, filter.q === undefined ? null : escapeLike(filter.q), after?.value ?? null, after?.id ?? null, limit],
    );
  }
}

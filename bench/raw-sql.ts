import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../src/access/principal';
import { TokensRepository } from '../src/access/tokens.repository';
import { LedgerTransaction } from '../src/database/ledger-transaction';
import { OrganizationsRepository } from '../src/organizations/organizations.repository';
import { organizationScope } from '../src/shipments/shipment-scope';
import type { ShipmentRecord } from '../src/shipments/shipments.repository';
import { ShipmentsRepository } from '../src/shipments/shipments.repository';
import { RequestFailure } from './load';

/**
 * The raw-SQL twins of the API's operations: the very statements the service sends, with the same
 * parameters, over a bare `pg.Pool` — no Nest, no Fastify, no TypeORM, no validation, no HTTP.
 *
 * The statements are not copied: the twins call the service's own repositories (and audit recorder)
 * through a thin adapter that hands each query straight to a pg connection. So the SQL text and the
 * parameter arrays stay in step with src/ by construction; only the *sequence* of calls below mirrors
 * the service's code paths and must follow them when those change:
 *
 * POST /api/v1/shipments (ShipmentsService.create, no Idempotency-Key):
 *   AuthGuard → TokensRepository.findActiveBySecret   one pooled query, outside the transaction
 *   LedgerTransactions.run → dataSource.transaction    START TRANSACTION on a second checkout
 *     checkParties → OrganizationsRepository.names     SELECT id, name FROM organization WHERE id = ANY($1)
 *     ShipmentsRepository.insert                       INSERT shipment … RETURNING reference
 *                                                      (partners: none in the seed case, so no statement)
 *                                                      INSERT shipment_item … FROM unnest(13 arrays)
 *     reload → ShipmentsRepository.findView(id)        SELECT json_build_object(…) (the served JSON)
 *     tx.recordChange → recordAuditEntry               INSERT audit_entry + its audit_queue row, one
 *                                                      statement (after = that JSON); the service's
 *                                                      integrator sequences both sides' entries later
 *   COMMIT                                             8 round trips in all
 *
 * GET /api/v1/shipments/:reference (ShipmentsService.get):
 *   AuthGuard → TokensRepository.findActiveBySecret   one pooled query
 *   ShipmentsRepository.findView(reference, scope)    one pooled query              2 round trips
 */
export class RawSql {
  private readonly pool: Pool;
  private readonly tokens: TokensRepository;
  private readonly organizations = new OrganizationsRepository(undefined as unknown as DataSource);
  private readonly shipments: ShipmentsRepository;

  constructor(databaseUrl: string, connections: number) {
    // The service's pool settings (src/database/data-source.ts), but for the name.
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: connections,
      connectionTimeoutMillis: 5000,
      query_timeout: 30000,
      application_name: 'aidtrail-bench-raw',
    });
    const pooled = poolDataSource(this.pool);
    this.tokens = new TokensRepository(pooled);
    this.shipments = new ShipmentsRepository(pooled);
  }

  /** Opens all connections up front, as a warmed-up service pool would have them. */
  async open(): Promise<void> {
    const clients = await Promise.all(
      Array.from({ length: this.pool.options.max! }, () => this.pool.connect()),
    );
    for (const client of clients) client.release();
  }

  /** The bearer token's principal, as the AuthGuard resolves it on every request. */
  private async authenticate(secret: string): Promise<Principal> {
    const principal = await this.tokens.findActiveBySecret(secret);
    if (!principal) throw new RequestFailure('raw SQL: the token was not found');
    return principal;
  }

  /** POST /api/v1/shipments without HTTP: returns the shipment's id. */
  async createShipment(secret: string, record: ShipmentRecord): Promise<string> {
    const principal = await this.authenticate(secret);
    const client = await this.pool.connect();
    try {
      await client.query('START TRANSACTION');
      const tx = new LedgerTransaction(clientManager(client), { requestId: randomUUID(), principal });
      const known = await this.organizations.names(tx.manager, [
        record.donorId,
        record.recipientId,
        ...record.partnerIds,
      ]);
      if (!known.has(record.donorId) || !known.has(record.recipientId)) {
        throw new RequestFailure('raw SQL: donor or recipient not found');
      }
      await this.shipments.insert(tx, record, new Date().toISOString());
      const after = await this.shipments.findView(record.id, null, tx.manager);
      if (!after) throw new RequestFailure('raw SQL: the shipment vanished inside its own transaction');
      await tx.recordChange({
        action: 'shipment.created',
        entityType: 'shipment',
        entityId: record.id,
        before: null,
        after,
      });
      await client.query('COMMIT');
      return record.id;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** GET /api/v1/shipments/:idOrReference without HTTP: the stored view (no warnings, no ETag). */
  async readShipment(secret: string, idOrReference: string) {
    const principal = await this.authenticate(secret);
    const view = await this.shipments.findView(idOrReference, organizationScope(principal));
    if (!view) throw new RequestFailure(`raw SQL: shipment ${idOrReference} not found`);
    return view;
  }

  /** A query for setting up or checking (not measured). */
  async query<Row = any>(sql: string, parameters: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, parameters)).rows as Row[];
  }

  /** A connection of the pool for a transaction of setup statements (not measured); release it after. */
  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

type Queryable = Pick<Pool | PoolClient, 'query'>;

/**
 * What the repositories use of an EntityManager: `query` (rows) and, inside a transaction,
 * `queryRunner.query(sql, parameters, true)` (a structured result with `records`), as
 * LedgerTransaction calls it.
 */
function clientManager(connection: Queryable): EntityManager {
  const rows = async (sql: string, parameters?: unknown[]) => (await connection.query(sql, parameters)).rows;
  return {
    query: rows,
    queryRunner: {
      query: async (sql: string, parameters?: unknown[]) => ({ records: await rows(sql, parameters) }),
    },
  } as unknown as EntityManager;
}

/** What the repositories use of a DataSource outside transactions: `query` and `manager`, on the pool. */
function poolDataSource(pool: Pool): DataSource {
  const manager = clientManager(pool);
  return { query: manager.query, manager } as unknown as DataSource;
}

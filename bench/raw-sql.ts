import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { entryText } from '../src/audit/audit-entry.view';
import type { Keyset } from '../src/common/cursor';
import { hashTokenSecret } from '../src/access/token-secret';
import { poolSettings } from '../src/database/pool-settings';
import { RequestFailure } from './load';
import * as sql from './service-sql';
import type { ShipmentFilter, ShipmentRow, ShipmentSort, Statement } from './service-sql';

/** The caller a bearer token stands for, as the AuthGuard resolves it. */
interface Caller {
  tokenId: string;
  name: string;
  role: string;
  organizationId: string | null;
}

/**
 * The raw-SQL twins of the API's operations: the statements the service sends (service-sql.ts), in the
 * same sequence and with the same parameters, over a bare `pg.Pool` — no Nest, no Fastify, no TypeORM, no
 * validation, no HTTP. The sequence mirrors the service's code paths and must follow them when they change:
 *
 * POST /api/v1/shipments (ShipmentsService.create, no Idempotency-Key):
 *   AuthGuard: the token by its secret's hash          one pooled query, outside the transaction
 *   the change's transaction                           START TRANSACTION on a second checkout
 *     donor and recipient exist                        SELECT id, name FROM organization WHERE id = ANY($1)
 *     the shipment                                     INSERT shipment … RETURNING reference
 *                                                      (partners: none in the seed case, so no statement)
 *     its lines                                        INSERT shipment_item … FROM unnest(13 arrays)
 *     the served JSON                                  SELECT json_build_object(…)
 *     the audit entry and its queue row                one statement (after = that JSON); the service's
 *                                                      integrator sequences both sides' entries later
 *     the webhook outbox                               SELECT the subscribers of shipment.created
 *                                                      (none in the bench, so nothing is enqueued)
 *   COMMIT                                             9 round trips in all
 *
 * GET /api/v1/shipments/:reference: the token, then the served JSON           2 round trips
 * GET /api/v1/shipments?filters&cursor: the token, then one page (limit + 1)  2 round trips
 * GET /api/v1/reports/summary?groupBy&filters: see service-sql.ts summary.
 */
export class RawSql {
  private readonly pool: Pool;

  constructor(databaseUrl: string, connections: number) {
    // The service's pool settings, but for the name.
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: connections,
      ...poolSettings(),
      application_name: 'aidtrail-bench-raw',
    });
    // An idle connection's error (the server terminating it, e.g. when the bench database is dropped
    // at the end) must not crash the run; the next checkout opens a new connection.
    this.pool.on('error', () => undefined);
  }

  /** Opens all connections up front, as a warmed-up service pool would have them. */
  async open(): Promise<void> {
    const clients = await Promise.all(
      Array.from({ length: this.pool.options.max! }, () => this.pool.connect()),
    );
    for (const client of clients) client.release();
  }

  /** The bearer token's caller, as the AuthGuard resolves it on every request. */
  private async authenticate(secret: string): Promise<Caller> {
    const [row] = await this.query<{ id: string; name: string; role: string; organization_id: string | null }>(
      sql.TOKEN_BY_SECRET_HASH,
      [hashTokenSecret(secret)],
    );
    if (!row) throw new RequestFailure('raw SQL: the token was not found');
    return { tokenId: row.id, name: row.name, role: row.role, organizationId: row.organization_id };
  }

  /** The organization a caller is confined to: partners always, coordinators when their token names one. */
  private scopeOf(caller: Caller): string | null {
    return caller.role === 'partner' || caller.role === 'coordinator' ? caller.organizationId : null;
  }

  /** POST /api/v1/shipments without HTTP: returns the shipment's id. */
  async createShipment(secret: string, shipment: ShipmentRow): Promise<string> {
    const caller = await this.authenticate(secret);
    return this.inTransaction(async (client) => {
      const run = async <Row>(statement: Statement) => (await client.query(statement.sql, statement.parameters)).rows as Row[];
      const known = await run<{ id: string }>({ sql: sql.ORGANIZATION_NAMES, parameters: [[shipment.donorId, shipment.recipientId]] });
      if (known.length !== 2) throw new RequestFailure('raw SQL: donor or recipient not found');
      await run(sql.insertShipment(shipment, new Date().toISOString()));
      await run(sql.insertItems(shipment));
      const [view] = await run<{ shipment: unknown }>(sql.shipmentView(shipment.id, null));
      if (!view) throw new RequestFailure('raw SQL: the shipment vanished inside its own transaction');
      const entry = {
        id: randomUUID(),
        recordedAt: new Date().toISOString(),
        action: 'shipment.created',
        entityType: 'shipment',
        entityId: shipment.id,
        actor: { tokenId: caller.tokenId, name: caller.name, role: caller.role, organizationId: caller.organizationId },
        requestId: randomUUID(),
        before: null,
        after: view.shipment,
      };
      await run({
        sql: sql.INSERT_AUDIT_ENTRY,
        parameters: [entry.id, entry.recordedAt, entry.action, entry.entityType, entry.entityId, JSON.stringify(entry.actor),
          entry.requestId, entryText(entry)],
      });
      await run({ sql: sql.WEBHOOK_SUBSCRIBERS, parameters: ['shipment.created'] });
      return shipment.id;
    });
  }

  /** GET /api/v1/shipments/:idOrReference without HTTP: the stored view (no warnings, no ETag). */
  async readShipment(secret: string, idOrReference: string) {
    const caller = await this.authenticate(secret);
    const { sql: text, parameters } = sql.shipmentView(idOrReference, this.scopeOf(caller));
    const [row] = await this.query<{ shipment: unknown }>(text, parameters);
    if (!row) throw new RequestFailure(`raw SQL: shipment ${idOrReference} not found`);
    return row.shipment;
  }

  /** GET /api/v1/shipments without HTTP: the rows of one page (limit + 1, as the service asks). */
  async listShipments(secret: string, filter: ShipmentFilter, sort: ShipmentSort, limit: number, after?: Keyset) {
    const caller = await this.authenticate(secret);
    return this.listRows(filter, this.scopeOf(caller), sort, limit, after);
  }

  /** The list query's rows for a given scope, without a token (setting up deep cursors). */
  listRows(filter: ShipmentFilter, scope: string | null, sort: ShipmentSort, limit: number, after?: Keyset) {
    const { sql: text, parameters } = sql.shipmentList(filter, scope, sort, limit, after);
    return this.query<{ shipment: { id: string }; cursor_value: string }>(text, parameters);
  }

  /** The list's SQL and parameters (for EXPLAIN). */
  listStatement(filter: ShipmentFilter, scope: string | null, sort: ShipmentSort, limit: number, after?: Keyset): Statement {
    return sql.shipmentList(filter, scope, sort, limit, after);
  }

  /** The lookup's SQL and parameters (for EXPLAIN). */
  findViewStatement(idOrReference: string, scope: string | null): Statement {
    return sql.shipmentView(idOrReference, scope);
  }

  /** GET /api/v1/reports/summary without HTTP (see service-sql.ts summary). */
  async summary(secret: string, groupBy: string, filter: ShipmentFilter) {
    const caller = await this.authenticate(secret);
    const { sql: text, parameters } = sql.summary(groupBy, filter, this.scopeOf(caller));
    return this.query<{ shipments: number; lines: number }>(text, parameters);
  }

  summaryStatement(groupBy: string, filter: ShipmentFilter): Statement {
    return sql.summary(groupBy, filter, null);
  }

  /** A query for setting up or checking (not measured), or a twin's pooled read. */
  async query<Row = any>(text: string, parameters: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(text, parameters)).rows as Row[];
  }

  /** Runs `work` on one connection in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('START TRANSACTION');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

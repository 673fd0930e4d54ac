import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import type { Principal } from '../src/access/principal';
import { AuditRecorder } from '../src/audit/audit-recorder';
import type { Keyset } from '../src/common/cursor';
import { SqlParams } from '../src/common/sql';
import { TokensRepository } from '../src/access/tokens.repository';
import { poolSettings } from '../src/database/pool-settings';
import { ChangeListener, LedgerTransaction, LedgerTransactions } from '../src/database/ledger-transaction';
import { Database } from '../src/database/sql/database';
import { SqlTransaction } from '../src/database/sql/sql-transaction';
import { OrganizationsRepository } from '../src/organizations/organizations.repository';
import { organizationScope } from '../src/shipments/shipment-scope';
import type { ShipmentFilterDto, ShipmentSort } from '../src/shipments/dto/list-shipments-query.dto';
import type { ShipmentRecord } from '../src/shipments/shipments.repository';
import { ShipmentsRepository } from '../src/shipments/shipments.repository';
import { shipmentFilterConditions } from '../src/shipments/shipment-filters';
import { ShipmentItemsRepository } from '../src/shipments/shipment-items.repository';
import { ShipmentPartnersRepository } from '../src/shipments/shipment-partners.repository';
import { WebhookOutbox } from '../src/webhooks/webhook-outbox';
import { WebhooksRepository } from '../src/webhooks/webhooks.repository';
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
 *       → WebhookOutbox.onChange (the change listener)  SELECT the subscribers of shipment.created
 *                                                      (none in the bench, so nothing is enqueued)
 *   COMMIT                                             9 round trips in all
 *
 * GET /api/v1/shipments/:reference (ShipmentsService.get):
 *   AuthGuard → TokensRepository.findActiveBySecret   one pooled query
 *   ShipmentsRepository.findView(reference, scope)    one pooled query              2 round trips
 *
 * GET /api/v1/shipments?filters&cursor (ShipmentsService.list), the same way:
 *   AuthGuard → TokensRepository.findActiveBySecret   one pooled query
 *   ShipmentsRepository.list(filter, scope, sort, limit + 1, keyset)                  2 round trips
 *
 * GET /api/v1/reports/summary?groupBy&filters: see summaryStatement (the aggregation the contract
 * describes over the shared shipment filter; not the reports module's own SQL).
 */
export class RawSql {
  private readonly pool: Pool;
  private readonly tokens: TokensRepository;
  private readonly organizations: OrganizationsRepository;
  private readonly shipments: ShipmentsRepository;
  /** The change listeners the service registers with LedgerTransactions (the audit trail, then the webhook outbox). */
  private readonly listeners: ChangeListener[];

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
    const pooled = new Database(this.pool);
    this.organizations = new OrganizationsRepository(pooled);
    this.tokens = new TokensRepository(pooled);
    this.shipments = new ShipmentsRepository(pooled, new ShipmentPartnersRepository(), new ShipmentItemsRepository());
    // The listeners themselves; LedgerTransactions is not used here, the raw twin orders them itself.
    const transactions = { setAuditTrail: () => undefined } as unknown as LedgerTransactions;
    this.listeners = [new AuditRecorder(transactions), new WebhookOutbox(transactions, new WebhooksRepository(pooled), this.shipments)];
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
      const tx = new LedgerTransaction(new SqlTransaction(client), { requestId: randomUUID(), principal }, this.listeners);
      const known = await this.organizations.names([record.donorId, record.recipientId, ...record.partnerIds], tx);
      if (!known.has(record.donorId) || !known.has(record.recipientId)) {
        throw new RequestFailure('raw SQL: donor or recipient not found');
      }
      await this.shipments.insert(tx, record, new Date().toISOString());
      const after = await this.shipments.findView(record.id, null, tx);
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

  /** GET /api/v1/shipments without HTTP: the rows of one page (limit + 1, as the service asks). */
  async listShipments(secret: string, filter: ShipmentFilterDto, sort: ShipmentSort, limit: number, after?: Keyset) {
    const principal = await this.authenticate(secret);
    return this.shipments.list(filter, organizationScope(principal), sort, limit, after);
  }

  /** The list query's rows for a given scope, without a token (setting up deep cursors). */
  listRows(filter: ShipmentFilterDto, scope: string | null, sort: ShipmentSort, limit: number, after?: Keyset) {
    return this.shipments.list(filter, scope, sort, limit, after);
  }

  /** The list's exact SQL and parameters, as the repository sends them (for EXPLAIN). */
  listStatement(filter: ShipmentFilterDto, scope: string | null, sort: ShipmentSort, limit: number, after?: Keyset): Statement {
    return captured((repository) => repository.list(filter, scope, sort, limit, after));
  }

  /** The lookup's exact SQL and parameters (for EXPLAIN). */
  findViewStatement(idOrReference: string, scope: string | null): Statement {
    return captured((repository) => repository.findView(idOrReference, scope));
  }

  /** GET /api/v1/reports/summary without HTTP (see summaryStatement). */
  async summary(secret: string, groupBy: string, filter: ShipmentFilterDto) {
    const principal = await this.authenticate(secret);
    const { sql, parameters } = summaryStatement(groupBy, filter, organizationScope(principal));
    return (await this.pool.query(sql, parameters)).rows;
  }

  summaryStatement(groupBy: string, filter: ShipmentFilterDto): Statement {
    return summaryStatement(groupBy, filter, null);
  }

  /** A query for setting up or checking (not measured). */
  async query<Row = any>(sql: string, parameters: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, parameters)).rows as Row[];
  }

  /** A connection of the pool for a transaction of setup statements (not measured); release it after. */
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

/** One SQL statement with its positional parameters. */
export interface Statement {
  sql: string;
  parameters: unknown[];
}

/** Runs a repository method against a data source that only records the statement it is handed. */
function captured(call: (repository: ShipmentsRepository) => Promise<unknown>): Statement {
  let statement: Statement | undefined;
  const record = async (sql: string, parameters: unknown[] = []) => {
    statement = { sql, parameters };
    return [];
  };
  void call(new ShipmentsRepository({ query: record } as unknown as Database, new ShipmentPartnersRepository(), new ShipmentItemsRepository()));
  if (!statement) throw new Error('the repository sent no statement synchronously');
  return statement;
}

const GROUP_KEYS: Record<string, { key: string; label: string }> = {
  status: { key: 's.status', label: 's.status' },
  destinationCountry: { key: 'rtrim(s.destination_country)', label: 'rtrim(s.destination_country)' },
  month: { key: `to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM')`, label: `to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM')` },
  donor: { key: 's.donor_id::text', label: '(SELECT name FROM organization o WHERE o.id = s.donor_id)' },
  recipient: { key: 's.recipient_id::text', label: '(SELECT name FROM organization o WHERE o.id = s.recipient_id)' },
};

/**
 * The summary report as the contract describes it ({key, label, shipments, lines, declaredValue per
 * currency, quantities per unit}) over the shared shipment filter and scope, in one statement: the
 * reference the API's figure stands beside. Shipment-level keys only (not category).
 */
function summaryStatement(groupBy: string, filter: ShipmentFilterDto, scope: string | null): Statement {
  const group = GROUP_KEYS[groupBy];
  if (!group) throw new Error(`summary twin: groupBy=${groupBy} is not supported`);
  const params = new SqlParams();
  const conditions = [...shipmentFilterConditions(params, filter)];
  if (scope) {
    const org = params.add(scope);
    conditions.push(`(s.donor_id = ${org} OR s.recipient_id = ${org}
      OR EXISTS (SELECT 1 FROM shipment_partner vp WHERE vp.shipment_id = s.id AND vp.organization_id = ${org}))`);
  }
  const sql = `
    WITH f AS MATERIALIZED (
           SELECT s.id, ${group.key} AS key, ${group.label} AS label FROM shipment s
            WHERE ${conditions.length ? conditions.join(' AND ') : 'TRUE'}),
         l AS MATERIALIZED (
           SELECT f.key, i.quantity, i.unit, i.unit_value, i.currency FROM f JOIN shipment_item i ON i.shipment_id = f.id),
         value AS (
           SELECT key, json_agg(json_build_object('currency', currency, 'amount', amount::text) ORDER BY currency) AS v
             FROM (SELECT key, currency, sum(quantity * unit_value) AS amount FROM l WHERE unit_value IS NOT NULL GROUP BY 1, 2) x
            GROUP BY key),
         quantity AS (
           SELECT key, json_agg(json_build_object('unit', unit, 'quantity', quantity::text) ORDER BY unit) AS q
             FROM (SELECT key, unit, sum(quantity) AS quantity FROM l GROUP BY 1, 2) x GROUP BY key),
         lines AS (SELECT key, count(*)::int AS lines FROM l GROUP BY key)
    SELECT f.key, min(f.label) AS label, count(*)::int AS shipments, coalesce(min(lines.lines), 0) AS lines,
           coalesce(min(value.v::text), '[]')::json AS "declaredValue", coalesce(min(quantity.q::text), '[]')::json AS quantities
      FROM f LEFT JOIN lines USING (key) LEFT JOIN value USING (key) LEFT JOIN quantity USING (key)
     GROUP BY f.key ORDER BY f.key`;
  return { sql, parameters: params.values };
}

import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AccessTokenEntity } from '../access/access-token.entity';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { AuditCheckpointEntity, AuditLeafEntity, AuditQueueEntity, AuditSubtreeEntity } from '../audit/audit-log.entities';
import { IdempotencyRecordEntity } from '../common/idempotency/idempotency-record.entity';
import { OrganizationEntity } from '../organizations/organization.entity';
import { ShipmentEventEntity } from '../shipments/entities/shipment-event.entity';
import { ShipmentItemEntity } from '../shipments/entities/shipment-item.entity';
import { ShipmentPartnerEntity } from '../shipments/entities/shipment-partner.entity';
import { ShipmentEntity } from '../shipments/entities/shipment.entity';
import { APPLICATION_NAME, DEFAULT_QUERY_TIMEOUT_MS, poolSettings } from './pool-settings';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookSubscriptionEntity } from '../webhooks/webhook.entities';
import { AuditCosignatureEntity, AuditWitnessEntity } from '../audit/witness/witness.entities';

export const ENTITIES = [
  OrganizationEntity,
  AccessTokenEntity,
  ShipmentEntity,
  ShipmentPartnerEntity,
  ShipmentItemEntity,
  ShipmentEventEntity,
  AuditEntryEntity,
  AuditLeafEntity,
  AuditSubtreeEntity,
  AuditCheckpointEntity,
  AuditQueueEntity,
  IdempotencyRecordEntity,
  WebhookSubscriptionEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  AuditWitnessEntity,
  AuditCosignatureEntity,
];

/** The schema's options, for the migration runner and the TypeORM CLI (the service runs SQL through Database). */
export function dataSourceOptions(url: string, poolSize = 10, queryTimeoutMs = DEFAULT_QUERY_TIMEOUT_MS): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    // dist/src/database -> dist/migrations
    migrations: [join(__dirname, '..', '..', 'migrations', '*.js')],
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      ...poolSettings(queryTimeoutMs),
      application_name: APPLICATION_NAME,
    },
  };
}

/** For the TypeORM CLI (`npm run migration:generate`): needs DATABASE_URL. */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/aidtrail'));

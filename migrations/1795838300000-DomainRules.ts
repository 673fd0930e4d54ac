import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the entity decorators cannot say: the domain's value rules as CHECK constraints (the last line of
 * defence behind validation), case-insensitive organization names, the reference sequence, and the
 * indexes that the list filters and text search use.
 */
export class DomainRules1795838300000 implements MigrationInterface {
  name = 'DomainRules1795838300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE UNIQUE INDEX organization_name_unique ON organization (lower(name))`,
      `ALTER TABLE organization ADD CONSTRAINT organization_type_check CHECK (type IN ('government','multilateral','ngo','red_cross_red_crescent','private_sector','foundation','academic','other'))`,
      `ALTER TABLE access_token ADD CONSTRAINT access_token_role_check CHECK (role IN ('admin','coordinator','auditor','partner'))`,
      `ALTER TABLE access_token ADD CONSTRAINT access_token_partner_scope CHECK (role <> 'partner' OR organization_id IS NOT NULL)`,
      `ALTER TABLE shipment ADD CONSTRAINT shipment_status_check CHECK (status IN ('planned','dispatched','in_transit','held','arrived','partially_delivered','delivered','cancelled','lost'))`,
      `ALTER TABLE shipment ADD CONSTRAINT shipment_parties_differ CHECK (donor_id <> recipient_id)`,
      `ALTER TABLE shipment ADD CONSTRAINT shipment_dates_ordered CHECK (expected_arrival_date >= planned_dispatch_date)`,
      `ALTER TABLE shipment_item ADD CONSTRAINT shipment_item_quantities CHECK (quantity > 0 AND quantity_received >= 0 AND quantity_damaged >= 0 AND quantity_received + quantity_damaged <= quantity)`,
      `ALTER TABLE shipment_item ADD CONSTRAINT shipment_item_value CHECK (unit_value IS NULL OR (unit_value >= 0 AND currency IS NOT NULL))`,
      `CREATE SEQUENCE shipment_reference_seq`,
      `CREATE INDEX shipment_status ON shipment (status, created_at, id)`,
      `CREATE INDEX shipment_destination ON shipment (destination_country, created_at)`,
      `CREATE INDEX shipment_origin ON shipment (origin_country, created_at)`,
      `CREATE INDEX shipment_emergency ON shipment (lower(emergency), created_at) WHERE emergency IS NOT NULL`,
      `CREATE INDEX shipment_item_category ON shipment_item (category, shipment_id)`,
      `CREATE INDEX shipment_event_voids ON shipment_event (voids_event_id) WHERE voids_event_id IS NOT NULL`,
      `CREATE INDEX idempotency_record_age ON idempotency_record (created_at)`,
      `CREATE INDEX audit_entry_recorded ON audit_entry (recorded_at, id)`,
      // Text search over reference, title and item descriptions: trigram indexes make ILIKE '%q%' indexed.
      `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
      `CREATE INDEX shipment_search ON shipment USING gin ((reference || ' ' || coalesce(title, '')) gin_trgm_ops)`,
      `CREATE INDEX shipment_item_search ON shipment_item USING gin ((description || ' ' || coalesce(item_code, '') || ' ' || coalesce(batch_number, '')) gin_trgm_ops)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of [
      'shipment_item_search',
      'shipment_search',
      'audit_entry_recorded',
      'idempotency_record_age',
      'shipment_event_voids',
      'shipment_item_category',
      'shipment_emergency',
      'shipment_origin',
      'shipment_destination',
      'shipment_status',
      'organization_name_unique',
    ])
      await queryRunner.query(`DROP INDEX IF EXISTS ${index}`);
    await queryRunner.query(`DROP SEQUENCE IF EXISTS shipment_reference_seq`);
    for (const [table, constraint] of [
      ['shipment_item', 'shipment_item_value'],
      ['shipment_item', 'shipment_item_quantities'],
      ['shipment', 'shipment_dates_ordered'],
      ['shipment', 'shipment_parties_differ'],
      ['shipment', 'shipment_status_check'],
      ['access_token', 'access_token_partner_scope'],
      ['access_token', 'access_token_role_check'],
      ['organization', 'organization_type_check'],
    ])
      await queryRunner.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${constraint}`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

const LOG_TABLES = ['audit_entry', 'audit_leaf', 'audit_subtree', 'audit_checkpoint'];

/**
 * Defence in depth for the audit trail: its tables refuse UPDATE, DELETE and TRUNCATE, whoever asks.
 * Someone with the rights to disable triggers can still rewrite rows; the Merkle proofs and the
 * signed checkpoints are what makes such a rewrite detectable.
 */
export class AuditAppendOnly1795838800000 implements MigrationInterface {
  name = 'AuditAppendOnly1795838800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit trail is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of LOG_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_append_only()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of LOG_TABLES) {
      await queryRunner.query(`DROP TRIGGER IF EXISTS ${table}_no_change ON ${table}`);
      await queryRunner.query(`DROP TRIGGER IF EXISTS ${table}_no_truncate ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION IF EXISTS audit_append_only()`);
  }
}

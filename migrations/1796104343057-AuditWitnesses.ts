import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Witness cosigning: the configured witnesses' state (audit_witness) and the cosignatures they returned
 * (audit_cosignature, append-only like the log it vouches for). Generated with the TypeORM CLI, then
 * reviewed: the generator's proposals to drop the hand-written constraints and indexes of earlier
 * migrations were removed; the append-only triggers were added by hand.
 */
export class AuditWitnesses1796104343057 implements MigrationInterface {
  name = 'AuditWitnesses1796104343057';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "audit_witness" ("verifier_key" text NOT NULL, "name" text NOT NULL, "cosigned_size" bigint, "cosigned_at" TIMESTAMP WITH TIME ZONE, "failures" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lease_id" uuid, "lease_until" TIMESTAMP WITH TIME ZONE, "last_error" text, "last_error_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_c87be014e7c4c4adf101cad2258" PRIMARY KEY ("verifier_key"))`,
      `CREATE TABLE "audit_cosignature" ("tree_size" bigint NOT NULL, "verifier_key" text NOT NULL, "name" text NOT NULL, "key_id" bytea NOT NULL, "timestamp" bigint NOT NULL, "line" text NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_e315247f8b52556665b02eaf767" PRIMARY KEY ("tree_size", "verifier_key"))`,
      // By hand: a cosignature, once stored, is evidence (audit_append_only() is from AuditAppendOnly).
      `CREATE TRIGGER audit_cosignature_no_change BEFORE UPDATE OR DELETE ON audit_cosignature FOR EACH ROW EXECUTE FUNCTION audit_append_only()`,
      `CREATE TRIGGER audit_cosignature_no_truncate BEFORE TRUNCATE ON audit_cosignature FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_cosignature"`);
    await queryRunner.query(`DROP TABLE "audit_witness"`);
  }
}

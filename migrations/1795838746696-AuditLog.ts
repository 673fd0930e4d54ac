import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generated with the TypeORM CLI, then reviewed: the generator also proposed dropping the CHECK
 * constraints and expression indexes of DomainRules (it does not see them in the entities); those
 * statements were removed.
 */
export class AuditLog1795838746696 implements MigrationInterface {
  name = 'AuditLog1795838746696';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_leaf" ("seq" bigint NOT NULL, "entry_id" uuid NOT NULL, "leaf_hash" bytea NOT NULL, "integrated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a8a0ae8c86b7083b458719dffa7" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "audit_leaf_entry" ON "audit_leaf"  ("entry_id") `);
    await queryRunner.query(
      `CREATE TABLE "audit_subtree" ("level" smallint NOT NULL, "start" bigint NOT NULL, "hash" bytea NOT NULL, CONSTRAINT "PK_55f1a3b8952b0a6b5a01b923ed9" PRIMARY KEY ("level", "start"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_checkpoint" ("tree_size" bigint NOT NULL, "root_hash" bytea NOT NULL, "note" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_0b13d285aa4fcde23331d54d388" PRIMARY KEY ("tree_size"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_queue" ("entry_id" uuid NOT NULL, "enqueued" BIGSERIAL NOT NULL, CONSTRAINT "PK_3b0dcbde92a741206ef25025847" PRIMARY KEY ("entry_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "audit_queue_order" ON "audit_queue"  ("enqueued") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."audit_queue_order"`);
    await queryRunner.query(`DROP TABLE "audit_queue"`);
    await queryRunner.query(`DROP TABLE "audit_checkpoint"`);
    await queryRunner.query(`DROP TABLE "audit_subtree"`);
    await queryRunner.query(`DROP INDEX "public"."audit_leaf_entry"`);
    await queryRunner.query(`DROP TABLE "audit_leaf"`);
  }
}

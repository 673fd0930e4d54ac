import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions, their outbox (deliveries) and the log of attempts. Generated with the TypeORM
 * CLI, then reviewed: the generator's proposals to drop the DomainRules constraints and indexes were
 * removed, and the CHECK constraints and the partial index of due deliveries were added by hand.
 */
export class Webhooks1795839000000 implements MigrationInterface {
  name = 'Webhooks1795839000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE "webhook_subscription" ("id" uuid NOT NULL, "url" text NOT NULL, "events" text array NOT NULL, "secret" text NOT NULL, "organization_id" uuid, "created_by_token_id" uuid NOT NULL, "active" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "secret_rotated_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b52cb4811c5ada4f42896c37ba8" PRIMARY KEY ("id"))`,
      `CREATE TABLE "webhook_delivery" ("id" uuid NOT NULL, "subscription_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_type" text NOT NULL, "payload" text NOT NULL, "status" text NOT NULL, "attempts" integer NOT NULL, "next_attempt_at" TIMESTAMP WITH TIME ZONE, "locked_until" TIMESTAMP WITH TIME ZONE, "lease_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "completed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b1ae290239a778f12399db91354" PRIMARY KEY ("id"))`,
      `CREATE INDEX "webhook_delivery_list" ON "webhook_delivery"  ("subscription_id", "created_at", "id") `,
      `CREATE UNIQUE INDEX "webhook_delivery_event" ON "webhook_delivery"  ("subscription_id", "event_id") `,
      `CREATE TABLE "webhook_attempt" ("delivery_id" uuid NOT NULL, "attempt" integer NOT NULL, "attempted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status_code" integer, "latency_ms" integer NOT NULL, "error" text, "next_attempt_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_9f268a8988513508fb61c3d1165" PRIMARY KEY ("delivery_id", "attempt"))`,
      `ALTER TABLE "webhook_subscription" ADD CONSTRAINT "FK_d6ac76394d7dfbe461c8a19c53b" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_236a6a1218756223393d1fb5acc" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscription"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TABLE "webhook_attempt" ADD CONSTRAINT "FK_d7ed48c4841159bfd6bdee166ea" FOREIGN KEY ("delivery_id") REFERENCES "webhook_delivery"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      // By hand:
      `ALTER TABLE webhook_subscription ADD CONSTRAINT webhook_subscription_events CHECK (cardinality(events) > 0 AND events <@ ARRAY['shipment.created','shipment.status_changed','shipment.updated']::text[])`,
      `ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_status CHECK (status IN ('pending','delivered','failed'))`,
      `CREATE INDEX webhook_subscription_organization ON webhook_subscription (organization_id, created_at, id)`,
      // What the workers poll: only pending rows, in the order they fall due.
      `CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending'`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_attempt"`);
    await queryRunner.query(`DROP TABLE "webhook_delivery"`);
    await queryRunner.query(`DROP TABLE "webhook_subscription"`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795838209117 implements MigrationInterface {
  name = 'InitialSchema1795838209117';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "organization" ("id" uuid NOT NULL, "name" text NOT NULL, "type" text NOT NULL, "country_code" character(2), "iati_identifier" text, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_472c1f99a32def1b0abb219cd67" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "access_token" ("id" uuid NOT NULL, "name" text NOT NULL, "role" text NOT NULL, "organization_id" uuid, "secret_hash" bytea NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f20f028607b2603deabd8182d12" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "access_token_secret_hash" ON "access_token"  ("secret_hash") `,
    );
    await queryRunner.query(
      `CREATE TABLE "audit_entry" ("id" uuid NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "action" text NOT NULL, "entity_type" text NOT NULL, "entity_id" uuid NOT NULL, "actor" jsonb NOT NULL, "request_id" text, "before" jsonb, "after" jsonb, CONSTRAINT "PK_58a130a4b9da189f46ba2a01801" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "audit_entry_entity" ON "audit_entry"  ("entity_type", "entity_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "idempotency_record" ("token_id" uuid NOT NULL, "key" text NOT NULL, "request_hash" bytea NOT NULL, "status_code" integer NOT NULL, "response_body" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_59d7772f6e6ba424781dc60790b" PRIMARY KEY ("token_id", "key"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "shipment" ("id" uuid NOT NULL, "reference" text NOT NULL, "title" text, "status" text NOT NULL, "version" integer NOT NULL, "donor_id" uuid NOT NULL, "recipient_id" uuid NOT NULL, "origin_country" character(2) NOT NULL, "origin_location" text, "destination_country" character(2) NOT NULL, "destination_location" text, "transport_mode" text, "emergency" text, "priority" text NOT NULL, "planned_dispatch_date" date, "expected_arrival_date" date, "line_count" integer NOT NULL, "totals" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f51f635db95c534ca206bf7a0a4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "shipment_reference_unique" ON "shipment"  ("reference") `);
    await queryRunner.query(`CREATE INDEX "IDX_f99762f7f41104ae54e6d6b8f9" ON "shipment"  ("donor_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_2e52543f5bf08ed81132c2307a" ON "shipment"  ("recipient_id") `);
    await queryRunner.query(`CREATE INDEX "shipment_updated_keyset" ON "shipment"  ("updated_at", "id") `);
    await queryRunner.query(`CREATE INDEX "shipment_created_keyset" ON "shipment"  ("created_at", "id") `);
    await queryRunner.query(
      `CREATE TABLE "shipment_event" ("id" uuid NOT NULL, "shipment_id" uuid NOT NULL, "position" integer NOT NULL, "type" text NOT NULL, "from_status" text NOT NULL, "to_status" text NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "location" jsonb, "note" text, "receipt" jsonb, "evidence" jsonb, "actor" jsonb NOT NULL, "voids_event_id" uuid, "voided_at" TIMESTAMP WITH TIME ZONE, "void_reason" text, CONSTRAINT "PK_225d54792e24adfffdb489fba36" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "shipment_event_timeline" ON "shipment_event"  ("shipment_id", "position") `,
    );
    await queryRunner.query(
      `CREATE TABLE "shipment_item" ("id" uuid NOT NULL, "shipment_id" uuid NOT NULL, "line_no" integer NOT NULL, "description" text NOT NULL, "category" text NOT NULL, "quantity" numeric NOT NULL, "unit" text NOT NULL, "unit_value" numeric, "currency" character(3), "item_code" text, "batch_number" text, "expiry_date" date, "weight_kg" numeric, "volume_m3" numeric, "quantity_received" numeric NOT NULL DEFAULT '0', "quantity_damaged" numeric NOT NULL DEFAULT '0', CONSTRAINT "PK_f6228898b4578ba672a2f794d11" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "shipment_item_line" ON "shipment_item"  ("shipment_id", "line_no") `,
    );
    await queryRunner.query(
      `CREATE TABLE "shipment_partner" ("shipment_id" uuid NOT NULL, "organization_id" uuid NOT NULL, "position" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_d2abbad55d72904efe26169b47d" PRIMARY KEY ("shipment_id", "organization_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_1ad3592f9996b41084293e7272" ON "shipment_partner"  ("organization_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "access_token" ADD CONSTRAINT "FK_95d22974da907e6b8e86c0b9937" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment" ADD CONSTRAINT "FK_f99762f7f41104ae54e6d6b8f99" FOREIGN KEY ("donor_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment" ADD CONSTRAINT "FK_2e52543f5bf08ed81132c2307a2" FOREIGN KEY ("recipient_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_event" ADD CONSTRAINT "FK_09bd592bb708ffa4b44074aa281" FOREIGN KEY ("shipment_id") REFERENCES "shipment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_item" ADD CONSTRAINT "FK_327834b432b8afba9ad69369074" FOREIGN KEY ("shipment_id") REFERENCES "shipment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_partner" ADD CONSTRAINT "FK_aa469c56dc84d3bcb8d380b0e13" FOREIGN KEY ("shipment_id") REFERENCES "shipment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_partner" ADD CONSTRAINT "FK_1ad3592f9996b41084293e72723" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "shipment_partner" DROP CONSTRAINT "FK_1ad3592f9996b41084293e72723"`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_partner" DROP CONSTRAINT "FK_aa469c56dc84d3bcb8d380b0e13"`,
    );
    await queryRunner.query(`ALTER TABLE "shipment_item" DROP CONSTRAINT "FK_327834b432b8afba9ad69369074"`);
    await queryRunner.query(`ALTER TABLE "shipment_event" DROP CONSTRAINT "FK_09bd592bb708ffa4b44074aa281"`);
    await queryRunner.query(`ALTER TABLE "shipment" DROP CONSTRAINT "FK_2e52543f5bf08ed81132c2307a2"`);
    await queryRunner.query(`ALTER TABLE "shipment" DROP CONSTRAINT "FK_f99762f7f41104ae54e6d6b8f99"`);
    await queryRunner.query(`ALTER TABLE "access_token" DROP CONSTRAINT "FK_95d22974da907e6b8e86c0b9937"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_1ad3592f9996b41084293e7272"`);
    await queryRunner.query(`DROP TABLE "shipment_partner"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_item_line"`);
    await queryRunner.query(`DROP TABLE "shipment_item"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_event_timeline"`);
    await queryRunner.query(`DROP TABLE "shipment_event"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_created_keyset"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_updated_keyset"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2e52543f5bf08ed81132c2307a"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f99762f7f41104ae54e6d6b8f9"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_reference_unique"`);
    await queryRunner.query(`DROP TABLE "shipment"`);
    await queryRunner.query(`DROP TABLE "idempotency_record"`);
    await queryRunner.query(`DROP INDEX "public"."audit_entry_entity"`);
    await queryRunner.query(`DROP TABLE "audit_entry"`);
    await queryRunner.query(`DROP INDEX "public"."access_token_secret_hash"`);
    await queryRunner.query(`DROP TABLE "access_token"`);
    await queryRunner.query(`DROP TABLE "organization"`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /api/v1/shipments?donorId=` and `?recipientId=` (and the donor/recipient arms of `organizationId`
 * and of a scoped token's visibility) page newest first by (created_at, id). With an index on the party
 * alone, PostgreSQL either walks the created_at index backwards filtering by party (cost grows with how
 * rare the party is) or collects every row of the party and sorts them for each page (cost grows with the
 * party's size and with the cursor's depth). With the keyset columns after the party, each page is one
 * index range of `limit` rows at any depth (bench: scale section). They replace the single-column indexes,
 * whose work (the foreign keys' RESTRICT checks) their leading column does as well.
 */
export class ListKeysetIndexes1795839412000 implements MigrationInterface {
  name = 'ListKeysetIndexes1795839412000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "shipment_donor_keyset" ON "shipment" ("donor_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "shipment_recipient_keyset" ON "shipment" ("recipient_id", "created_at", "id")`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_f99762f7f41104ae54e6d6b8f9"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2e52543f5bf08ed81132c2307a"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_2e52543f5bf08ed81132c2307a" ON "shipment" ("recipient_id")`);
    await queryRunner.query(`CREATE INDEX "IDX_f99762f7f41104ae54e6d6b8f9" ON "shipment" ("donor_id")`);
    await queryRunner.query(`DROP INDEX "public"."shipment_recipient_keyset"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_donor_keyset"`);
  }
}

import canonicalize from 'canonicalize';
import { MigrationInterface, QueryRunner } from 'typeorm';

const BACKFILL_BATCH = 1_000;

/**
 * An audit entry is stored as the bytes that are hashed: its RFC 8785 canonical JSON (less `seq` and
 * `leafHash`), written once by the service in the change's transaction. The served entry, the leaf hash
 * and every verification read that one text, so verifying a log is hashing stored bytes (no JSON parsing,
 * no re-canonicalization) and there is no second copy of `before`/`after` that could disagree with it.
 * The remaining columns (action, entity, actor, time) are an index for filtering, not the record.
 *
 * Existing entries are backfilled with the same bytes their leaf hashes were computed over: the entry as
 * it was served, canonicalized.
 */
export class AuditEntryContent1795838900000 implements MigrationInterface {
  name = 'AuditEntryContent1795838900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_entry ADD COLUMN content text`);
    // The append-only trigger refuses the backfill's UPDATEs; this transaction alone may pass.
    await queryRunner.query(`ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change`);
    for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
      const rows: Array<{ id: string; entry: Record<string, unknown> }> = await queryRunner.query(
        `SELECT id, json_build_object(
                  'id', id, 'recordedAt', to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                  'action', action, 'entityType', entity_type, 'entityId', entity_id, 'actor', actor,
                  'requestId', request_id, 'before', before, 'after', after) AS entry
           FROM audit_entry WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, BACKFILL_BATCH],
      );
      if (rows.length === 0) break;
      await queryRunner.query(
        `UPDATE audit_entry e SET content = b.content FROM unnest($1::uuid[], $2::text[]) AS b(id, content) WHERE e.id = b.id`,
        [rows.map((row) => row.id), rows.map((row) => canonicalize(row.entry))],
      );
      after = rows[rows.length - 1].id;
    }
    await queryRunner.query(`ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change`);
    await queryRunner.query(`ALTER TABLE audit_entry ALTER COLUMN content SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE audit_entry DROP COLUMN before, DROP COLUMN after`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_entry ADD COLUMN before jsonb, ADD COLUMN after jsonb`);
    await queryRunner.query(`ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change`);
    await queryRunner.query(
      `UPDATE audit_entry SET before = content::jsonb -> 'before', after = content::jsonb -> 'after'`,
    );
    await queryRunner.query(`UPDATE audit_entry SET before = NULL WHERE before = 'null'::jsonb`);
    await queryRunner.query(`UPDATE audit_entry SET after = NULL WHERE after = 'null'::jsonb`);
    await queryRunner.query(`ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change`);
    await queryRunner.query(`ALTER TABLE audit_entry DROP COLUMN content`);
  }
}

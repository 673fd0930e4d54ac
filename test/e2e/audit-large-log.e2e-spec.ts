import { randomUUID } from 'node:crypto';
import { entryText } from '../../src/audit/audit-entry.view';
import { settled } from '../support/audit-log';
import { Api } from '../support/http';
import { startService, TestService } from '../support/service';

/**
 * GET /audit/verify over a log of several of its 16,384-leaf chunks (small logs fit in one): the fast
 * pass accepts the intact log, and tampering deep in a later chunk, with an entry or with a stored
 * subtree hash, sends it to the row-by-row pass, which names the first bad index.
 */
describe('audit verification over a log of 40,000 entries', () => {
  const ENTRIES = 40_000;
  let service: TestService;
  let admin: Api;
  let size: number;

  /** Runs a statement with the append-only triggers off, in the test's own session. */
  async function tamper(sql: string, params: unknown[] = []): Promise<void> {
    await service.db.query('SET session_replication_role = replica');
    try {
      await service.db.query(sql, params);
    } finally {
      await service.db.query('SET session_replication_role = DEFAULT');
    }
  }

  beforeAll(async () => {
    service = await startService();
    admin = new Api(service.baseUrl, service.adminToken);
    // Entries written as the recorder writes them (canonical text plus a queue row), 5,000 per statement;
    // the service's integrator sequences them.
    const actor = { tokenId: randomUUID(), name: 'Large log test', role: 'admin', organizationId: null };
    for (let from = 0; from < ENTRIES; from += 5_000) {
      const entries = Array.from({ length: 5_000 }, (_, i) => ({
        id: randomUUID(),
        recordedAt: new Date().toISOString(),
        action: 'organization.updated',
        entityType: 'organization',
        entityId: randomUUID(),
        actor,
        requestId: `large-log-${from + i}`,
        before: null,
        after: { note: `entry ${from + i}` },
      }));
      await service.db.query(
        `WITH entry AS (
           INSERT INTO audit_entry (id, recorded_at, action, entity_type, entity_id, actor, request_id, content)
           SELECT id, now(), 'organization.updated', 'organization', entity_id, $2::jsonb, request_id, content
             FROM unnest($1::uuid[], $3::uuid[], $4::text[], $5::text[]) WITH ORDINALITY AS t(id, entity_id, request_id, content, n)
            ORDER BY n
           RETURNING id)
         INSERT INTO audit_queue (entry_id) SELECT id FROM entry`,
        [
          entries.map((e) => e.id),
          JSON.stringify(actor),
          entries.map((e) => e.entityId),
          entries.map((e) => e.requestId),
          entries.map((e) => entryText(e)),
        ],
      );
    }
    size = (await settled(admin, service.db, 60_000)).treeSize;
    expect(size).toBeGreaterThan(2 * 16_384);
  }, 120_000);
  afterAll(() => service?.stop());

  /** aidtrail_audit_verifications_total by pass and outcome, from /metrics. */
  async function verifications(): Promise<Record<string, number>> {
    const text = (await admin.get('/metrics', { token: null })).text;
    const counts: Record<string, number> = {};
    for (const match of text.matchAll(/^aidtrail_audit_verifications_total\{pass="(\w+)",valid="(\w+)"\} (\d+)$/gm)) {
      counts[`${match[1]}:${match[2]}`] = Number(match[3]);
    }
    return counts;
  }

  it('accepts the intact log in the fast pass', async () => {
    const before = await verifications();
    const report = await admin.get('/audit/verify');
    expect(await verifications()).toEqual({ ...before, 'intact:true': (before['intact:true'] ?? 0) + 1 });
    expect(report.body).toEqual({ valid: true, treeSize: size, rootHash: expect.any(String), checked: size });
    const checkpoint = (await admin.get('/audit/checkpoint')).body;
    expect(Buffer.from(report.body.rootHash, 'hex').toString('base64')).toBe(checkpoint.rootHash);
  });

  it('names a stored subtree hash rewritten in the second chunk', async () => {
    // The level-2 subtree over leaves 20,000..20,003: its leaves are in the second chunk of 16,384.
    const { rows } = await service.db.query('SELECT hash FROM audit_subtree WHERE level = 2 AND start = 20000');
    expect(rows).toHaveLength(1);
    await tamper('UPDATE audit_subtree SET hash = sha256(hash) WHERE level = 2 AND start = 20000');
    try {
      const before = await verifications();
      expect((await admin.get('/audit/verify')).body).toMatchObject({ valid: false, firstInvalidSeq: 20_000 });
      expect(await verifications()).toEqual({ ...before, 'row_by_row:false': (before['row_by_row:false'] ?? 0) + 1 });
    } finally {
      await tamper('UPDATE audit_subtree SET hash = $1 WHERE level = 2 AND start = 20000', [rows[0].hash]);
    }
    expect((await admin.get('/audit/verify')).body).toMatchObject({ valid: true, treeSize: size });
  });

  it('names an entry rewritten in the third chunk', async () => {
    const seq = 2 * 16_384 + 123;
    const { rows } = await service.db.query('SELECT entry_id FROM audit_leaf WHERE seq = $1', [seq]);
    await tamper(`UPDATE audit_entry SET content = replace(content, '"entry ', '"forged ') WHERE id = $1`, [rows[0].entry_id]);
    const report = (await admin.get('/audit/verify')).body;
    expect(report).toMatchObject({ valid: false, firstInvalidSeq: seq });
    expect(report.problems).toEqual(expect.arrayContaining([`entry ${seq} does not match its leaf hash`]));
  });
});

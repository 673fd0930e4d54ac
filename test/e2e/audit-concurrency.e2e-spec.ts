import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { verifyConsistency } from '../../src/audit/merkle/merkle-tree';
import {
  checkCheckpoint,
  CheckpointJson,
  count,
  eventually,
  expectContiguousLog,
  exportText,
  failChangesAtCommit,
  fromHex,
  inLanes,
  latestCheckpoint,
  offlineVerify,
  PublicKeyJson,
  ROLLBACK_AT_COMMIT,
  settled,
  sleep,
} from '../support/audit-log';
import { organizationBody, seedParties, seedShipmentBody } from '../support/builders';
import { Api } from '../support/http';
import { ServiceProcess, startService, TestService } from '../support/service';

const UNKNOWN_ORGANIZATION = '00000000-0000-4000-8000-000000000000';

/** Every row of `table` has exactly one `<action>` entry, and there is no such entry without its row. */
async function expectOneEntryPerRow(db: Client, table: string, action: string): Promise<void> {
  expect(await count(db, `SELECT count(*) FROM audit_entry WHERE action = $1`, [action])).toBe(
    await count(db, `SELECT count(*) FROM ${table}`),
  );
  expect(
    await count(
      db,
      `SELECT count(*) FROM ${table} r WHERE (SELECT count(*) FROM audit_entry e WHERE e.entity_id = r.id AND e.action = $1) <> 1`,
      [action],
    ),
  ).toBe(0);
}

/**
 * Freezes the first process (SIGSTOP) so that it cannot take the integrator lock; retried when it was
 * frozen in the middle of an integration, holding the lock.
 */
async function freeze(service: TestService): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    service.process.kill('SIGSTOP');
    await sleep(400);
    const stuck = await count(
      service.db,
      `SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted AND a.state = 'idle in transaction' AND a.state_change < now() - interval '300 milliseconds'`,
    );
    if (stuck === 0) return;
    service.process.kill('SIGCONT');
    await sleep(100);
  }
  throw new Error('could not freeze the first process outside an integration');
}

describe('audit log under concurrency', () => {
  let service: TestService;
  let key: PublicKeyJson;
  const siblings: ServiceProcess[] = [];

  beforeAll(async () => {
    service = await startService();
    siblings.push(...(await Promise.all([service.startSibling(), service.startSibling()])));
    key = (await new Api(service.baseUrl, service.adminToken).get('/audit/public-key')).body;
  });
  afterAll(async () => {
    if (service?.process.exitCode === null) service.process.kill('SIGCONT');
    await service?.stop();
  });

  it('sequences writes from three processes at once into one contiguous log, rolled-back changes left out', async () => {
    const apis = [service.baseUrl, ...siblings.map((sibling) => sibling.baseUrl)].map(
      (url) => new Api(url, service.adminToken),
    );
    const { donor, recipient } = await seedParties(apis[0]);
    await failChangesAtCommit(service.db);
    const created: Array<{ action: string; entityId: string; requestId: string }> = [];
    const refused: string[] = [];
    const takenName = (await apis[0].post('/organizations', organizationBody())).body.name as string;

    const tasks = apis.flatMap((api, process) =>
      Array.from({ length: 60 }, (_, i) => async () => {
        const requestId = `conc-${process}-${i}-${randomBytes(3).toString('hex')}`;
        const headers = { headers: { 'x-request-id': requestId } };
        const organization = await api.post('/organizations', organizationBody(), headers);
        expect(organization.status).toBe(201);
        created.push({ action: 'organization.created', entityId: organization.body.id, requestId });
        if (i % 3 === 0) {
          const shipmentRequest = `${requestId}-s`;
          const shipment = await api.post('/shipments', seedShipmentBody(donor.id, organization.body.id), {
            headers: { 'x-request-id': shipmentRequest },
          });
          expect(shipment.status).toBe(201);
          created.push({
            action: 'shipment.created',
            entityId: shipment.body.id,
            requestId: shipmentRequest,
          });
        }
        if (i % 20 === 0) {
          const tokenRequest = `${requestId}-t`;
          const token = await api.post(
            '/tokens',
            { name: `partner ${i}`, role: 'partner', organizationId: organization.body.id },
            { headers: { 'x-request-id': tokenRequest } },
          );
          expect(token.status).toBe(201);
          created.push({ action: 'token.created', entityId: token.body.id, requestId: tokenRequest });
        }
        if (i % 6 === 1) {
          // Refused inside the service's transaction (unknown recipient, a name taken), so rolled back.
          const unknownRecipient = `${requestId}-r422`;
          const response = await api.post('/shipments', seedShipmentBody(donor.id, UNKNOWN_ORGANIZATION), {
            headers: { 'x-request-id': unknownRecipient },
          });
          expect(response.status).toBe(422);
          const duplicate = `${requestId}-r409`;
          const taken = await api.post('/organizations', organizationBody({ name: takenName }), {
            headers: { 'x-request-id': duplicate },
          });
          expect(taken.status).toBe(409);
          const badToken = `${requestId}-t422`;
          const token = await api.post(
            '/tokens',
            { name: 'x', role: 'partner', organizationId: UNKNOWN_ORGANIZATION },
            { headers: { 'x-request-id': badToken } },
          );
          expect(token.status).toBe(422);
          // Rolled back at COMMIT, after the service wrote the change, its audit entry and its queue row.
          const atCommit = `${requestId}-c500`;
          const failed = await api.post(
            '/organizations',
            organizationBody({ name: `${ROLLBACK_AT_COMMIT} ${requestId}` }),
            { headers: { 'x-request-id': atCommit } },
          );
          expect(failed.status).toBe(500);
          const shipmentAtCommit = `${requestId}-s500`;
          const failedShipment = await api.post(
            '/shipments',
            seedShipmentBody(donor.id, recipient.id, { title: ROLLBACK_AT_COMMIT }),
            { headers: { 'x-request-id': shipmentAtCommit } },
          );
          expect(failedShipment.status).toBe(500);
          refused.push(unknownRecipient, duplicate, badToken, atCommit, shipmentAtCommit);
        }
      }),
    );
    // Interleave the processes' tasks so all three write at the same time.
    const interleaved = tasks.map((_, i) => tasks[(i % 3) * 60 + Math.floor(i / 3)]);
    await inLanes(interleaved, 9);
    expect(created.length).toBeGreaterThan(240);

    const checkpoint = await settled(apis[1], service.db, 30_000);
    const size = await expectContiguousLog(service.db);
    expect(checkpoint.treeSize).toBe(size);
    await expectOneEntryPerRow(service.db, 'organization', 'organization.created');
    await expectOneEntryPerRow(service.db, 'shipment', 'shipment.created');
    await expectOneEntryPerRow(service.db, 'access_token', 'token.created');
    const { rows } = await service.db.query(
      'SELECT e.request_id, e.action, e.entity_id::text FROM audit_entry e JOIN audit_leaf l ON l.entry_id = e.id WHERE e.request_id = ANY($1)',
      [created.map((change) => change.requestId)],
    );
    expect(rows.map((row) => `${row.request_id} ${row.action} ${row.entity_id}`).sort()).toEqual(
      created.map((change) => `${change.requestId} ${change.action} ${change.entityId}`).sort(),
    );
    expect(refused.length).toBe(3 * 10 * 5);
    expect(
      await count(service.db, 'SELECT count(*) FROM audit_entry WHERE request_id = ANY($1)', [refused]),
    ).toBe(0);
    expect(
      await count(service.db, `SELECT count(*) FROM organization WHERE name LIKE '${ROLLBACK_AT_COMMIT}%'`),
    ).toBe(0);

    const report = await apis[2].get('/audit/verify');
    expect(report.body).toMatchObject({ valid: true, treeSize: size, checked: size });
    checkCheckpoint(checkpoint, key);
    const offline = await offlineVerify(await exportText(apis[0]), key.publicKey);
    expect(offline.code).toBe(0);
  });

  it('loses and doubles nothing when a process is killed with -9 while it integrates', async () => {
    // Only the victim may integrate: the other siblings leave, the first process is frozen.
    await Promise.all(siblings.splice(0).map((sibling) => sibling.stop()));
    const victim = await service.startSibling();
    const victimApi = new Api(victim.baseUrl, service.adminToken);
    const locker = new Client({ connectionString: service.databaseUrl });
    await locker.connect();
    try {
      await freeze(service);
      await settled(victimApi, service.db);

      // A stream of writes through the victim, until it dies.
      const succeeded: string[] = [];
      let failures = 0;
      const lanes = Array.from({ length: 4 }, async () => {
        for (;;) {
          try {
            const response = await victimApi.post('/organizations', organizationBody());
            if (response.status !== 201) throw new Error(`unexpected ${response.status}`);
            succeeded.push(response.body.id);
          } catch {
            failures += 1;
            return;
          }
        }
      });
      await eventually(
        async () => (succeeded.length >= 20 ? true : undefined),
        20_000,
        'writes through the victim',
      );

      // Block the victim's integrator half-way: it holds the integrator lock and waits to insert leaves.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE audit_leaf IN EXCLUSIVE MODE');
      const blocked = await eventually(
        async () => {
          const { rows } = await service.db.query(
            `SELECT w.pid FROM pg_locks w JOIN pg_locks a ON a.pid = w.pid AND a.locktype = 'advisory' AND a.granted
              WHERE w.relation = 'audit_leaf'::regclass AND NOT w.granted`,
          );
          return rows[0]?.pid as number | undefined;
        },
        10_000,
        'the victim to integrate',
      );
      expect(blocked).toEqual(expect.any(Number));
      await eventually(
        async () => ((await count(service.db, 'SELECT count(*) FROM audit_queue')) > 0 ? true : undefined),
        5_000,
        'queued entries',
      );
      const lastSigned: CheckpointJson = await latestCheckpoint(victimApi);
      const writtenBeforeKill = succeeded.length;
      await sleep(100); // writes keep arriving while the integration hangs
      expect(await victim.stop('SIGKILL')).toBeNull();
      await Promise.all(lanes);
      expect(failures).toBe(4);
      expect(succeeded.length).toBeGreaterThanOrEqual(writtenBeforeKill);
      await locker.query('ROLLBACK');

      // The killed integration must roll back; the survivors take over and keep signing.
      service.process.kill('SIGCONT');
      const restarted = await service.startSibling();
      const restartedApi = new Api(restarted.baseUrl, service.adminToken);
      const after = await Promise.all(
        [restartedApi, new Api(service.baseUrl, service.adminToken)].map((api) =>
          api.post('/organizations', organizationBody()),
        ),
      );
      for (const response of after) {
        expect(response.status).toBe(201);
        succeeded.push(response.body.id);
      }
      const newer = await settled(restartedApi, service.db, 15_000);
      expect(newer.treeSize).toBeGreaterThan(lastSigned.treeSize);
      const size = await expectContiguousLog(service.db);
      expect(newer.treeSize).toBe(size);
      await expectOneEntryPerRow(service.db, 'organization', 'organization.created');
      expect(
        await count(
          service.db,
          `SELECT count(*) FROM audit_entry e JOIN audit_leaf l ON l.entry_id = e.id WHERE e.action = 'organization.created' AND e.entity_id = ANY($1::uuid[])`,
          [succeeded],
        ),
      ).toBe(succeeded.length);
      expect((await restartedApi.get('/audit/verify')).body).toMatchObject({ valid: true, treeSize: size });

      checkCheckpoint(lastSigned, key);
      checkCheckpoint(newer, key);
      const proof = await restartedApi.get(
        `/audit/proof/consistency?from=${lastSigned.treeSize}&to=${newer.treeSize}`,
      );
      expect(proof.status).toBe(200);
      expect(
        verifyConsistency(
          lastSigned.treeSize,
          newer.treeSize,
          fromHex(proof.body.path),
          Buffer.from(lastSigned.rootHash, 'base64'),
          Buffer.from(newer.rootHash, 'base64'),
        ),
      ).toBe(true);
      expect((await offlineVerify(await exportText(restartedApi), key.publicKey, lastSigned)).code).toBe(0);
    } finally {
      service.process.kill('SIGCONT');
      await locker.end();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { verifyConsistency, verifyInclusion } from '../../src/audit/merkle/merkle-tree';
import {
  allEntries,
  checkCheckpoint,
  CheckpointJson,
  count,
  eventually,
  exportResponse,
  exportText,
  failChangesAtCommit,
  fromHex,
  latestCheckpoint,
  contentOf,
  leafHashOf,
  logEntries,
  merkleRoot,
  offlineVerify,
  PublicKeyJson,
  ROLLBACK_AT_COMMIT,
  ServedEntry,
  settled,
  sleep,
} from '../support/audit-log';
import {
  createOrganization,
  createShipment,
  issueToken,
  organizationBody,
  seedParties,
  seedShipmentBody,
} from '../support/builders';
import { Api } from '../support/http';
import { startService, TestService } from '../support/service';

const requestId = () => `audit-e2e-${randomBytes(6).toString('hex')}`;
const withId = (id: string) => ({ headers: { 'x-request-id': id } });
const LOG_TABLES = ['audit_entry', 'audit_leaf', 'audit_subtree', 'audit_checkpoint'];

describe('audit trail', () => {
  let service: TestService;
  let admin: Api;
  let auditor: Api;
  let partner: Api;
  let coordinatorElsewhere: Api;
  let adminActor: ServedEntry['actor'];
  let key: PublicKeyJson;

  beforeAll(async () => {
    service = await startService();
    admin = new Api(service.baseUrl, service.adminToken);
    const me = (await admin.get('/me')).body;
    adminActor = { tokenId: me.tokenId, name: me.name, role: 'admin', organizationId: null };
    auditor = admin.as(await issueToken(admin, 'auditor'));
    partner = admin.as(await issueToken(admin, 'partner', (await createOrganization(admin)).id));
    coordinatorElsewhere = admin.as(
      await issueToken(admin, 'coordinator', (await createOrganization(admin)).id),
    );
    key = (await admin.get('/audit/public-key')).body;
  });
  afterAll(() => service?.stop());

  /** The one entry a request wrote: exactly one row carries its request id, and /audit serves it. */
  async function entryOf(id: string, filter: { entityId: string; action: string }): Promise<ServedEntry> {
    expect(await count(service.db, 'SELECT count(*) FROM audit_entry WHERE request_id = $1', [id])).toBe(1);
    const served = (await allEntries(auditor, `&entityId=${filter.entityId}&action=${filter.action}`)).filter(
      (e) => e.requestId === id,
    );
    expect(served).toHaveLength(1);
    return served[0];
  }

  describe('capture: every change writes one entry, as served', () => {
    const world: Record<string, any> = {};

    it('records organization, token, shipment and event changes with actor, request id, before and after', async () => {
      // organization.created by the admin
      let id = requestId();
      const orgBody = organizationBody({ name: `Audit Org A ${randomBytes(3).toString('hex')}` });
      const orgA = await admin.post('/organizations', orgBody, withId(id));
      expect(orgA.status).toBe(201);
      expect(orgA.headers.get('x-request-id')).toBe(id);
      let entry = await entryOf(id, { entityId: orgA.body.id, action: 'organization.created' });
      expect(entry).toMatchObject({
        action: 'organization.created',
        entityType: 'organization',
        entityId: orgA.body.id,
        requestId: id,
      });
      expect(entry.actor).toEqual(adminActor);
      expect(entry.before).toBeNull();
      expect(entry.after).toEqual(orgA.body);
      expect(entry.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(entry.recordedAt).toISOString()).toBe(entry.recordedAt);
      const orgB = await createOrganization(admin);

      // token.created: `after` is the response without the secret
      id = requestId();
      const token = await admin.post(
        '/tokens',
        { name: 'coordinator of A', role: 'coordinator', organizationId: orgA.body.id },
        withId(id),
      );
      expect(token.status).toBe(201);
      entry = await entryOf(id, { entityId: token.body.id, action: 'token.created' });
      const { token: secret, ...tokenView } = token.body;
      expect(entry).toMatchObject({
        entityType: 'token',
        entityId: token.body.id,
        requestId: id,
        before: null,
      });
      expect(entry.after).toEqual(tokenView);
      expect(JSON.stringify(entry)).not.toContain(secret);
      expect(entry.actor).toEqual(adminActor);
      const coordinator = admin.as(secret);
      const coordinatorActor = {
        tokenId: token.body.id,
        name: 'coordinator of A',
        role: 'coordinator',
        organizationId: orgA.body.id,
      };

      // organization.updated by a coordinator: before as served by GET before the change
      const orgBefore = (await admin.get(`/organizations/${orgA.body.id}`)).body;
      id = requestId();
      const orgUpdated = await coordinator.patch(
        `/organizations/${orgA.body.id}`,
        { iatiIdentifier: 'XM-DAC-41114' },
        withId(id),
      );
      expect(orgUpdated.status).toBe(200);
      entry = await entryOf(id, { entityId: orgA.body.id, action: 'organization.updated' });
      expect(entry.actor).toEqual(coordinatorActor);
      expect(entry.before).toEqual(orgBefore);
      expect(entry.after).toEqual(orgUpdated.body);

      // shipment.created: `after` is the POST response
      id = requestId();
      const created = await coordinator.post(
        '/shipments',
        seedShipmentBody(orgA.body.id, orgB.id),
        withId(id),
      );
      expect(created.status).toBe(201);
      entry = await entryOf(id, { entityId: created.body.id, action: 'shipment.created' });
      expect(entry).toMatchObject({ entityType: 'shipment', requestId: id, before: null });
      expect(entry.actor).toEqual(coordinatorActor);
      expect(entry.after).toEqual(created.body);

      // shipment.updated: before = what GET served, after = the PATCH response
      const shipmentBefore = (await coordinator.get(`/shipments/${created.body.id}`)).body;
      id = requestId();
      const updated = await coordinator.patch(
        `/shipments/${created.body.id}`,
        { title: 'COVID-19 assistance, second wave' },
        { headers: { 'x-request-id': id, 'if-match': '"1"' } },
      );
      expect(updated.status).toBe(200);
      entry = await entryOf(id, { entityId: created.body.id, action: 'shipment.updated' });
      expect(entry.before).toEqual(shipmentBefore);
      expect(entry.after).toEqual(updated.body);
      expect(entry.actor).toEqual(coordinatorActor);

      // shipment.event_recorded
      id = requestId();
      const dispatched = await coordinator.post(
        `/shipments/${created.body.id}/events`,
        { type: 'dispatched', note: 'left Baku' },
        withId(id),
      );
      expect(dispatched.status).toBe(201);
      entry = await entryOf(id, { entityId: created.body.id, action: 'shipment.event_recorded' });
      expect(entry.before).toEqual({ id: created.body.id, status: 'planned', version: 2 });
      expect(entry.after).toEqual(dispatched.body);
      expect(entry.actor).toEqual(coordinatorActor);

      // shipment.event_voided
      id = requestId();
      const voided = await coordinator.post(
        `/shipments/${created.body.id}/events/${dispatched.body.event.id}/void`,
        { reason: 'recorded on the wrong shipment' },
        withId(id),
      );
      expect(voided.status).toBe(201);
      entry = await entryOf(id, { entityId: created.body.id, action: 'shipment.event_voided' });
      expect(entry.after).toEqual(voided.body);
      expect(entry.before).toMatchObject({ id: created.body.id, status: 'dispatched' });
      expect(entry.actor).toEqual(coordinatorActor);

      // token.revoked: before and after as GET /tokens serves the token
      const listed = async () =>
        ((await admin.get('/tokens?limit=200')).body.data as Array<{ id: string }>).find(
          (t) => t.id === token.body.id,
        );
      const tokenBefore = await listed();
      id = requestId();
      expect((await admin.delete(`/tokens/${token.body.id}`, withId(id))).status).toBe(204);
      entry = await entryOf(id, { entityId: token.body.id, action: 'token.revoked' });
      expect(entry.before).toEqual(tokenBefore);
      expect(entry.after).toEqual(await listed());
      expect(entry.after.revokedAt).toEqual(expect.any(String));
      expect(entry.actor).toEqual(adminActor);

      Object.assign(world, { orgA: orgA.body, orgB, shipment: created.body });
    });

    it('writes no entry for a refused, replayed or no-op request', async () => {
      const { orgA, orgB, shipment } = world;
      const reference = `AUDIT-${randomBytes(3).toString('hex')}`;
      await createShipment(admin, orgA.id, orgB.id, { reference });
      const revoked = (await admin.post('/tokens', { name: 'to revoke', role: 'auditor' })).body.id;
      expect((await admin.delete(`/tokens/${revoked}`)).status).toBe(204);
      const idempotencyKey = randomBytes(8).toString('hex');
      const idempotentBody = organizationBody();
      expect(
        (
          await admin.post('/organizations', idempotentBody, {
            headers: { 'idempotency-key': idempotencyKey },
          })
        ).status,
      ).toBe(201);
      const entriesBefore = await count(service.db, 'SELECT count(*) FROM audit_entry');

      const unknown = '00000000-0000-4000-8000-000000000000';
      const attempts: Array<
        [number, (headers: Record<string, string>) => Promise<{ status: number; text: string }>]
      > = [
        [
          400,
          (headers) => admin.post('/organizations', { ...organizationBody(), colour: 'blue' }, { headers }),
        ],
        [
          409,
          (headers) =>
            admin.post('/organizations', organizationBody({ name: orgA.name.toUpperCase() }), { headers }),
        ],
        [422, (headers) => admin.post('/shipments', seedShipmentBody(orgA.id, unknown), { headers })],
        [
          409,
          (headers) =>
            admin.post('/shipments', seedShipmentBody(orgA.id, orgB.id, { reference }), { headers }),
        ],
        [409, (headers) => admin.post(`/shipments/${shipment.id}/events`, { type: 'arrived' }, { headers })],
        [
          412,
          (headers) =>
            admin.patch(
              `/shipments/${shipment.id}`,
              { title: 'stale' },
              { headers: { ...headers, 'if-match': '"1"' } },
            ),
        ],
        [
          422,
          (headers) =>
            admin.post('/tokens', { name: 'x', role: 'partner', organizationId: unknown }, { headers }),
        ],
        [400, (headers) => admin.post('/tokens', { name: 'x', role: 'partner' }, { headers })],
        // Revoking a revoked token changes nothing; an idempotent replay creates nothing.
        [204, (headers) => admin.delete(`/tokens/${revoked}`, { headers })],
        [
          201,
          (headers) =>
            admin.post('/organizations', idempotentBody, {
              headers: { ...headers, 'idempotency-key': idempotencyKey },
            }),
        ],
      ];
      const ids: string[] = [];
      for (const [expected, send] of attempts) {
        const id = requestId();
        ids.push(id);
        const response = await send({ 'x-request-id': id });
        expect([response.status, response.status === expected ? '' : response.text]).toEqual([expected, '']);
      }
      for (const id of ids)
        expect(await count(service.db, 'SELECT count(*) FROM audit_entry WHERE request_id = $1', [id])).toBe(
          0,
        );
      expect(await count(service.db, 'SELECT count(*) FROM audit_entry')).toBe(entriesBefore);
      // One organization.created entry per organization, one token.created per token: nothing more, nothing less.
      expect(
        await count(service.db, `SELECT count(*) FROM audit_entry WHERE action = 'organization.created'`),
      ).toBe(await count(service.db, 'SELECT count(*) FROM organization'));
      expect(await count(service.db, `SELECT count(*) FROM audit_entry WHERE action = 'token.created'`)).toBe(
        await count(service.db, 'SELECT count(*) FROM access_token'),
      );
      expect(
        await count(service.db, `SELECT count(*) FROM audit_entry WHERE action = 'shipment.created'`),
      ).toBe(await count(service.db, 'SELECT count(*) FROM shipment'));
    });

    it('leaves no entry when a change is rolled back at commit, after its entry was written', async () => {
      const { orgA, orgB, shipment } = world;
      await failChangesAtCommit(service.db);
      const tables = ['audit_entry', 'audit_queue', 'organization', 'shipment'];
      const counts = async () => {
        const result: number[] = [];
        for (const table of tables) result.push(await count(service.db, `SELECT count(*) FROM ${table}`));
        return result;
      };
      // The integrator drains audit_queue in the background: let it finish first, so that the counts
      // taken here change only if a rolled-back change left something behind.
      await settled(admin, service.db);
      const before = await counts();
      const version = (await admin.get(`/organizations/${orgB.id}`)).body.version;
      const sends = [
        (headers: Record<string, string>) =>
          admin.post(
            '/organizations',
            organizationBody({ name: `${ROLLBACK_AT_COMMIT} ${randomBytes(3).toString('hex')}` }),
            { headers },
          ),
        (headers: Record<string, string>) =>
          admin.patch(`/organizations/${orgB.id}`, { name: `${ROLLBACK_AT_COMMIT} B` }, { headers }),
        (headers: Record<string, string>) =>
          admin.post('/shipments', seedShipmentBody(orgA.id, orgB.id, { title: ROLLBACK_AT_COMMIT }), {
            headers,
          }),
      ];
      const ids: string[] = [];
      for (const send of sends) {
        const id = requestId();
        ids.push(id);
        const response = await send({ 'x-request-id': id });
        expect(response.status).toBe(500);
        expect(response.text).not.toMatch(/test_fail_at_commit|rolls this change back/);
      }
      expect(
        await count(service.db, 'SELECT count(*) FROM audit_entry WHERE request_id = ANY($1)', [ids]),
      ).toBe(0);
      expect(await counts()).toEqual(before);
      expect((await admin.get(`/organizations/${orgB.id}`)).body.version).toBe(version);
      expect((await admin.get(`/shipments/${shipment.id}/history`)).body.data).toHaveLength(4);
    });

    it('serves GET /audit to admin and auditor only, with filters and keyset pages', async () => {
      const { shipment } = world;
      expect((await partner.get('/audit')).status).toBe(403);
      expect((await coordinatorElsewhere.get('/audit')).status).toBe(403);
      expect((await admin.as(null).get('/audit')).status).toBe(401);
      expect((await admin.get('/audit')).status).toBe(200);

      const everything = await allEntries(auditor);
      expect(everything.length).toBe(await count(service.db, 'SELECT count(*) FROM audit_entry'));
      const recorded = everything.map((e) => Date.parse(e.recordedAt));
      expect([...recorded].sort((a, b) => a - b)).toEqual(recorded);

      const byType = await allEntries(auditor, '&entityType=shipment');
      expect(byType.length).toBe(everything.filter((e) => e.entityType === 'shipment').length);
      expect(byType.every((e) => e.entityType === 'shipment')).toBe(true);
      const byEntity = await allEntries(auditor, `&entityId=${shipment.id}`);
      expect(byEntity.map((e) => e.action)).toEqual([
        'shipment.created',
        'shipment.updated',
        'shipment.event_recorded',
        'shipment.event_voided',
      ]);
      const byAction = await allEntries(auditor, '&action=organization.created');
      expect(byAction.length).toBe(await count(service.db, 'SELECT count(*) FROM organization'));
      expect(byAction.every((e) => e.action === 'organization.created')).toBe(true);
      const coordinatorId = byEntity[0].actor.tokenId;
      const byActor = await allEntries(auditor, `&actorTokenId=${coordinatorId}`);
      expect(byActor.map((e) => e.action)).toEqual([
        'organization.updated',
        'shipment.created',
        'shipment.updated',
        'shipment.event_recorded',
        'shipment.event_voided',
      ]);
      const combined = await allEntries(
        auditor,
        `&actorTokenId=${coordinatorId}&entityType=shipment&action=shipment.updated`,
      );
      expect(combined.map((e) => e.id)).toEqual([byEntity[1].id]);

      const middle = everything[Math.floor(everything.length / 2)].recordedAt;
      const from = await allEntries(auditor, `&from=${encodeURIComponent(middle)}`);
      const to = await allEntries(auditor, `&to=${encodeURIComponent(middle)}`);
      expect(from.map((e) => e.id)).toEqual(
        everything.filter((e) => e.recordedAt >= middle).map((e) => e.id),
      );
      expect(to.map((e) => e.id)).toEqual(everything.filter((e) => e.recordedAt <= middle).map((e) => e.id));
      const window = await allEntries(
        auditor,
        `&from=${encodeURIComponent(byEntity[1].recordedAt)}&to=${encodeURIComponent(byEntity[2].recordedAt)}&entityId=${shipment.id}`,
      );
      expect(window.map((e) => e.id)).toEqual([byEntity[1].id, byEntity[2].id]);

      // Pages of 3 walk the same list, once each.
      const paged: ServedEntry[] = [];
      for (let cursor: string | null = null, pages = 0; ; pages++) {
        const page: any = await auditor.get(
          `/audit?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(3);
        paged.push(...page.body.data);
        cursor = page.body.nextCursor;
        if (!cursor) break;
        expect(pages).toBeLessThan(100);
      }
      expect(paged.map((e) => e.id)).toEqual(everything.map((e) => e.id));

      for (const bad of [
        'entityType=ship',
        'entityId=42',
        'actorTokenId=me',
        'from=yesterday',
        'to=2020-13-45',
        'limit=0',
        'limit=201',
        'cursor=garbage',
        'colour=red',
      ]) {
        const response = await auditor.get(`/audit?${bad}`);
        expect([bad, response.status]).toEqual([bad, 400]);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it("serves a shipment's history oldest first to admin, auditor and coordinators in scope", async () => {
      const { orgA, shipment } = world;
      const inScope = admin.as(await issueToken(admin, 'coordinator', orgA.id));
      const expected = [
        'shipment.created',
        'shipment.updated',
        'shipment.event_recorded',
        'shipment.event_voided',
      ];
      for (const [caller, path] of [
        [admin, shipment.id],
        [auditor, shipment.id],
        [inScope, shipment.id],
        [auditor, shipment.reference],
      ] as const) {
        const history = await caller.get(`/shipments/${path}/history`);
        expect(history.status).toBe(200);
        expect(history.body.data.map((e: ServedEntry) => e.action)).toEqual(expected);
        expect(history.body.data.every((e: ServedEntry) => e.entityId === shipment.id)).toBe(true);
        const times = history.body.data.map((e: ServedEntry) => Date.parse(e.recordedAt));
        expect([...times].sort((a, b) => a - b)).toEqual(times);
      }
      const firstPage = await auditor.get(`/shipments/${shipment.id}/history?limit=3`);
      const secondPage = await auditor.get(
        `/shipments/${shipment.id}/history?limit=3&cursor=${encodeURIComponent(firstPage.body.nextCursor)}`,
      );
      expect([...firstPage.body.data, ...secondPage.body.data].map((e: ServedEntry) => e.action)).toEqual(
        expected,
      );
      expect(secondPage.body.nextCursor).toBeNull();
      expect((await partner.get(`/shipments/${shipment.id}/history`)).status).toBe(403);
      expect((await coordinatorElsewhere.get(`/shipments/${shipment.id}/history`)).status).toBe(404);
      expect((await coordinatorElsewhere.get(`/shipments/${shipment.reference}/history`)).status).toBe(404);
      expect((await admin.get('/shipments/00000000-0000-4000-8000-000000000000/history')).status).toBe(404);
    });
  });

  describe('the log', () => {
    let older: CheckpointJson;

    it('sequences a change and covers it with a signed checkpoint within 2 seconds', async () => {
      older = await settled(admin, service.db);
      checkCheckpoint(older, key);
      const organization = await createOrganization(admin);
      const changed = Date.now();
      const entry = await eventually(
        async () => {
          const [served] = await allEntries(auditor, `&entityId=${organization.id}`);
          return served?.seq !== null ? served : undefined;
        },
        2_000,
        'the entry to get its seq',
      );
      const newer = await eventually(
        async () => {
          const checkpoint = await latestCheckpoint(partner);
          return checkpoint.treeSize > entry.seq! ? checkpoint : undefined;
        },
        Math.max(2_000 - (Date.now() - changed), 0),
        'a checkpoint covering the entry',
      );
      expect(Date.now() - changed).toBeLessThanOrEqual(2_000);
      expect(entry.seq).toBe(older.treeSize);
      expect(entry.leafHash).toBe(leafHashOf(entry).toString('hex'));
      checkCheckpoint(newer, key);
    });

    it('gives entries contiguous seqs from 0 and leaf hashes anyone can recompute', async () => {
      const checkpoint = await settled(admin, service.db);
      const entries = await logEntries(auditor);
      expect(entries.map((e) => e.seq)).toEqual([...Array(checkpoint.treeSize).keys()]);
      expect(entries).toHaveLength(await count(service.db, 'SELECT count(*) FROM audit_entry'));
      for (const entry of entries) {
        expect(entry.leafHash).toMatch(/^[0-9a-f]{64}$/);
        expect([entry.seq, entry.leafHash]).toEqual([entry.seq, leafHashOf(entry).toString('hex')]);
      }
      // The first entry is the start-up admin token, written by the service itself.
      expect(entries[0]).toMatchObject({
        action: 'token.created',
        requestId: 'startup',
        actor: { role: 'admin', name: 'system' },
      });
    });

    it('signs checkpoints whose note, tree size and root match the entries', async () => {
      expect(key).toMatchObject({ algorithm: 'Ed25519', keyId: expect.stringMatching(/^[0-9a-f]{8}$/) });
      expect(key.publicKey).toContain('-----BEGIN PUBLIC KEY-----');
      expect(key.verifierKey).toMatch(
        new RegExp(
          `^${key.keyName.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\+${key.keyId}\\+[A-Za-z0-9+/=]+$`,
        ),
      );
      const checkpoint = await settled(admin, service.db);
      expect(checkpoint).toMatchObject({
        origin: key.keyName,
        treeSize: expect.any(Number),
        timestamp: expect.any(String),
      });
      const { rootHash } = checkCheckpoint(checkpoint, key);
      const leaves = (await logEntries(auditor)).map((e) => leafHashOf(e));
      expect(merkleRoot(leaves.slice(0, checkpoint.treeSize)).equals(rootHash)).toBe(true);
      // A note altered in any byte no longer opens.
      const forged = {
        ...checkpoint,
        note: checkpoint.note.replace(`\n${checkpoint.treeSize}\n`, `\n${checkpoint.treeSize + 1}\n`),
      };
      expect(() => checkCheckpoint(forged, key)).toThrow();
    });

    it('answers ?since= with a consistency proof from the older checkpoint to the new one', async () => {
      await createOrganization(admin);
      const newer = await eventually(
        async () => {
          const checkpoint = await latestCheckpoint(partner, older.treeSize);
          return checkpoint.treeSize > older.treeSize + 1 ? checkpoint : undefined;
        },
        2_000,
        'a newer checkpoint',
      );
      checkCheckpoint(newer, key);
      expect(newer.consistency!.from).toBe(older.treeSize);
      const path = fromHex(newer.consistency!.path);
      const olderRoot = Buffer.from(older.rootHash, 'base64');
      const newerRoot = Buffer.from(newer.rootHash, 'base64');
      expect(verifyConsistency(older.treeSize, newer.treeSize, path, olderRoot, newerRoot)).toBe(true);
      const wrong = path.map((hash, i) => (i === 0 ? Buffer.from(hash).fill(7, 0, 1) : hash));
      expect(verifyConsistency(older.treeSize, newer.treeSize, wrong, olderRoot, newerRoot)).toBe(false);
      expect(verifyConsistency(older.treeSize, newer.treeSize, path, newerRoot, newerRoot)).toBe(false);

      const same = await latestCheckpoint(partner, newer.treeSize);
      expect(same.consistency).toEqual({ from: newer.treeSize, path: [] });
      const ahead = await partner.get(`/audit/checkpoint?since=${newer.treeSize + 1}`);
      expect(ahead.status).toBe(409);
      expect(ahead.headers.get('content-type')).toContain('application/problem+json');
      for (const bad of ['abc', '-1', '1.5'])
        expect((await partner.get(`/audit/checkpoint?since=${bad}`)).status).toBe(400);
    });

    it('serves an inclusion proof for every seq that verifies against the signed root, and not for a wrong leaf', async () => {
      const checkpoint = await settled(admin, service.db);
      const root = Buffer.from(checkpoint.rootHash, 'base64');
      const size = checkpoint.treeSize;
      const leaves = (await logEntries(auditor)).map((e) => leafHashOf(e));
      for (let seq = 0; seq < size; seq++) {
        const proof = await partner.get(`/audit/proof/inclusion?seq=${seq}&treeSize=${size}`);
        expect(proof.status).toBe(200);
        expect(proof.body).toMatchObject({ seq, treeSize: size, leafHash: leaves[seq].toString('hex') });
        const path = fromHex(proof.body.path);
        expect([seq, verifyInclusion(seq, size, leaves[seq], path, root)]).toEqual([seq, true]);
        expect(verifyInclusion(seq, size, leaves[(seq + 1) % size], path, root)).toBe(false);
      }
      // Against the older checkpoint a partner kept, and with the default (latest) tree size.
      const olderRoot = Buffer.from(older.rootHash, 'base64');
      for (const seq of [0, older.treeSize - 1]) {
        const proof = await partner.get(`/audit/proof/inclusion?seq=${seq}&treeSize=${older.treeSize}`);
        expect(verifyInclusion(seq, older.treeSize, leaves[seq], fromHex(proof.body.path), olderRoot)).toBe(
          true,
        );
      }
      const latest = await partner.get(`/audit/proof/inclusion?seq=1`);
      expect(latest.body.treeSize).toBe(size);
      expect(verifyInclusion(1, size, leaves[1], fromHex(latest.body.path), root)).toBe(true);
    });

    it('serves consistency proofs between any two sizes', async () => {
      const checkpoint = await settled(admin, service.db);
      const size = checkpoint.treeSize;
      const leaves = (await logEntries(auditor)).map((e) => leafHashOf(e));
      for (const to of [size, older.treeSize]) {
        for (let from = 0; from <= to; from++) {
          const proof = await partner.get(`/audit/proof/consistency?from=${from}&to=${to}`);
          expect(proof.status).toBe(200);
          expect(proof.body).toMatchObject({ from, to });
          const ok = verifyConsistency(
            from,
            to,
            fromHex(proof.body.path),
            merkleRoot(leaves.slice(0, from)),
            merkleRoot(leaves.slice(0, to)),
          );
          expect([from, to, ok]).toEqual([from, to, true]);
        }
      }
      const latest = await partner.get(`/audit/proof/consistency?from=${older.treeSize}`);
      expect(latest.body).toMatchObject({ from: older.treeSize, to: size });
    });

    it('refuses malformed proof requests with 400', async () => {
      const { treeSize } = await latestCheckpoint(partner);
      const bad = [
        `/audit/proof/inclusion?seq=${treeSize}&treeSize=${treeSize}`,
        `/audit/proof/inclusion?seq=${treeSize}`,
        `/audit/proof/inclusion?seq=0&treeSize=${treeSize + 1}`,
        '/audit/proof/inclusion?seq=abc',
        '/audit/proof/inclusion?seq=-1',
        '/audit/proof/inclusion',
        '/audit/proof/inclusion?seq=1&treeSize=0',
        `/audit/proof/consistency?from=${treeSize}&to=${treeSize - 1}`,
        `/audit/proof/consistency?from=${treeSize + 1}`,
        `/audit/proof/consistency?from=1&to=${treeSize + 1}`,
        '/audit/proof/consistency?from=x',
        '/audit/proof/consistency?from=1&to=two',
        '/audit/proof/consistency',
        '/audit/export?fromSeq=abc',
      ];
      for (const path of bad) {
        const response = await auditor.get(path);
        expect([path, response.status]).toEqual([path, 400]);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('opens checkpoint, public key and proofs to every role, verification and export to admin and auditor', async () => {
      const open = [
        '/audit/checkpoint',
        '/audit/public-key',
        '/audit/proof/inclusion?seq=0',
        '/audit/proof/consistency?from=1',
      ];
      const closed = ['/audit/verify', '/audit/export'];
      for (const caller of [partner, coordinatorElsewhere, auditor, admin]) {
        for (const path of open) expect([path, (await caller.get(path)).status]).toEqual([path, 200]);
      }
      for (const caller of [partner, coordinatorElsewhere]) {
        for (const path of closed) expect([path, (await caller.get(path)).status]).toEqual([path, 403]);
      }
      for (const path of [...open, ...closed])
        expect([path, (await admin.as(null).get(path)).status]).toEqual([path, 401]);
      for (const caller of [auditor, admin]) {
        expect((await caller.get('/audit/verify')).status).toBe(200);
        expect((await exportResponse(caller)).status).toBe(200);
      }
    });
  });

  describe('append-only', () => {
    it('refuses UPDATE, DELETE and TRUNCATE on every log table', async () => {
      await settled(admin, service.db);
      const sizes: Record<string, number> = {};
      for (const table of LOG_TABLES) {
        sizes[table] = await count(service.db, `SELECT count(*) FROM ${table}`);
        expect([table, sizes[table] > 0]).toEqual([table, true]);
      }
      const statements: Record<string, string[]> = {
        audit_entry: [
          `UPDATE audit_entry SET action = 'x'`,
          `UPDATE audit_entry SET content = '{}' WHERE id = (SELECT entry_id FROM audit_leaf WHERE seq = 1)`,
        ],
        audit_leaf: [`UPDATE audit_leaf SET leaf_hash = '\\x00'`, 'UPDATE audit_leaf SET seq = seq + 1000'],
        audit_subtree: [`UPDATE audit_subtree SET hash = '\\x00'`],
        audit_checkpoint: [`UPDATE audit_checkpoint SET note = 'forged'`],
      };
      for (const table of LOG_TABLES) {
        for (const sql of [
          ...statements[table],
          `DELETE FROM ${table}`,
          `DELETE FROM ${table} WHERE ctid = (SELECT min(ctid) FROM ${table})`,
          `TRUNCATE ${table}`,
          `TRUNCATE ${table} CASCADE`,
        ]) {
          await expect(service.db.query(sql)).rejects.toThrow(/append-only/);
        }
        expect(await count(service.db, `SELECT count(*) FROM ${table}`)).toBe(sizes[table]);
      }
      expect((await auditor.get('/audit/verify')).body.valid).toBe(true);
    });
  });

  describe('verification and export', () => {
    let olderCheckpoint: CheckpointJson;

    it('verifies the whole log', async () => {
      olderCheckpoint = await settled(admin, service.db);
      await createOrganization(admin);
      await seedParties(admin);
      const checkpoint = await settled(admin, service.db);
      const report = await auditor.get('/audit/verify');
      expect(report.status).toBe(200);
      expect(report.body).toEqual({
        valid: true,
        treeSize: checkpoint.treeSize,
        rootHash: Buffer.from(checkpoint.rootHash, 'base64').toString('hex'),
        checked: checkpoint.treeSize,
      });
      expect((await admin.get('/audit/verify')).body.valid).toBe(true);
    });

    it('exports entries then the checkpoint as NDJSON, which the offline verifier accepts', async () => {
      const checkpoint = await settled(admin, service.db);
      const response = await exportResponse(auditor);
      expect(response.status).toBe(200);
      expect(response.contentType).toMatch(/^application\/x-ndjson/);
      const lines = response.text.split('\n');
      expect(lines.pop()).toBe('');
      const entries = lines.slice(0, -1).map((line) => JSON.parse(line));
      expect(JSON.parse(lines[lines.length - 1])).toEqual({
        origin: checkpoint.origin,
        treeSize: checkpoint.treeSize,
        rootHash: checkpoint.rootHash,
        timestamp: checkpoint.timestamp,
        note: checkpoint.note,
        cosignatures: [], // no witnesses configured here
      });
      expect(entries).toEqual(await logEntries(auditor));
      expect(entries.map((e) => e.seq)).toEqual([...Array(checkpoint.treeSize).keys()]);

      const range = (await exportText(auditor, '?fromSeq=2&toSeq=4'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(range.map((line) => line.seq ?? 'checkpoint')).toEqual([2, 3, 4, 'checkpoint']);

      const valid = await offlineVerify(response.text, key.publicKey);
      expect(valid).toMatchObject({ code: 0 });
      expect(valid.stdout).toContain('VALID');
      const withOlder = await offlineVerify(response.text, key.publicKey, olderCheckpoint);
      expect(withOlder).toMatchObject({ code: 0 });
      expect(withOlder.stdout).toContain(`consistent with the checkpoint of ${olderCheckpoint.treeSize}`);
    });

    it('makes the offline verifier reject an export with one entry edited, naming its index', async () => {
      const exported = await exportText(auditor);
      const lines = exported.trim().split('\n');
      const seq = 3;
      const entry = JSON.parse(lines[seq]);
      expect(entry.seq).toBe(seq);
      entry.after = { ...entry.after, name: `${entry.after.name} (edited)` };
      lines[seq] = JSON.stringify(entry);
      const result = await offlineVerify(`${lines.join('\n')}\n`, key.publicKey);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`first bad index ${seq}`);

      // A dropped line and a forged older checkpoint are caught too.
      const original = exported.trim().split('\n');
      const dropped = await offlineVerify(
        `${[...original.slice(0, 5), ...original.slice(6)].join('\n')}\n`,
        key.publicKey,
      );
      expect(dropped.code).toBe(1);
      expect(dropped.stdout).toContain('first bad index 5');
      const forgedOlder = { ...olderCheckpoint, rootHash: Buffer.alloc(32, 1).toString('base64') };
      expect((await offlineVerify(exported, key.publicKey, forgedOlder)).code).toBe(1);
    });
  });
});

/**
 * Tampering with the real database, as someone with superuser rights would: each case on a fresh
 * service, with a checkpoint signed at every size so that the first bad index is well defined.
 */
describe('tampering is detected', () => {
  interface Log {
    service: TestService;
    admin: Api;
    key: PublicKeyJson;
    /** The checkpoint signed at each size, by size. */
    checkpoints: Map<number, CheckpointJson>;
    entries: ServedEntry[];
  }

  /** A fresh service with `size` entries (the start-up token, then organizations), one checkpoint per size. */
  async function freshLog(size: number): Promise<Log> {
    const service = await startService();
    const admin = new Api(service.baseUrl, service.adminToken);
    const checkpoints = new Map<number, CheckpointJson>();
    for (let checkpoint = await settled(admin, service.db); ; checkpoint = await settled(admin, service.db)) {
      checkpoints.set(checkpoint.treeSize, checkpoint);
      if (checkpoint.treeSize >= size) break;
      await createOrganization(admin);
    }
    const key = (await admin.get('/audit/public-key')).body;
    const entries = await logEntries(admin);
    expect(entries).toHaveLength(size);
    expect((await admin.get('/audit/verify')).body.valid).toBe(true);
    return { service, admin, key, checkpoints, entries };
  }

  /** Runs statements with the append-only triggers off, in the test's own session. */
  async function tamper(log: Log, ...statements: Array<[string, unknown[]?]>): Promise<void> {
    await log.service.db.query('SET session_replication_role = replica');
    try {
      for (const [sql, params] of statements) await log.service.db.query(sql, params);
    } finally {
      await log.service.db.query('SET session_replication_role = DEFAULT');
    }
  }

  const entryIdAt = (log: Log, seq: number) => log.entries[seq].id;

  async function expectDetected(log: Log, firstInvalidSeq: number, older?: CheckpointJson) {
    const report = await log.admin.get('/audit/verify');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ valid: false, firstInvalidSeq });
    expect(report.body.problems.length).toBeGreaterThan(0);
    const offline = await offlineVerify(await exportText(log.admin), log.key.publicKey, older);
    expect(offline.code).toBe(1);
    expect(offline.stdout).toContain(`first bad index ${firstInvalidSeq}`);
    return report.body;
  }

  /** New changes must not get a checkpoint: the integrator refuses to sign over a log that no longer matches. */
  async function expectNoNewCheckpoint(log: Log) {
    const before = await latestCheckpoint(log.admin);
    await createOrganization(log.admin);
    await createOrganization(log.admin);
    await sleep(3_000);
    expect((await latestCheckpoint(log.admin)).treeSize).toBe(before.treeSize);
    expect(
      await count(log.service.db, 'SELECT count(*) FROM audit_checkpoint WHERE tree_size > $1', [
        before.treeSize,
      ]),
    ).toBe(0);
    expect(log.service.output()).toContain('REFUSING TO SIGN');
  }

  let log: Log | undefined;
  afterEach(async () => {
    await log?.service.stop();
    log = undefined;
  });

  it('(a) an entry whose `after` was rewritten', async () => {
    log = await freshLog(8);
    // Rewritten as a careful forger would: still canonical JSON, only the name changed.
    const forged = { ...log.entries[3], after: { ...log.entries[3].after, name: 'Forged Relief Org' } };
    await tamper(log, ['UPDATE audit_entry SET content = $2 WHERE id = $1', [entryIdAt(log, 3), contentOf(forged)]]);
    const [served] = await allEntries(log.admin, `&entityId=${log.entries[3].entityId}`);
    expect(served.after.name).toBe('Forged Relief Org');
    expect(leafHashOf(served).toString('hex')).not.toBe(served.leafHash);
    await expectDetected(log, 3);
  });

  it('(b) an entry deleted from the middle', async () => {
    log = await freshLog(8);
    await tamper(log, ['DELETE FROM audit_entry WHERE id = $1', [entryIdAt(log, 3)]]);
    await expectDetected(log, 3);
  });

  it('(b) an entry deleted from the middle together with its leaf', async () => {
    log = await freshLog(8);
    await tamper(
      log,
      ['DELETE FROM audit_entry WHERE id = $1', [entryIdAt(log, 4)]],
      ['DELETE FROM audit_leaf WHERE seq = 4'],
    );
    await expectDetected(log, 4);
  });

  it('(c) the newest entries deleted, leaves and all', async () => {
    log = await freshLog(8);
    await tamper(
      log,
      ['DELETE FROM audit_entry WHERE id = ANY($1::uuid[])', [[entryIdAt(log, 6), entryIdAt(log, 7)]]],
      ['DELETE FROM audit_leaf WHERE seq >= 6'],
    );
    expect((await latestCheckpoint(log.admin)).treeSize).toBe(8);
    await expectDetected(log, 6);
    await expectNoNewCheckpoint(log);
  });

  it('(d) two entries swapped', async () => {
    log = await freshLog(8);
    const [a, b] = [entryIdAt(log, 2), entryIdAt(log, 5)];
    await tamper(log, [
      `UPDATE audit_entry e SET recorded_at = o.recorded_at, action = o.action, entity_type = o.entity_type, entity_id = o.entity_id,
              actor = o.actor, request_id = o.request_id, content = o.content
         FROM audit_entry o WHERE (e.id, o.id) IN (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`,
      [a, b],
    ]);
    await expectDetected(log, 2);
  });

  it('(d) two leaves pointing at each other’s entries', async () => {
    log = await freshLog(8);
    const [a, b] = [entryIdAt(log, 2), entryIdAt(log, 5)];
    await tamper(
      log,
      [`UPDATE audit_leaf SET entry_id = '00000000-0000-4000-8000-000000000000' WHERE seq = 2`],
      ['UPDATE audit_leaf SET entry_id = $1 WHERE seq = 5', [a]],
      ['UPDATE audit_leaf SET entry_id = $1 WHERE seq = 2', [b]],
    );
    await expectDetected(log, 2);
  });

  it('(e) a stored subtree hash rewritten: verify and proofs catch it, and nothing more is signed', async () => {
    log = await freshLog(7); // leaves 0..3, 4..5, 6: the subtree over 4..5 is on the right edge
    await tamper(log, [`UPDATE audit_subtree SET hash = sha256(hash) WHERE level = 1 AND start = 4`]);
    const report = (await log.admin.get('/audit/verify')).body;
    expect(report).toMatchObject({ valid: false, firstInvalidSeq: 4 });
    // The entries are intact (an export has no subtree hashes, and the offline verifier rightly accepts it),
    // but a partner's inclusion proof for leaf 6 is built from the rewritten hash and fails.
    const checkpoint = await latestCheckpoint(log.admin);
    const proof = (await log.admin.get(`/audit/proof/inclusion?seq=6&treeSize=7`)).body;
    expect(
      verifyInclusion(
        6,
        7,
        leafHashOf(log.entries[6]),
        fromHex(proof.path),
        Buffer.from(checkpoint.rootHash, 'base64'),
      ),
    ).toBe(false);
    expect((await offlineVerify(await exportText(log.admin), log.key.publicKey)).code).toBe(0);
    await expectNoNewCheckpoint(log);
    expect((await log.admin.get('/audit/verify')).body).toMatchObject({ valid: false, firstInvalidSeq: 4 });
  });

  async function rewriteEntryAndLeaf(log: Log, seq: number) {
    const forged = { ...log.entries[seq], after: { ...log.entries[seq].after, name: 'Forged Relief Org' } };
    const hash = leafHashOf(forged);
    await tamper(
      log,
      ['UPDATE audit_entry SET content = $2 WHERE id = $1', [entryIdAt(log, seq), contentOf(forged)]],
      ['UPDATE audit_leaf SET leaf_hash = $1 WHERE seq = $2', [hash, seq]],
    );
    const [served] = await allEntries(log.admin, `&entityId=${log.entries[seq].entityId}`);
    expect(served.leafHash).toBe(hash.toString('hex'));
    expect(leafHashOf(served).equals(hash)).toBe(true);
  }

  it('(e) the newest leaf and its entry rewritten to match each other: detected, and nothing more is signed', async () => {
    log = await freshLog(7);
    await rewriteEntryAndLeaf(log, 6);
    await expectDetected(log, 6, log.checkpoints.get(6));
    await expectNoNewCheckpoint(log);
  });

  it('(e) a leaf in the middle and its entry rewritten to match each other', async () => {
    log = await freshLog(8);
    await rewriteEntryAndLeaf(log, 3);
    await expectDetected(log, 3, log.checkpoints.get(3));
    // A partner holding entry 3 as now served cannot prove it is in the signed tree.
    const [served] = await allEntries(log.admin, `&entityId=${log.entries[3].entityId}`);
    const checkpoint = log.checkpoints.get(8)!;
    const proof = (await log.admin.get('/audit/proof/inclusion?seq=3&treeSize=8')).body;
    expect(
      verifyInclusion(
        3,
        8,
        leafHashOf(served),
        fromHex(proof.path),
        Buffer.from(checkpoint.rootHash, 'base64'),
      ),
    ).toBe(false);
  });
});

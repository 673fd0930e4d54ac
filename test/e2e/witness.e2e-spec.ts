import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { openSignedNote, parseCheckpointBody, verifierKeyString } from '../../src/audit/merkle/checkpoint-note';
import { cosignerVerifierKey, openCosignatures, parseCosignerKey } from '../../src/audit/merkle/cosignature';
import { verifyConsistency } from '../../src/audit/merkle/merkle-tree';
import { count, eventually, exportText, settled, sleep, type CheckpointJson } from '../support/audit-log';
import { createOrganization } from '../support/builders';
import { Api } from '../support/http';
import { startService, type TestService } from '../support/service';
import { planWitness, startSilentWitness, startWitness, verifyExportWith, type RunningWitness, type WitnessPlan } from '../support/witness';

interface WitnessJson {
  name: string;
  keyId: string;
  verifierKey: string;
  cosignedSize: number | null;
  cosignedAt: string | null;
  lag: number | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

const ORIGIN = `aidtrail.test/witnessed-${randomBytes(4).toString('hex')}`;
const logKey = generateKeyPairSync('ed25519');
const LOG_PEM = logKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const LOG_PUBLIC_PEM = logKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const LOG_VKEY = verifierKeyString(ORIGIN, logKey.publicKey);
const TIMEOUT_MS = 3_000;

async function witnesses(api: Api): Promise<Record<string, WitnessJson>> {
  const response = await api.get('/audit/witnesses');
  expect(response.status).toBe(200);
  return Object.fromEntries((response.body.data as WitnessJson[]).map((w) => [w.name, w]));
}

/** Waits until the named witnesses have cosigned the latest checkpoint; returns it. */
async function cosignedByAll(api: Api, service: TestService, names: string[]): Promise<CheckpointJson> {
  const checkpoint = await settled(api, service.db);
  await eventually(
    async () => {
      const state = await witnesses(api);
      return names.every((name) => state[name].cosignedSize === checkpoint.treeSize) ? true : undefined;
    },
    15_000,
    `${names.join(', ')} to cosign the checkpoint of ${checkpoint.treeSize}`,
  );
  return checkpoint;
}

describe('witness cosigning (C2SP tlog-witness)', () => {
  let a: RunningWitness;
  let b: RunningWitness;
  let slow: WitnessPlan;
  let silent: Awaited<ReturnType<typeof startSilentWitness>>;
  let service: TestService;
  let api: Api;

  beforeAll(async () => {
    const [planA, planB, planSlow] = await Promise.all([planWitness('witness.test/a'), planWitness('witness.test/b'), planWitness('witness.test/slow')]);
    [a, b] = await Promise.all([startWitness(planA, [LOG_VKEY]), startWitness(planB, [LOG_VKEY])]);
    slow = planSlow;
    silent = await startSilentWitness(slow.port);
    service = await startService({
      AUDIT_SIGNING_KEY: LOG_PEM,
      AUDIT_LOG_ORIGIN: ORIGIN,
      AUDIT_WITNESSES: [a.entry, b.entry, slow.entry].join(','),
      AUDIT_WITNESS_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    api = new Api(service.baseUrl, service.adminToken);
  });

  afterAll(async () => {
    await service?.stop();
    await Promise.all([a?.stop(), b?.stop(), silent?.stop()]);
  });

  it('two witnesses cosign every checkpoint; ?cosigned=2 answers the newest with both cosignatures', async () => {
    // Two instances on one database: the lease on each witness's row keeps them from sending it
    // conflicting old sizes, so no witness ever answers 409.
    const sibling = await service.startSibling();
    const siblingApi = new Api(sibling.baseUrl, service.adminToken);
    for (let i = 0; i < 4; i++) {
      await createOrganization(i % 2 ? siblingApi : api, { name: `Witnessed ${i}` });
      await cosignedByAll(api, service, [a.name, b.name]);
    }
    await sibling.stop();
    expect(`${a.output()}${b.output()}`).not.toMatch(/"status":409/);
    expect(a.output()).toMatch(/"status":200/);
    // Every checkpoint from the witnesses' first cosignature on carries both (the slow one never answers).
    const { rows } = await service.db.query(
      `SELECT c.tree_size::int AS size, count(s.verifier_key)::int AS cosignatures
         FROM audit_checkpoint c LEFT JOIN audit_cosignature s ON s.tree_size = c.tree_size
        WHERE c.tree_size >= (SELECT min(tree_size) FROM audit_cosignature) GROUP BY c.tree_size ORDER BY c.tree_size`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.filter((row) => row.cosignatures !== 2)).toEqual([]);
    for (const sql of [`UPDATE audit_cosignature SET line = 'x'`, 'DELETE FROM audit_cosignature', 'TRUNCATE audit_cosignature']) {
      await expect(service.db.query(sql)).rejects.toThrow(/append-only/);
    }

    const latest = await api.get('/audit/checkpoint');
    const quorum = await api.get('/audit/checkpoint?cosigned=2');
    expect(quorum.status).toBe(200);
    expect(quorum.body.treeSize).toBe(latest.body.treeSize);
    expect(quorum.body.note).toBe(latest.body.note);
    expect(quorum.body.cosignatures.map((c: { name: string }) => c.name)).toEqual([a.name, b.name]);
    expect(quorum.body.cosignatures[0]).toMatchObject({ keyId: parseCosignerKey(a.verifierKey).keyId.toString('hex') });
    expect(Date.parse(quorum.body.cosignatures[0].timestamp)).toBeGreaterThan(Date.now() - 120_000);

    // The served note: the log's signature line first, then the witnesses' lines, each verifiable.
    const note: string = quorum.body.note;
    const signatureLines = note.slice(note.lastIndexOf('\n\n') + 2).trimEnd().split('\n');
    expect(signatureLines.map((line) => line.split(' ')[1])).toEqual([ORIGIN, a.name, b.name]);
    const body = parseCheckpointBody(openSignedNote(note, ORIGIN, logKey.publicKey));
    expect(body.treeSize).toBe(quorum.body.treeSize);
    const keys = [parseCosignerKey(a.verifierKey), parseCosignerKey(b.verifierKey)];
    expect(openCosignatures(note, keys).map((c) => c.name)).toEqual([a.name, b.name]);

    // The witness itself serves what it cosigned (monitoring prefix).
    const originHash = createHash('sha256').update(ORIGIN).digest('hex');
    const monitored = await fetch(`${a.url}/${originHash}/checkpoint`).then((r) => r.text());
    expect(parseCheckpointBody(openSignedNote(monitored, ORIGIN, logKey.publicKey)).treeSize).toBe(quorum.body.treeSize);

    // With `since`, the consistency proof up to the cosigned checkpoint; a client ahead of it is told so.
    const [first] = (await service.db.query('SELECT tree_size::int AS size, note FROM audit_checkpoint WHERE tree_size > 0 ORDER BY tree_size LIMIT 1')).rows;
    const since = await api.get(`/audit/checkpoint?cosigned=2&since=${first.size}`);
    expect(since.body.consistency.from).toBe(first.size);
    const firstRoot = parseCheckpointBody(openSignedNote(first.note, ORIGIN, logKey.publicKey)).rootHash;
    const path = since.body.consistency.path.map((hash: string) => Buffer.from(hash, 'hex'));
    expect(verifyConsistency(first.size, since.body.treeSize, path, firstRoot, body.rootHash)).toBe(true);
    const ahead = await api.get(`/audit/checkpoint?cosigned=2&since=${quorum.body.treeSize + 1}`);
    expect(ahead.status).toBe(409);
    expect(ahead.body.detail).toMatch(/cosigned by 2 witness/);

    // Three cosignatures: the slow witness never gives one.
    const three = await api.get('/audit/checkpoint?cosigned=3');
    expect(three.status).toBe(404);
    expect(three.body.type).toMatch(/no-cosigned-checkpoint$/);
    expect((await api.get('/audit/checkpoint?cosigned=4')).body.detail).toMatch(/configured with 3 witness/);
    const zero = await api.get('/audit/checkpoint?cosigned=0');
    expect(zero.status).toBe(400);
    expect(JSON.stringify(zero.body)).toContain('cosigned');
  });

  it('the offline verifier requires the quorum: --quorum 2 accepts, a wrong witness key refuses', async () => {
    await cosignedByAll(api, service, [a.name, b.name]);
    const exported = await exportText(api);
    const accepted = await verifyExportWith(exported, LOG_PUBLIC_PEM, ['--witness', a.verifierKey, '--witness', b.verifierKey, '--quorum', '2']);
    expect(accepted.stderr).toBe('');
    expect(accepted.stdout).toMatch(/cosigned by 2 of 2 witnesses/);
    expect(accepted.code).toBe(0);

    const impostor = cosignerVerifierKey(b.name, generateKeyPairSync('ed25519').publicKey);
    const refused = await verifyExportWith(exported, LOG_PUBLIC_PEM, ['--witness', a.verifierKey, '--witness', impostor, '--quorum', '2']);
    expect(refused.stdout).toMatch(/INVALID: witness quorum not met: the checkpoint carries 1 valid cosignature/);
    expect(refused.code).toBe(1);
    // One of the two is enough when the client asks for one.
    expect((await verifyExportWith(exported, LOG_PUBLIC_PEM, ['--witness', a.verifierKey, '--witness', impostor, '--quorum', '1'])).code).toBe(0);
    const usage = await verifyExportWith(exported, LOG_PUBLIC_PEM, ['--witness', a.verifierKey, '--quorum', '2']);
    expect(usage.code).toBe(2);
  });

  it('a witness that never answers delays no write; its lag and error show in /audit/witnesses and the metrics', async () => {
    const started = Date.now();
    await createOrganization(api, { name: 'Written while a witness hangs' });
    // A write that waited for the silent witness would take at least its whole timeout.
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
    const checkpoint = await cosignedByAll(api, service, [a.name, b.name]);
    const state = await eventually(
      async () => {
        const current = await witnesses(api);
        return current[slow.name].lastError ? current : undefined;
      },
      3 * TIMEOUT_MS,
      'the silent witness to time out',
    );
    expect(silent.connections()).toBeGreaterThan(0);
    // A second instance polls the same witnesses; the lease lets only one of them talk to a witness at a
    // time, so each request to the silent witness starts only once the one before has timed out.
    const sibling = await service.startSibling();
    const from = Date.now();
    await sleep(3 * TIMEOUT_MS);
    // While both run; a stopping instance aborts its request and hands the lease back at once.
    const arrivals = silent.arrivals().filter((time) => time >= from - TIMEOUT_MS);
    await sibling.stop();
    const gaps = arrivals.slice(1).map((time, i) => time - arrivals[i]);
    expect(gaps.filter((gap) => gap < TIMEOUT_MS - 100)).toEqual([]);
    expect(state[slow.name]).toMatchObject({ cosignedSize: null, lag: checkpoint.treeSize, lastError: `no answer within ${TIMEOUT_MS} ms` });
    expect(state[a.name]).toMatchObject({ cosignedSize: checkpoint.treeSize, lag: 0 });
    // Each instance refreshes the gauge from the shared witness rows, the silent witness's between its timeouts.
    const expected = [`aidtrail_audit_witness_lag_entries{witness="${a.name}"} 0`, `aidtrail_audit_witness_lag_entries{witness="${slow.name}"} ${checkpoint.treeSize}`];
    const metrics = await eventually(
      async () => {
        const text = (await api.get('/metrics')).text;
        return expected.every((line) => text.includes(line)) ? text : undefined;
      },
      3 * TIMEOUT_MS,
      'the lag metric to catch up',
    );
    expect(metrics).toMatch(/aidtrail_audit_witness_lag_entries\{witness="witness.test\/b"\} 0/);
  });

  it('a forked log (same key and origin, other entries) is refused by the witness with 422 and gets no cosignature', async () => {
    const witnessed = (await witnesses(api))[a.name].cosignedSize!;
    const originHash = createHash('sha256').update(ORIGIN).digest('hex');
    const before = await fetch(`${a.url}/${originHash}/checkpoint`).then((r) => r.text());
    const fork = await startService({ AUDIT_SIGNING_KEY: LOG_PEM, AUDIT_LOG_ORIGIN: ORIGIN, AUDIT_WITNESSES: a.entry, AUDIT_WITNESS_TIMEOUT_MS: String(TIMEOUT_MS) });
    try {
      const forkApi = new Api(fork.baseUrl, fork.adminToken);
      for (let i = 0; i <= witnessed; i++) await createOrganization(forkApi, { name: `Fork ${i}` });
      const forked = await settled(forkApi, fork.db);
      expect(forked.treeSize).toBeGreaterThan(witnessed);
      const state = await eventually(
        async () => {
          const current = (await witnesses(forkApi))[a.name];
          return current.lastError?.startsWith('HTTP 422') ? current : undefined;
        },
        30_000,
        'the witness to refuse the fork',
      );
      expect(state.cosignedSize).toBe(witnessed); // learned from the 409, never moved by a cosignature
      expect(await count(fork.db, 'SELECT count(*) FROM audit_cosignature')).toBe(0);
      expect((await forkApi.get('/audit/checkpoint?cosigned=1')).status).toBe(404);
      expect(a.output()).toMatch(/"status":422/);
      // The witness still holds the first log's checkpoint.
      expect(await fetch(`${a.url}/${originHash}/checkpoint`).then((r) => r.text())).toBe(before);
    } finally {
      await fork.stop();
    }
  });
});

import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { formatCheckpointBody, signNote } from '../../src/audit/merkle/checkpoint-note';
import { cosignerVerifierKey } from '../../src/audit/merkle/cosignature';
import { leafHash, rootFromLeaves } from '../../src/audit/merkle/merkle-tree';
import { AddCheckpoint } from '../../src/witness/add-checkpoint';
import { FileStateStore } from '../../src/witness/file-state.store';
import { createWitnessServer } from '../../src/witness/witness-server';

const ORIGIN = 'aidtrail.test/http';
const log = generateKeyPairSync('ed25519');
const witness = generateKeyPairSync('ed25519');
const note = (size: number, origin = ORIGIN) =>
  signNote(
    formatCheckpointBody({ origin, treeSize: size, rootHash: rootFromLeaves(Array.from({ length: size }, (_, i) => leafHash(`e${i}`))) }),
    origin,
    log.privateKey,
  );

describe('witness HTTP server', () => {
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const state = new FileStateStore(join(mkdtempSync(join(tmpdir(), 'witness-http-')), 'state.json'));
    const logs = [{ origin: ORIGIN, keys: [{ keyName: ORIGIN, publicKey: log.publicKey }] }];
    const addCheckpoint = new AddCheckpoint({ name: 'witness.test/http', privateKey: witness.privateKey }, logs, state);
    const server = createWitnessServer({ addCheckpoint, state, name: 'witness.test/http', publicKey: witness.publicKey, origins: [ORIGIN], log: pino({ level: 'silent' }) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  const post = (body: string) => fetch(`${base}/add-checkpoint`, { method: 'POST', body });

  it('serves its verifier key at /', async () => {
    expect(await (await fetch(`${base}/`)).text()).toBe(`${cosignerVerifierKey('witness.test/http', witness.publicKey)}\n`);
  });

  it('answers add-checkpoint over HTTP: 200 with the line, then 409 as text/x.tlog.size, 404 for another origin', async () => {
    const ok = await post(`old 0\n\n${note(3)}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^\u2014 witness\.test\/http \S+\n$/);
    const conflict = await post(`old 0\n\n${note(5)}`);
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await conflict.text()).toBe('3\n');
    expect((await post(`old 0\n\n${note(3, 'other.test/log')}`)).status).toBe(404);
  });

  it('serves the latest cosigned checkpoint to monitors by the hash of the origin', async () => {
    const hash = createHash('sha256').update(ORIGIN).digest('hex');
    const monitored = await fetch(`${base}/${hash}/checkpoint`);
    expect(monitored.status).toBe(200);
    expect(await monitored.text()).toMatch(new RegExp(`^${ORIGIN}\\n3\\n`));
    expect((await fetch(`${base}/${'0'.repeat(64)}/checkpoint`)).status).toBe(404);
  });

  it('refuses other methods, unknown paths and oversized bodies', async () => {
    expect((await fetch(`${base}/add-checkpoint`)).status).toBe(405);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await post(`old 0\n\n${'x'.repeat(70 * 1024)}`)).status).toBe(413);
  });
});

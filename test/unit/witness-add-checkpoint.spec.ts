import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCheckpointBody, signNote } from '../../src/audit/merkle/checkpoint-note';
import { cosignerVerifierKey, openCosignatures, parseCosignerKey } from '../../src/audit/merkle/cosignature';
import { consistencyProof, leafHash, rootFromLeaves } from '../../src/audit/merkle/merkle-tree';
import { AddCheckpoint, TLOG_SIZE_TYPE } from '../../src/witness/add-checkpoint';
import { FileStateStore } from '../../src/witness/file-state.store';
import { parseWitnessedLogs } from '../../src/witness/witness-config';

const ORIGIN = 'aidtrail.test/log';
const log = generateKeyPairSync('ed25519');
const impostor = generateKeyPairSync('ed25519');
const witness = generateKeyPairSync('ed25519');
const witnessKey = parseCosignerKey(cosignerVerifierKey('witness.test/w1', witness.publicKey));

const leaves = (n: number, salt = '') => Array.from({ length: n }, (_, i) => leafHash(`entry ${i}${salt}`));
const source = (hashes: Buffer[]) => ({
  subtreeHash: async (start: number, size: number) => rootFromLeaves(hashes.slice(start, start + size)),
});

function checkpoint(hashes: Buffer[], key = log.privateKey, origin = ORIGIN): string {
  const body = formatCheckpointBody({ origin, treeSize: hashes.length, rootHash: rootFromLeaves(hashes) });
  return signNote(body, origin, key);
}

async function request(oldSize: number, proof: Buffer[], note: string): Promise<Buffer> {
  return Buffer.from(`old ${oldSize}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`);
}

/** A witness with a fresh state file, following ORIGIN signed by `log`. */
function newWitness() {
  const dir = mkdtempSync(join(tmpdir(), 'witness-unit-'));
  const state = new FileStateStore(join(dir, 'state.json'));
  const logs = [{ origin: ORIGIN, keys: [{ keyName: ORIGIN, publicKey: log.publicKey }] }];
  const add = new AddCheckpoint({ name: 'witness.test/w1', privateKey: witness.privateKey }, logs, state, () => 1_800_000_000);
  return { add, state, dir };
}

describe('witness add-checkpoint (C2SP tlog-witness)', () => {
  it('200: cosigns a first checkpoint submitted with old 0, and stores it', async () => {
    const { add, state, dir } = newWitness();
    const tree = leaves(5);
    const note = checkpoint(tree);
    const answer = await add.handle(await request(0, [], note));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^\u2014 witness\.test\/w1 [A-Za-z0-9+/=]+\n$/);
    const [cosignature] = openCosignatures(`${note}${answer.body}`, [witnessKey]);
    expect(cosignature).toMatchObject({ name: 'witness.test/w1', timestamp: 1_800_000_000 });
    expect(await state.get(ORIGIN)).toMatchObject({ size: 5, rootHash: rootFromLeaves(tree).toString('base64') });
    // Durable: a new store on the same file reads the same state; no temporary file is left behind.
    expect(await new FileStateStore(join(dir, 'state.json')).get(ORIGIN)).toMatchObject({ size: 5 });
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).logs[ORIGIN].note).toBe(`${note}${answer.body}`);
  });

  it('200: cosigns a grown tree given a valid consistency proof from the size last cosigned', async () => {
    const { add, state } = newWitness();
    const tree = leaves(13);
    expect((await add.handle(await request(0, [], checkpoint(tree.slice(0, 5))))).status).toBe(200);
    const proof = await consistencyProof(5, 13, source(tree));
    const answer = await add.handle(await request(5, proof, checkpoint(tree)));
    expect(answer.status).toBe(200);
    expect((await state.get(ORIGIN))?.size).toBe(13);
    // The same checkpoint again (old = size, equal roots) is cosigned again.
    expect((await add.handle(await request(13, [], checkpoint(tree)))).status).toBe(200);
  });

  it('409: an old size other than the size last cosigned, answered as text/x.tlog.size', async () => {
    const { add, state } = newWitness();
    const tree = leaves(8);
    await add.handle(await request(0, [], checkpoint(tree.slice(0, 3))));
    const answer = await add.handle(await request(0, [], checkpoint(tree)));
    expect(answer).toEqual({ status: 409, contentType: TLOG_SIZE_TYPE, body: '3\n' });
    expect((await state.get(ORIGIN))?.size).toBe(3);
  });

  it('404: a checkpoint of an origin the witness does not follow', async () => {
    const { add } = newWitness();
    const answer = await add.handle(await request(0, [], checkpoint(leaves(2), log.privateKey, 'other.test/log')));
    expect(answer.status).toBe(404);
  });

  it('403: no signature by the trusted key, or one by it that fails', async () => {
    const { add, state } = newWitness();
    expect((await add.handle(await request(0, [], checkpoint(leaves(2), impostor.privateKey)))).status).toBe(403);
    const note = checkpoint(leaves(2));
    const tampered = note.replace(/ ([A-Za-z0-9+/]{10})/, (_, head: string) => ` ${head.startsWith('A') ? 'B' : 'A'}${head.slice(1)}`);
    expect(tampered).not.toBe(note);
    expect((await add.handle(await request(0, [], tampered))).status).toBe(403);
    expect(await state.get(ORIGIN)).toBeUndefined();
  });

  it('400: malformed bodies, and an old size above the checkpoint size', async () => {
    const { add, state } = newWitness();
    const note = checkpoint(leaves(4));
    const bodies = [
      `old 01\n\n${note}`,
      `old -1\n\n${note}`,
      `new 0\n\n${note}`,
      `old 0\n${note}`,
      `old 0\nnot-a-hash\n\n${note}`,
      `old 0\n\n${note.replace('\n4\n', '\nfour\n')}`,
      `old 0\n\n${note.split('\n\n')[0]}\n`,
      `old 0\n${'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'.repeat(64)}\n${note}`,
    ];
    for (const body of bodies) expect({ body, status: (await add.handle(Buffer.from(body))).status }).toEqual({ body, status: 400 });
    expect((await add.handle(Buffer.from([0x6f, 0x6c, 0x64, 0x20, 0xff])))).toMatchObject({ status: 400 });
    expect((await add.handle(await request(5, [], note))).status).toBe(400);
    expect(await state.get(ORIGIN)).toBeUndefined();
  });

  it('422: a forked tree, a bad proof, a proof with old 0, equal sizes with another root, a bad empty root', async () => {
    const { add, state } = newWitness();
    const tree = leaves(10);
    const fork = [...tree.slice(0, 3), ...leaves(7, ' forked')];
    await add.handle(await request(0, [], checkpoint(tree.slice(0, 6))));
    // The fork keeps the first 3 leaves but rewrites the 4th to 6th: its proof from 6 cannot verify.
    const forkProof = await consistencyProof(6, 10, source(fork));
    expect((await add.handle(await request(6, forkProof, checkpoint(fork)))).status).toBe(422);
    const proof = await consistencyProof(6, 10, source(tree));
    expect((await add.handle(await request(6, proof.slice(1), checkpoint(tree)))).status).toBe(422);
    expect((await add.handle(await request(6, [], checkpoint(fork.slice(0, 6))))).status).toBe(422);
    expect((await state.get(ORIGIN))?.size).toBe(6);

    const fresh = newWitness();
    expect((await fresh.add.handle(await request(0, [proof[0]], checkpoint(tree)))).status).toBe(422);
    const badEmpty = signNote(formatCheckpointBody({ origin: ORIGIN, treeSize: 0, rootHash: Buffer.alloc(32) }), ORIGIN, log.privateKey);
    expect((await fresh.add.handle(await request(0, [], badEmpty))).status).toBe(422);
    expect(await fresh.state.get(ORIGIN)).toBeUndefined();
  });

  it('compare-and-set is atomic: of two racing submissions from the same old size, one wins and one gets 409', async () => {
    const { add, state } = newWitness();
    const tree = leaves(9);
    await add.handle(await request(0, [], checkpoint(tree.slice(0, 2))));
    const [a, b] = await Promise.all([
      add.handle(await request(2, await consistencyProof(2, 9, source(tree)), checkpoint(tree))),
      add.handle(await request(2, await consistencyProof(2, 4, source(tree)), checkpoint(tree.slice(0, 4)))),
    ]);
    expect([a.status, b.status]).toEqual([200, 409]);
    expect(b.body).toBe('9\n');
    expect((await state.get(ORIGIN))?.size).toBe(9);
  });
});

describe('witness file state', () => {
  it('a write that fails answers nothing and leaves the old state, in memory and on disk', async () => {
    const { add, state, dir } = newWitness();
    const tree = leaves(6);
    await add.handle(await request(0, [], checkpoint(tree.slice(0, 2))));
    // The temporary file cannot be created (a directory stands in its place): the write fails before the rename.
    mkdirSync(join(dir, `state.json.${process.pid}.tmp`));
    await expect(add.handle(await request(2, await consistencyProof(2, 6, source(tree)), checkpoint(tree)))).rejects.toThrow();
    expect((await state.get(ORIGIN))?.size).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).logs[ORIGIN].size).toBe(2);
    // The store still serves later updates once the obstacle is gone.
    rmdirSync(join(dir, `state.json.${process.pid}.tmp`));
    expect((await add.handle(await request(2, await consistencyProof(2, 6, source(tree)), checkpoint(tree)))).status).toBe(200);
  });
});

describe('witness configuration', () => {
  it('reads logs as "<vkey>" (origin = key name) or "<origin> <vkey>", and names WITNESS_LOGS when wrong', () => {
    const vkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    expect(parseWitnessedLogs(`${vkey}, example.com/log ${vkey}`).map((l) => l.origin)).toEqual(['PeterNeumann', 'example.com/log']);
    expect(() => parseWitnessedLogs('')).toThrow(/^Invalid configuration: WITNESS_LOGS /);
    expect(() => parseWitnessedLogs(vkey.replace('c74f20a3', 'c74f20a4'))).toThrow(/^Invalid configuration: WITNESS_LOGS /);
  });
});

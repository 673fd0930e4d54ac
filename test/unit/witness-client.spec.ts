import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatCheckpointBody, signNote } from '../../src/audit/merkle/checkpoint-note';
import { cosign, cosignerVerifierKey } from '../../src/audit/merkle/cosignature';
import { addCheckpoint, WitnessError } from '../../src/audit/witness/witness-client';
import { parseWitnessList, type ConfiguredWitness } from '../../src/audit/witness/witness-list';

const log = generateKeyPairSync('ed25519');
const honest = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const BODY = formatCheckpointBody({ origin: 'aidtrail.test/log', treeSize: 4, rootHash: Buffer.alloc(32, 1) });
const NOTE = signNote(BODY, 'aidtrail.test/log', log.privateKey);

/** A fake witness answering every request with `reply`; it records the request bodies. */
async function fakeWitness(reply: (body: string) => { status: number; type?: string; body: string }) {
  const received: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push(`${request.method} ${request.url}\n${body}`);
      const answer = reply(body);
      response.writeHead(answer.status, { 'content-type': answer.type ?? 'text/plain' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const [witness] = parseWitnessList(`${cosignerVerifierKey('witness.test/w', honest.publicKey)}@http://127.0.0.1:${port}/prefix/`);
  return { witness, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function submit(witness: ConfiguredWitness, oldSize = 0, proof: Buffer[] = []) {
  return addCheckpoint(witness, oldSize, proof, NOTE, 2_000);
}

describe('witness client (add-checkpoint)', () => {
  it('POSTs old size, proof lines, a blank line and the note to <prefix>/add-checkpoint; keeps a valid cosignature', async () => {
    const fake = await fakeWitness(() => ({ status: 200, body: `${cosign(BODY, 'witness.test/w', honest.privateKey, 1_800_000_000)}\n` }));
    try {
      const result = await submit(fake.witness, 2, [Buffer.alloc(32, 9)]);
      expect(result).toMatchObject({ kind: 'cosigned', cosignature: { name: 'witness.test/w', timestamp: 1_800_000_000 } });
      expect(fake.received).toEqual([`POST /prefix/add-checkpoint\nold 2\n${Buffer.alloc(32, 9).toString('base64')}\n\n${NOTE}`]);
    } finally {
      await fake.close();
    }
  });

  it('reads the size of a 409 given as text/x.tlog.size', async () => {
    const fake = await fakeWitness(() => ({ status: 409, type: 'text/x.tlog.size', body: '17\n' }));
    try {
      expect(await submit(fake.witness)).toEqual({ kind: 'conflict', size: 17 });
    } finally {
      await fake.close();
    }
  });

  it.each([
    ['a cosignature by another key under the same name', () => ({ status: 200, body: `${cosign(BODY, 'witness.test/w', other.privateKey, 1_800_000_000)}\n` }), /without a cosignature by its configured key/],
    ['a cosignature of another checkpoint', () => ({ status: 200, body: `${cosign(BODY.replace('\n4\n', '\n5\n'), 'witness.test/w', honest.privateKey, 1_800_000_000)}\n` }), /invalid cosignature/],
    ['a cosignature without timestamp', () => ({ status: 200, body: `${cosign(BODY, 'witness.test/w', honest.privateKey, 0)}\n` }), /without a timestamp/],
    ['a 409 that is not text/x.tlog.size', () => ({ status: 409, body: '17\n' }), /409 without a text\/x.tlog.size body/],
    ['a 422', () => ({ status: 422, body: 'inconsistent\n' }), /^HTTP 422: inconsistent$/],
  ])('refuses %s', async (_, reply, message) => {
    const fake = await fakeWitness(reply);
    try {
      await expect(submit(fake.witness)).rejects.toThrow(message);
      await expect(submit(fake.witness)).rejects.toBeInstanceOf(WitnessError);
    } finally {
      await fake.close();
    }
  });

  it('gives up after the timeout', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const [witness] = parseWitnessList(`${cosignerVerifierKey('witness.test/w', honest.publicKey)}@http://127.0.0.1:${port}`);
    try {
      await expect(addCheckpoint(witness, 0, [], NOTE, 200)).rejects.toThrow('no answer within 200 ms');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

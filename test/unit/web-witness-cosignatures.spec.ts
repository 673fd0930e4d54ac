/**
 * The browser's cosignature check (web/src/audit/witness-cosignatures.ts) against cosignatures made by the
 * service's own src/audit/merkle/cosignature.ts. Node's WebCrypto stands in for the browser's.
 */
import { generateKeyPairSync } from 'node:crypto';
import { cosign, cosignerKeyId, cosignerVerifierKey } from '../../src/audit/merkle/cosignature';
import {
  formatCheckpointBody,
  keyIdFor,
  signNote,
  verifierKeyString,
} from '../../src/audit/merkle/checkpoint-note';
import { openCheckpoint, parseVerifierKey } from '../../web/src/audit/signed-checkpoint';
import { parseWitnessKey, readCosignatures, type WitnessKey } from '../../web/src/audit/witness-cosignatures';
import { verifyTrail, type TrailSources } from '../../web/src/audit/trail-verification';

const ORIGIN = 'aidtrail.test/audit';
const WITNESS = 'witness.test';
const TIME = 1_795_000_000;
const log = generateKeyPairSync('ed25519');
const witness = generateKeyPairSync('ed25519');
const body = formatCheckpointBody({ origin: ORIGIN, treeSize: 7, rootHash: Buffer.alloc(32, 7) });
const logKeyId = new Uint8Array(keyIdFor(ORIGIN, log.publicKey));

function cosignedNote(line = cosign(body, WITNESS, witness.privateKey, TIME)): string {
  return `${signNote(body, ORIGIN, log.privateKey)}${line}\n`;
}

async function witnessKey(publicKey = witness.publicKey, name = WITNESS): Promise<WitnessKey> {
  const key = await parseWitnessKey(cosignerVerifierKey(name, publicKey));
  if (!key) throw new Error('the service’s verifier key did not parse');
  return key;
}

/** The line with its 8-byte timestamp replaced, the key id and signature left as they were. */
function withTimestamp(line: string, timestamp: number): string {
  const space = line.lastIndexOf(' ');
  const blob = Buffer.from(line.slice(space + 1), 'base64');
  blob.writeBigUInt64BE(BigInt(timestamp), 4);
  return `${line.slice(0, space + 1)}${blob.toString('base64')}`;
}

describe('browser verification: witness cosignatures from the service', () => {
  it('verifies a good cosignature by the listed witness key', async () => {
    const found = await readCosignatures(cosignedNote(), ORIGIN, logKeyId, [await witnessKey()]);
    const keyIdHex = cosignerKeyId(WITNESS, witness.publicKey).toString('hex');
    expect(found).toEqual([{ name: WITNESS, keyIdHex, timestamp: TIME, status: 'verified' }]);
  });

  it('refuses a cosignature whose timestamp was changed', async () => {
    const line = withTimestamp(cosign(body, WITNESS, witness.privateKey, TIME), TIME + 1);
    const found = await readCosignatures(cosignedNote(line), ORIGIN, logKeyId, [await witnessKey()]);
    expect(found).toMatchObject([{ name: WITNESS, timestamp: TIME + 1, status: 'failed' }]);
  });

  it('refuses a cosignature made with another key under the same name and key id', async () => {
    const impostor = generateKeyPairSync('ed25519');
    const genuine = cosign(body, WITNESS, witness.privateKey, TIME);
    const forged = cosign(body, WITNESS, impostor.privateKey, TIME);
    // Keep the genuine key id so the line claims the listed key; the signature is the impostor's.
    const keyIdOf = (line: string): Buffer =>
      Buffer.from(line.slice(line.lastIndexOf(' ') + 1), 'base64').subarray(0, 4);
    const blob = Buffer.from(forged.slice(forged.lastIndexOf(' ') + 1), 'base64');
    keyIdOf(genuine).copy(blob, 0);
    const line = `${forged.slice(0, forged.lastIndexOf(' ') + 1)}${blob.toString('base64')}`;
    const found = await readCosignatures(cosignedNote(line), ORIGIN, logKeyId, [await witnessKey()]);
    expect(found).toMatchObject([{ name: WITNESS, status: 'failed' }]);
  });

  it('does not verify a cosignature against a key listed for another witness', async () => {
    const other = generateKeyPairSync('ed25519');
    const found = await readCosignatures(cosignedNote(), ORIGIN, logKeyId, [
      await witnessKey(other.publicKey),
    ]);
    expect(found).toMatchObject([{ name: WITNESS, timestamp: TIME, status: 'unknown' }]);
  });

  it('reports an unlisted witness’s cosignature as not verified, and skips the log’s own line', async () => {
    const found = await readCosignatures(cosignedNote(), ORIGIN, logKeyId, []);
    expect(found).toMatchObject([{ name: WITNESS, timestamp: TIME, status: 'unknown' }]);
  });

  it('finds no cosignatures in a note signed by the log alone', async () => {
    const note = signNote(body, ORIGIN, log.privateKey);
    await expect(readCosignatures(note, ORIGIN, logKeyId, [await witnessKey()])).resolves.toEqual([]);
  });

  it('still opens the log’s checkpoint from a cosigned note', async () => {
    const key = await parseVerifierKey(verifierKeyString(ORIGIN, log.publicKey));
    await expect(openCheckpoint(cosignedNote(), key)).resolves.toMatchObject({ origin: ORIGIN, treeSize: 7 });
  });

  it('refuses a verifier key whose key id does not match its key, or of another signature type', async () => {
    const vkey = cosignerVerifierKey(WITNESS, witness.publicKey);
    await expect(parseWitnessKey(vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).resolves.toBeUndefined();
    await expect(parseWitnessKey(verifierKeyString(WITNESS, witness.publicKey))).resolves.toBeUndefined();
  });
});

describe('browser verification: the trail verdict carries the cosignatures', () => {
  function sources(
    note: string,
    witnesses?: () => Promise<{ name: string; verifierKey: string }[]>,
  ): TrailSources {
    return {
      publicKey: async () => ({ verifierKey: verifierKeyString(ORIGIN, log.publicKey) }),
      checkpoint: async () => ({
        origin: ORIGIN,
        treeSize: 7,
        rootHash: Buffer.alloc(32, 7).toString('base64'),
        timestamp: new Date(TIME * 1000).toISOString(),
        note,
      }),
      inclusion: async () => {
        throw new Error('no entries to prove');
      },
      witnesses,
    };
  }
  const listed = async () => [
    { name: WITNESS, verifierKey: cosignerVerifierKey(WITNESS, witness.publicKey) },
  ];

  it('verifies the log’s checkpoint and each listed witness’s cosignature', async () => {
    const verdict = await verifyTrail([], sources(cosignedNote(), listed));
    expect(verdict.state).toBe('verified');
    expect(verdict.witnessCount).toBe(1);
    expect(verdict.cosignatures).toMatchObject([{ name: WITNESS, timestamp: TIME, status: 'verified' }]);
  });

  it('names a witness whose cosignature fails, without failing the log’s signature', async () => {
    const line = withTimestamp(cosign(body, WITNESS, witness.privateKey, TIME), TIME - 60);
    const verdict = await verifyTrail([], sources(cosignedNote(line), listed));
    expect(verdict.checkpointProblem).toBeUndefined();
    expect(verdict.cosignatures).toMatchObject([{ name: WITNESS, status: 'failed' }]);
  });

  it('shows the cosignatures as not verified when the witness list cannot be fetched', async () => {
    const verdict = await verifyTrail(
      [],
      sources(cosignedNote(), async () => {
        throw new Error('503');
      }),
    );
    expect(verdict.witnessCount).toBeUndefined();
    expect(verdict.cosignatures).toMatchObject([{ name: WITNESS, status: 'unknown' }]);
  });

  it('reports no witnesses when none are configured', async () => {
    const verdict = await verifyTrail(
      [],
      sources(signNote(body, ORIGIN, log.privateKey), async () => []),
    );
    expect(verdict).toMatchObject({ state: 'verified', witnessCount: 0, cosignatures: [] });
  });
});

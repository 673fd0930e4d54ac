import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { ed25519PublicKeyBytes, formatCheckpointBody, NoteError, signNote } from '../../src/audit/merkle/checkpoint-note';
import {
  cosign,
  cosignatureTimestamp,
  cosignedMessage,
  cosignerKeyId,
  cosignerVerifierKey,
  openCosignatures,
  parseCosignerKey,
  verifyCosignatureLine,
} from '../../src/audit/merkle/cosignature';

// Published material: the example cosignature of c2sp.org/tlog-cosignature (its signed message has
// "time 1679315147"), and vectors of transparency-dev/formats note/note_cosigv1_test.go
// (TestCoSigV1NewVerifier's native cosignature/v1 verifier key, TestCosignatureTimestamp).
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_LINE =
  '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';
const REMORA_VKEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
const FORMATS_SIGNATURE = 'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';
/** An ordinary Ed25519 (type 0x01) note signature from the same test file: not a cosignature. */
const FORMATS_PLAIN_SIGNATURE = 'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=';

const witnessKey = () => generateKeyPairSync('ed25519');

describe('cosignature/v1: published vectors', () => {
  it('reads the timestamp of the spec example and of the transparency-dev vector', () => {
    expect(cosignatureTimestamp(SPEC_LINE)).toBe(1679315147);
    expect(cosignatureTimestamp(`\u2014 w ${FORMATS_SIGNATURE}`)).toBe(1727964367);
  });

  it('refuses an ordinary Ed25519 signature as a cosignature', () => {
    expect(() => cosignatureTimestamp(`\u2014 w ${FORMATS_PLAIN_SIGNATURE}`)).toThrow(NoteError);
  });

  it('parses a native cosignature/v1 verifier key and recomputes its key ID', () => {
    const key = parseCosignerKey(REMORA_VKEY);
    expect(key.name).toBe('remora.n621.de');
    expect(key.keyId.toString('hex')).toBe('da77ade7');
    expect(cosignerVerifierKey(key.name, key.publicKey)).toBe(REMORA_VKEY);
  });

  it('refuses verifier keys of another type, with a wrong key ID or malformed', () => {
    const ordinary = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    expect(() => parseCosignerKey(ordinary)).toThrow(/type 0x04/);
    expect(() => parseCosignerKey(REMORA_VKEY.replace('da77ade7', 'da77ade8'))).toThrow(/key ID does not match/);
    expect(() => parseCosignerKey('remora.n621.de+da77ade7')).toThrow(NoteError);
    expect(() => parseCosignerKey('remora.n621.de+da77ade7+not base64!')).toThrow(NoteError);
  });
});

describe('cosignature/v1: format', () => {
  it('signs "cosignature/v1\\ntime <t>\\n" followed by the note text', () => {
    expect(cosignedMessage(SPEC_BODY, 1679315147).toString('utf8')).toBe(`cosignature/v1\ntime 1679315147\n${SPEC_BODY}`);
  });

  it('key ID = SHA-256(name ‖ \\n ‖ 0x04 ‖ key)[:4], spelled out independently', () => {
    const { publicKey } = witnessKey();
    const manual = createHash('sha256')
      .update(Buffer.concat([Buffer.from('witness.example/w1\n'), Buffer.from([4]), ed25519PublicKeyBytes(publicKey)]))
      .digest()
      .subarray(0, 4);
    expect(cosignerKeyId('witness.example/w1', publicKey)).toEqual(manual);
  });

  it('lays the line out as base64(key ID ‖ 8-byte big-endian time ‖ Ed25519 signature)', () => {
    const { privateKey, publicKey } = witnessKey();
    const line = cosign(SPEC_BODY, 'witness.example/w1', privateKey, 1679315147);
    const match = /^\u2014 witness\.example\/w1 ([A-Za-z0-9+/=]+)$/.exec(line);
    expect(match).not.toBeNull();
    const blob = Buffer.from(match![1], 'base64');
    expect(blob).toHaveLength(4 + 8 + 64);
    expect(blob.subarray(0, 4)).toEqual(cosignerKeyId('witness.example/w1', publicKey));
    expect(blob.readBigUInt64BE(4)).toBe(1679315147n);
    const message = Buffer.from(`cosignature/v1\ntime 1679315147\n${SPEC_BODY}`);
    expect(verify(null, message, publicKey, blob.subarray(12))).toBe(true);
  });

  it('verifies a cosignature by the configured key, ignores other keys, throws on a forged one', () => {
    const w1 = witnessKey();
    const w2 = witnessKey();
    const key1 = parseCosignerKey(cosignerVerifierKey('w1', w1.publicKey));
    const line = cosign(SPEC_BODY, 'w1', w1.privateKey, 1700000000);
    expect(verifyCosignatureLine(SPEC_BODY, line, key1)).toMatchObject({ name: 'w1', timestamp: 1700000000 });
    expect(verifyCosignatureLine(SPEC_BODY, cosign(SPEC_BODY, 'w1', w2.privateKey, 1700000000), key1)).toBeUndefined();
    expect(verifyCosignatureLine(SPEC_BODY, SPEC_LINE, key1)).toBeUndefined();
    // Same key, another checkpoint: the signature claims key1 and fails.
    const other = SPEC_BODY.replace('20852163', '20852164');
    expect(() => verifyCosignatureLine(other, line, key1)).toThrow(/invalid cosignature/);
  });

  it('a cosignature does not verify as an ordinary note signature of the same key, nor the reverse', () => {
    const { privateKey, publicKey } = witnessKey();
    const key = parseCosignerKey(cosignerVerifierKey('w1', publicKey));
    const plain = signNote(SPEC_BODY, 'w1', privateKey).trimEnd().split('\n').pop()!;
    // Different key IDs (type byte 0x01 against 0x04): the ordinary signature is simply not by this cosigner.
    expect(verifyCosignatureLine(SPEC_BODY, plain, key)).toBeUndefined();
  });

  it('finds each configured witness once in a cosigned note, next to the log signature', () => {
    const log = witnessKey();
    const w1 = witnessKey();
    const w2 = witnessKey();
    const body = formatCheckpointBody({ origin: 'aidtrail.test/log', treeSize: 3, rootHash: Buffer.alloc(32, 7) });
    const note = signNote(body, 'aidtrail.test/log', log.privateKey);
    const cosigned = `${note}${cosign(body, 'w1', w1.privateKey, 1700000001)}\n${cosign(body, 'w2', w2.privateKey, 1700000002)}\n`;
    const keys = [parseCosignerKey(cosignerVerifierKey('w1', w1.publicKey)), parseCosignerKey(cosignerVerifierKey('w2', w2.publicKey))];
    expect(openCosignatures(cosigned, keys).map(({ name, timestamp }) => ({ name, timestamp }))).toEqual([
      { name: 'w1', timestamp: 1700000001 },
      { name: 'w2', timestamp: 1700000002 },
    ]);
    expect(openCosignatures(note, keys)).toEqual([]);
  });
});

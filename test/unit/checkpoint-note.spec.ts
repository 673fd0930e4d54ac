import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import {
  ed25519PublicKeyBytes,
  formatCheckpointBody,
  keyIdFor,
  NoteError,
  openSignedNote,
  parseCheckpointBody,
  parseVerifierKey,
  signNote,
  verifierKeyString,
  type Checkpoint,
} from '../../src/audit/merkle/checkpoint-note';
import { emptyRoot } from '../../src/audit/merkle/merkle-tree';

// ---------------------------------------------------------------------------------------------
// Published vectors from golang/mod, sumdb/note/note_test.go (TestNewVerifier, TestSign, TestOpen,
// commit 02c991387e35f9e4c0a9b7ce137717055f8d716d). Ed25519 is deterministic (RFC 8032), so signing the
// same text with the same seed must reproduce Go's note byte for byte.
// ---------------------------------------------------------------------------------------------
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** Go signer keys hold base64(0x01 || 32-byte seed); wrap the seed in PKCS#8 for node:crypto. */
function privateKeyFromGoSignerKey(skey: string): KeyObject {
  const typedSeed = Buffer.from(skey.split('+').slice(4).join('+'), 'base64');
  expect(typedSeed[0]).toBe(0x01);
  const pkcs8Ed25519Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  return createPrivateKey({
    key: Buffer.concat([pkcs8Ed25519Prefix, typedSeed.subarray(1)]),
    format: 'der',
    type: 'pkcs8',
  });
}

const peterPrivate = privateKeyFromGoSignerKey(PETER_SKEY);
const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

describe('signed note: golang/mod sumdb/note vectors', () => {
  it('parses the verifier keys and recomputes their key ids per C2SP', () => {
    expect(peter.keyName).toBe('PeterNeumann');
    expect(peter.keyId.toString('hex')).toBe('c74f20a3');
    expect(enoch.keyId.toString('hex')).toBe('af0cfe78');
    // key ID = SHA-256(key name || 0x0A || 0x01 || public key)[:4], spelled out independently.
    const raw = ed25519PublicKeyBytes(peter.publicKey);
    const manual = createHash('sha256')
      .update(Buffer.concat([Buffer.from('PeterNeumann\n'), Buffer.from([1]), raw]))
      .digest()
      .subarray(0, 4);
    expect(keyIdFor('PeterNeumann', peter.publicKey)).toEqual(manual);
    expect(verifierKeyString('PeterNeumann', peter.publicKey)).toBe(PETER_VKEY);
    expect(verifierKeyString('EnochRoot', enoch.publicKey)).toBe(ENOCH_VKEY);
  });

  it('derives the same public key and key id from the Go signer key', () => {
    expect(ed25519PublicKeyBytes(peterPrivate)).toEqual(ed25519PublicKeyBytes(peter.publicKey));
    expect(keyIdFor('PeterNeumann', peterPrivate).toString('hex')).toBe('c74f20a3');
  });

  it('reproduces the Go signature byte for byte (TestSign)', () => {
    expect(signNote(TEXT, 'PeterNeumann', peterPrivate)).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('opens notes signed by the key, ignoring signatures by other keys (TestOpen)', () => {
    const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openSignedNote(both, 'PeterNeumann', peter.publicKey)).toBe(TEXT);
    expect(openSignedNote(both, 'EnochRoot', enoch.publicKey)).toBe(TEXT);
    expect(openSignedNote(Buffer.from(both, 'utf8'), 'PeterNeumann', peter.publicKey)).toBe(TEXT);
  });

  it('rejects a note without a signature by the expected key', () => {
    expect(() => openSignedNote(`${TEXT}\n${PETER_SIG}`, 'EnochRoot', enoch.publicKey)).toThrow(NoteError);
    // Right name, wrong key: the key id differs, so the signature is simply not ours.
    expect(() => openSignedNote(`${TEXT}\n${PETER_SIG}`, 'PeterNeumann', enoch.publicKey)).toThrow(
      /no signature/,
    );
    // Another name with Peter's key id and signature is not Peter's signature either.
    const renamed = PETER_SIG.replace('PeterNeumann', 'CarmenSandiego');
    expect(() => openSignedNote(`${TEXT}\n${renamed}`, 'PeterNeumann', peter.publicKey)).toThrow(
      /no signature/,
    );
  });

  it('rejects tampered text and corrupted signatures', () => {
    const tampered = `${TEXT.replace('cryptography', 'cryptographY')}\n${PETER_SIG}`;
    expect(() => openSignedNote(tampered, 'PeterNeumann', peter.publicKey)).toThrow(/invalid signature/);
    const corrupted = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(() => openSignedNote(corrupted, 'PeterNeumann', peter.publicKey)).toThrow(/invalid signature/);
  });

  it('rejects the malformed messages of TestOpen', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
    ];
    for (const note of bad)
      expect(() => openSignedNote(note, 'PeterNeumann', peter.publicKey)).toThrow(NoteError);
    // "\xff" + text in the Go test: bytes that are not UTF-8.
    const invalidUtf8 = Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    expect(() => openSignedNote(invalidUtf8, 'PeterNeumann', peter.publicKey)).toThrow(/UTF-8/);
  });

  it('rejects mangled verifier keys (TestNewVerifier)', () => {
    for (const vkey of [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'PeterNeumann+c74f20a3',
      PETER_VKEY.slice(0, -1),
    ]) {
      expect(() => parseVerifierKey(vkey)).toThrow(NoteError);
    }
  });
});

describe('signed note: our own keys', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const name = 'aidtrail.example/log';

  it('round-trips and keeps the verifier key string parseable', () => {
    const body = 'hello\n\nworld\n'; // the text may contain blank lines: the last one separates signatures
    expect(openSignedNote(signNote(body, name, privateKey), name, publicKey)).toBe(body);
    const vkey = parseVerifierKey(verifierKeyString(name, publicKey));
    expect(vkey.keyName).toBe(name);
    expect(ed25519PublicKeyBytes(vkey.publicKey)).toEqual(ed25519PublicKeyBytes(publicKey));
  });

  it('accepts a cosigned note and rejects a note signed only by another key', () => {
    const signed = signNote('body\n', name, privateKey);
    const cosigned = signed + signNote('body\n', 'witness.example', other.privateKey).split('\n\n')[1];
    expect(openSignedNote(cosigned, name, publicKey)).toBe('body\n');
    expect(openSignedNote(cosigned, 'witness.example', other.publicKey)).toBe('body\n');
    expect(() => openSignedNote(signNote('body\n', name, other.privateKey), name, publicKey)).toThrow(
      NoteError,
    );
  });

  it('refuses to sign invalid text, names or keys', () => {
    expect(() => signNote('no newline', name, privateKey)).toThrow(NoteError);
    expect(() => signNote('tab\there\n', name, privateKey)).toThrow(NoteError);
    expect(() => signNote('lone \ud800 surrogate\n', name, privateKey)).toThrow(NoteError);
    for (const bad of ['', 'has space', 'has+plus', 'nbsp\u00a0', 'line\u2028sep']) {
      expect(() => signNote('x\n', bad, privateKey)).toThrow(NoteError);
    }
    expect(() => signNote('x\n', name, publicKey)).toThrow(NoteError);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => signNote('x\n', name, ec.privateKey)).toThrow(NoteError);
    expect(() => keyIdFor(name, createPublicKey(ec.privateKey))).toThrow(NoteError);
  });
});

describe('checkpoint body (C2SP tlog-checkpoint)', () => {
  // The example checkpoint of C2SP/C2SP tlog-checkpoint.md.
  const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';

  it('parses and re-formats the spec example exactly', () => {
    const cp = parseCheckpointBody(SPEC_BODY);
    expect(cp).toEqual({
      origin: 'example.com/behind-the-sofa',
      treeSize: 20852163,
      rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'),
    });
    expect(formatCheckpointBody(cp)).toBe(SPEC_BODY);
  });

  it('keeps extension lines and the empty tree', () => {
    const cp: Checkpoint = {
      origin: 'o',
      treeSize: 0,
      rootHash: emptyRoot(),
      extensions: ['ext one', 'two'],
    };
    const body = formatCheckpointBody(cp);
    expect(body).toBe('o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\ntwo\n');
    expect(parseCheckpointBody(body)).toEqual(cp);
  });

  it('is strict about every line', () => {
    const root = 'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=';
    for (const body of [
      `o\n1\n${root}`, // no final newline
      `o\n1\n`, // missing root
      `\n1\n${root}\n`, // empty origin
      `o\n01\n${root}\n`, // leading zero
      `o\n+1\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n1.0\n${root}\n`,
      `o\n 1\n${root}\n`,
      `o\n9007199254740992\n${root}\n`, // 2^53 is not exactly representable
      `o\n1\n${root.slice(0, -1)}\n`, // not base64
      `o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n`, // non-canonical padding bits
      `o\n1\n${Buffer.alloc(31).toString('base64')}\n`, // 31-byte root
      `o\n1\n${root}\n\n`, // empty extension line
      `o\n1\n${root}\nbad\rline\n`,
    ]) {
      expect(() => parseCheckpointBody(body)).toThrow(NoteError);
    }
    expect(() => formatCheckpointBody({ origin: 'a\nb', treeSize: 1, rootHash: emptyRoot() })).toThrow(
      NoteError,
    );
    expect(() => formatCheckpointBody({ origin: 'o', treeSize: -1, rootHash: emptyRoot() })).toThrow(
      NoteError,
    );
    expect(() => formatCheckpointBody({ origin: 'o', treeSize: 1, rootHash: Buffer.alloc(31) })).toThrow(
      NoteError,
    );
  });

  it('signs and opens a checkpoint end to end; any change to the body is rejected', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const origin = 'aidtrail.example/log';
    const cp: Checkpoint = { origin, treeSize: 42, rootHash: createHash('sha256').update('root').digest() };
    const note = signNote(formatCheckpointBody(cp), origin, privateKey);
    expect(note.split('\n')[4]).toMatch(new RegExp(`^\u2014 ${origin} [A-Za-z0-9+/]{91}=$`)); // 68 bytes
    expect(parseCheckpointBody(openSignedNote(note, origin, publicKey))).toEqual(cp);
    const grown = note.replace('\n42\n', '\n43\n');
    expect(() => openSignedNote(grown, origin, publicKey)).toThrow(/invalid signature/);
  });
});

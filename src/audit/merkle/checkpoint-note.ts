/**
 * C2SP tlog-checkpoint bodies inside C2SP signed-notes, signed with Ed25519 (signature type 0x01).
 * Byte-compatible with golang.org/x/mod/sumdb/note and transparency-dev/formats, so standard witnesses
 * and verifiers can check AidTrail checkpoints.
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n[extension lines\n]   <- note text (what is signed)
 *   \n                                                                <- separating blank line
 *   — <key name> <base64(4-byte key id || 64-byte signature)>\n       <- one line per signature
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  /** Opaque extra lines; C2SP says NOT RECOMMENDED, but parsing keeps them so foreign checkpoints round-trip. */
  extensions?: string[];
}

export interface VerifierKey {
  keyName: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

export class NoteError extends Error {
  override name = 'NoteError';
}

const ROOT_HASH_SIZE = 32;
const ED25519_SIGNATURE_TYPE = 0x01;
const ED25519_SIGNATURE_SIZE = 64;
export const SIGNATURE_PREFIX = '\u2014 ';
// C2SP requires accepting at least 16; Go's sumdb/note stops at 100. Bounds work on hostile input.
export const MAX_SIGNATURES = 100;

export function formatCheckpointBody(checkpoint: Checkpoint): string {
  const { origin, treeSize, rootHash, extensions = [] } = checkpoint;
  if (origin === '' || !isNoteLine(origin)) {
    throw new NoteError('checkpoint origin must be a non-empty single line');
  }
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new NoteError(`invalid tree size ${treeSize}`);
  if (rootHash.length !== ROOT_HASH_SIZE) throw new NoteError(`root hash must be ${ROOT_HASH_SIZE} bytes`);
  if (extensions.some((line) => line === '' || !isNoteLine(line))) {
    throw new NoteError('checkpoint extension lines must be non-empty single lines');
  }
  return [origin, String(treeSize), rootHash.toString('base64'), ...extensions]
    .map((line) => `${line}\n`)
    .join('');
}

/** Strict: rejects anything formatCheckpointBody would not produce (apart from extension lines). */
export function parseCheckpointBody(body: string): Checkpoint {
  if (!isNoteText(body) || !body.endsWith('\n')) throw new NoteError('checkpoint body is not note text');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('checkpoint body needs origin, tree size and root hash lines');
  const [origin, size, root, ...extensions] = lines;
  if (origin === '' || extensions.some((line) => line === '')) {
    throw new NoteError('checkpoint has an empty line');
  }
  // Decimal without sign or leading zeros, as C2SP requires; also keeps the number exact.
  const treeSize = /^(0|[1-9][0-9]*)$/.test(size) ? Number(size) : NaN;
  if (!Number.isSafeInteger(treeSize)) throw new NoteError(`invalid tree size line ${JSON.stringify(size)}`);
  const rootHash = decodeBase64Strict(root);
  if (rootHash?.length !== ROOT_HASH_SIZE) throw new NoteError('invalid root hash line');
  return extensions.length > 0 ? { origin, treeSize, rootHash, extensions } : { origin, treeSize, rootHash };
}

/** Signs `body` (the note text, ending in a newline) and returns the complete signed note. */
export function signNote(body: string, keyName: string, privateKey: KeyObject): string {
  if (!isNoteText(body) || !body.endsWith('\n')) {
    throw new NoteError('note text must be valid and end with a newline');
  }
  assertKeyName(keyName);
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new NoteError('signing key must be an Ed25519 private key');
  }
  const signature = sign(null, Buffer.from(body, 'utf8'), privateKey);
  const blob = Buffer.concat([keyIdFor(keyName, privateKey), signature]).toString('base64');
  return `${body}\n${SIGNATURE_PREFIX}${keyName} ${blob}\n`;
}

/**
 * Returns the note text if it carries a valid signature by (keyName, publicKey); throws NoteError
 * otherwise. Per C2SP, signatures by other keys (witness cosignatures, rotated keys) are ignored, while a
 * signature that claims to be by this key but fails to verify rejects the whole note. Bytes input must be
 * valid UTF-8.
 */
export function openSignedNote(note: string | Uint8Array, keyName: string, publicKey: KeyObject): string {
  const message = typeof note === 'string' ? note : decodeUtf8(note);
  if (!isNoteText(message)) throw new NoteError('malformed note: invalid characters');
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no signature block');
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteError('malformed note: bad signature block');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed note: too many signatures');

  const expectedId = keyIdFor(keyName, publicKey);
  const textBytes = Buffer.from(text, 'utf8');
  let verified = false;
  for (const line of lines) {
    const { name, keyId, signature } = parseSignatureLine(line);
    if (name !== keyName || !keyId.equals(expectedId)) continue;
    if (signature.length !== ED25519_SIGNATURE_SIZE || !verify(null, textBytes, publicKey, signature)) {
      throw new NoteError(`invalid signature for key ${keyName}+${expectedId.toString('hex')}`);
    }
    verified = true;
  }
  if (!verified) throw new NoteError(`note has no signature by key ${keyName}+${expectedId.toString('hex')}`);
  return text;
}

/** key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]. Accepts a private key too. */
export function keyIdFor(keyName: string, key: KeyObject): Buffer {
  assertKeyName(keyName);
  return createHash('sha256')
    .update(keyName, 'utf8')
    .update(Buffer.from([0x0a, ED25519_SIGNATURE_TYPE]))
    .update(ed25519PublicKeyBytes(key))
    .digest()
    .subarray(0, 4);
}

/** `<name>+<hex key id>+<base64(0x01 || public key)>`, the form witnesses and sumdb clients are configured with. */
export function verifierKeyString(keyName: string, key: KeyObject): string {
  const typedKey = Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), ed25519PublicKeyBytes(key)]);
  return `${keyName}+${keyIdFor(keyName, key).toString('hex')}+${typedKey.toString('base64')}`;
}

/** Inverse of verifierKeyString; rejects other signature types and a key id that does not match the key. */
export function parseVerifierKey(vkey: string): VerifierKey {
  // Split on the first two '+' only: the base64 key itself may contain '+'.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new NoteError('malformed verifier key');
  const keyName = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const typedKey = decodeBase64Strict(vkey.slice(second + 1));
  if (!isValidKeyName(keyName) || !/^[0-9a-fA-F]{8}$/.test(idHex) || typedKey === undefined) {
    throw new NoteError('malformed verifier key');
  }
  if (typedKey.length !== 33 || typedKey[0] !== ED25519_SIGNATURE_TYPE) {
    throw new NoteError('verifier key is not an Ed25519 key');
  }
  const publicKey = ed25519PublicKeyFromBytes(typedKey.subarray(1));
  const keyId = keyIdFor(keyName, publicKey);
  if (keyId.toString('hex') !== idHex.toLowerCase()) {
    throw new NoteError('verifier key id does not match the key');
  }
  return { keyName, keyId, publicKey };
}

/** Raw 32-byte RFC 8032 public key of an Ed25519 KeyObject (public, or private from which it is derived). */
export function ed25519PublicKeyBytes(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') {
    throw new NoteError('key is not an Ed25519 key');
  }
  const { x } = publicKey.export({ format: 'jwk' });
  const raw = typeof x === 'string' ? Buffer.from(x, 'base64url') : Buffer.alloc(0);
  if (raw.length !== 32) throw new NoteError('unexpected Ed25519 public key encoding');
  return raw;
}

export function ed25519PublicKeyFromBytes(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new NoteError('Ed25519 public key must be 32 bytes');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

/** Non-empty, no Unicode whitespace, no '+', no control characters (C2SP signed-note key name rules). */
export function isValidKeyName(name: string): boolean {
  return name !== '' && isNoteText(name) && !/[\p{White_Space}+]/u.test(name);
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
}

export function parseSignatureLine(line: string): { name: string; keyId: Buffer; signature: Buffer } {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('malformed note: bad signature line');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const blob = space < 0 ? undefined : decodeBase64Strict(rest.slice(space + 1));
  if (!isValidKeyName(name) || blob === undefined || blob.length < 5) {
    throw new NoteError('malformed note: bad signature line');
  }
  return { name, keyId: blob.subarray(0, 4), signature: blob.subarray(4) };
}

/**
 * Signed notes must be valid UTF-8 without ASCII control characters other than newline. A JS string is
 * valid UTF-8 unless it holds a lone surrogate, which Buffer.from would silently replace, changing the
 * signed bytes.
 */
export function isNoteText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return false;
    if (c >= 0xdc00 && c <= 0xdfff) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const low = text.charCodeAt(i + 1); // NaN past the end, which fails the range test
      if (!(low >= 0xdc00 && low <= 0xdfff)) return false;
      i += 1;
    }
  }
  return true;
}

function isNoteLine(line: string): boolean {
  return isNoteText(line) && !line.includes('\n');
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // ignoreBOM keeps a leading BOM in the text, so the verified bytes are exactly the received bytes.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new NoteError('malformed note: not valid UTF-8');
  }
}

/** Standard padded base64 in canonical form only; Buffer.from(_, 'base64') alone skips invalid characters. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * C2SP tlog-cosignature, the Ed25519 `cosignature/v1` kind (signature type 0x04): a witness's statement
 * that, at `time`, the largest consistent tree it has seen for the checkpoint's origin has this root.
 *
 *   signed message:  cosignature/v1\n time <unix seconds>\n <checkpoint note text>
 *   signature line:  — <witness name> base64(key ID (4) ‖ timestamp (8, big-endian) ‖ Ed25519 signature (64))
 *   key ID:          SHA-256(<name> ‖ \n ‖ 0x04 ‖ 32-byte public key)[:4]
 *   verifier key:    <name>+<hex key ID>+base64(0x04 ‖ 32-byte public key)
 *
 * The signature line is a signed-note signature: a cosigned checkpoint is the log's note with the
 * witnesses' lines appended, and verifiers that do not know a witness key skip its line.
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import {
  decodeBase64Strict,
  ed25519PublicKeyBytes,
  ed25519PublicKeyFromBytes,
  isNoteText,
  isValidKeyName,
  MAX_SIGNATURES,
  NoteError,
  parseSignatureLine,
  SIGNATURE_PREFIX,
} from './checkpoint-note';

export const COSIGNATURE_TYPE = 0x04;
const HEADER = 'cosignature/v1\n';
const TIMESTAMP_SIZE = 8;
const ED25519_SIGNATURE_SIZE = 64;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** A witness (cosigner) as a verifier knows it: name, key ID and Ed25519 public key. */
export interface CosignerKey {
  name: string;
  keyId: Buffer;
  publicKey: KeyObject;
}

export interface Cosignature {
  name: string;
  keyId: Buffer;
  /** POSIX seconds at which the witness cosigned. */
  timestamp: number;
  /** The note signature line, without its newline. */
  line: string;
}

/** key ID = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]. Accepts a private key too. */
export function cosignerKeyId(name: string, key: KeyObject): Buffer {
  if (!isValidKeyName(name)) throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, COSIGNATURE_TYPE]))
    .update(ed25519PublicKeyBytes(key))
    .digest()
    .subarray(0, 4);
}

export function cosignerVerifierKey(name: string, key: KeyObject): string {
  const typedKey = Buffer.concat([Buffer.from([COSIGNATURE_TYPE]), ed25519PublicKeyBytes(key)]);
  return `${name}+${cosignerKeyId(name, key).toString('hex')}+${typedKey.toString('base64')}`;
}

/** Parses a witness's verifier key; refuses other signature types and a key ID that does not match the key. */
export function parseCosignerKey(vkey: string): CosignerKey {
  // The base64 key may itself contain '+': split on the first two only.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new NoteError('malformed verifier key: expected name+keyid+key');
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const typedKey = decodeBase64Strict(vkey.slice(second + 1));
  if (!isValidKeyName(name)) throw new NoteError('malformed verifier key: invalid key name');
  if (!/^[0-9a-f]{8}$/i.test(idHex)) throw new NoteError('malformed verifier key: the key ID is not 8 hex digits');
  if (typedKey === undefined) throw new NoteError('malformed verifier key: the key is not base64');
  if (typedKey.length !== 33 || typedKey[0] !== COSIGNATURE_TYPE) {
    throw new NoteError('verifier key is not an Ed25519 cosignature/v1 key (type 0x04)');
  }
  const publicKey = ed25519PublicKeyFromBytes(typedKey.subarray(1));
  const keyId = cosignerKeyId(name, publicKey);
  if (keyId.toString('hex') !== idHex.toLowerCase()) throw new NoteError('verifier key: the key ID does not match the key');
  return { name, keyId, publicKey };
}

/** The bytes a cosignature signs: the header line, the time line, then the checkpoint's note text. */
export function cosignedMessage(noteText: string, timestamp: number): Buffer {
  assertTimestamp(timestamp);
  return Buffer.from(`${HEADER}time ${timestamp}\n${noteText}`, 'utf8');
}

/** Cosigns a checkpoint's note text (ending in a newline); returns the signature line without its newline. */
export function cosign(noteText: string, name: string, privateKey: KeyObject, timestamp: number): string {
  if (!isNoteText(noteText) || !noteText.endsWith('\n')) throw new NoteError('note text must be valid and end with a newline');
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new NoteError('cosigning key must be an Ed25519 private key');
  }
  const time = Buffer.alloc(TIMESTAMP_SIZE);
  time.writeBigUInt64BE(BigInt(timestamp));
  const signature = sign(null, cosignedMessage(noteText, timestamp), privateKey);
  const blob = Buffer.concat([cosignerKeyId(name, privateKey), time, signature]);
  return `${SIGNATURE_PREFIX}${name} ${blob.toString('base64')}`;
}

/** The timestamp a cosignature line carries (no signature check); throws on anything that is not a cosignature/v1 line. */
export function cosignatureTimestamp(line: string): number {
  return decodeCosignature(line).timestamp;
}

/**
 * Verifies one signature line as a cosignature by `key` over `noteText`. Undefined when the line is by
 * another key (name or key ID differ); throws NoteError when it claims to be by `key` and does not
 * verify, since signed-note calls such a note malformed.
 */
export function verifyCosignatureLine(noteText: string, line: string, key: CosignerKey): Cosignature | undefined {
  const { name, keyId } = parseSignatureLine(line);
  if (name !== key.name || !keyId.equals(key.keyId)) return undefined;
  const { timestamp, signature } = decodeCosignature(line);
  if (!verify(null, cosignedMessage(noteText, timestamp), key.publicKey, signature)) {
    throw new NoteError(`invalid cosignature by ${key.name}+${key.keyId.toString('hex')}`);
  }
  return { name, keyId, timestamp, line };
}

/** A signed note split into its text (ending in a newline) and its signature lines (without newlines). */
export function splitNote(note: string): { text: string; lines: string[] } {
  if (!isNoteText(note)) throw new NoteError('malformed note: invalid characters');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note: no signature block');
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteError('malformed note: bad signature block');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed note: too many signatures');
  return { text: note.slice(0, split + 1), lines };
}

/**
 * The valid cosignatures of a signed note by the given witnesses, at most one per witness (the newest).
 * Lines by other keys are ignored; a line that claims a given witness's key and fails to verify throws.
 */
export function openCosignatures(note: string, keys: readonly CosignerKey[]): Cosignature[] {
  const { text, lines } = splitNote(note);
  const found: Cosignature[] = [];
  for (const key of keys) {
    let newest: Cosignature | undefined;
    for (const line of lines) {
      const cosignature = verifyCosignatureLine(text, line, key);
      if (cosignature && (!newest || cosignature.timestamp > newest.timestamp)) newest = cosignature;
    }
    if (newest) found.push(newest);
  }
  return found;
}

function decodeCosignature(line: string): { timestamp: number; signature: Buffer } {
  const { signature: rest } = parseSignatureLine(line);
  if (rest.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) throw new NoteError('not a cosignature/v1 signature');
  const timestamp = rest.readBigUInt64BE(0);
  // JavaScript numbers are exact to 2^53 seconds: some 285 million years.
  if (timestamp > MAX_TIMESTAMP || timestamp > BigInt(Number.MAX_SAFE_INTEGER)) throw new NoteError('cosignature timestamp out of range');
  return { timestamp: Number(timestamp), signature: rest.subarray(TIMESTAMP_SIZE) };
}

function assertTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new NoteError(`invalid cosignature timestamp ${timestamp}`);
}

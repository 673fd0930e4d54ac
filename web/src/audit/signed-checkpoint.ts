/**
 * Opens the log's checkpoint in the browser: a C2SP tlog-checkpoint inside a C2SP signed-note, signed
 * with Ed25519, checked with WebCrypto against the served verifier key
 * (`<name>+<hex key id>+<base64(0x01 ‖ 32-byte public key)>`). Mirrors the service's
 * src/audit/merkle/checkpoint-note.ts (openSignedNote, parseCheckpointBody, parseVerifierKey), and is as
 * strict: anything the service would not produce is refused.
 */
import { base64ToBytes, bytesToHex, concatBytes, equalBytes, isHash, utf8Bytes, type Bytes } from './bytes';

/** WebCrypto's key type, named the same way in the browser's and in Node's type definitions. */
type PublicKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export interface VerifierKey {
  keyName: string;
  /** Four bytes: SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]. */
  keyId: Bytes;
  publicKey: PublicKey;
}

export interface SignedCheckpoint {
  origin: string;
  treeSize: number;
  rootHash: Bytes;
}

export type NoteProblem =
  | 'key-malformed'
  | 'key-id-mismatch'
  | 'note-malformed'
  | 'signature-missing'
  | 'signature-invalid'
  | 'checkpoint-malformed';

export class NoteError extends Error {
  override name = 'NoteError';
  constructor(readonly problem: NoteProblem) {
    super(problem);
  }
}

const ED25519_SIGNATURE_TYPE = 0x01;
const ED25519_SIGNATURE_SIZE = 64;
const SIGNATURE_PREFIX = '\u2014 ';
// C2SP requires accepting at least 16; the service's parser stops at 100. Bounds work on hostile input.
const MAX_SIGNATURES = 100;

export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  // Split on the first two '+' only: the base64 key itself may contain '+'.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) throw new NoteError('key-malformed');
  const keyName = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second).toLowerCase();
  const typedKey = base64ToBytes(vkey.slice(second + 1));
  if (!isValidKeyName(keyName) || !/^[0-9a-f]{8}$/.test(idHex) || typedKey === undefined) {
    throw new NoteError('key-malformed');
  }
  if (typedKey.length !== 33 || typedKey[0] !== ED25519_SIGNATURE_TYPE) throw new NoteError('key-malformed');
  const raw = typedKey.slice(1);
  const keyId = await keyIdFor(keyName, raw);
  if (bytesToHex(keyId) !== idHex) throw new NoteError('key-id-mismatch');
  let publicKey: PublicKey;
  try {
    publicKey = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    throw new NoteError('key-malformed');
  }
  return { keyName, keyId, publicKey };
}

export async function keyIdFor(keyName: string, rawPublicKey: Uint8Array): Promise<Bytes> {
  const input = concatBytes(utf8Bytes(keyName), new Uint8Array([0x0a, ED25519_SIGNATURE_TYPE]), rawPublicKey);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input)).slice(0, 4);
}

/**
 * The note text if the note carries a valid signature by `key`; NoteError otherwise. Signatures by other
 * keys (witness cosignatures) are ignored; one that claims to be by this key and fails rejects the note.
 */
export async function openSignedNote(note: string, key: VerifierKey): Promise<string> {
  if (!isNoteText(note)) throw new NoteError('note-malformed');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('note-malformed');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteError('note-malformed');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('note-malformed');

  const signed = utf8Bytes(text);
  let verified = false;
  for (const line of lines) {
    const { name, keyId, signature } = parseSignatureLine(line);
    if (name !== key.keyName || !equalBytes(keyId, key.keyId)) continue;
    const valid =
      signature.length === ED25519_SIGNATURE_SIZE &&
      (await crypto.subtle.verify({ name: 'Ed25519' }, key.publicKey, signature, signed));
    if (!valid) throw new NoteError('signature-invalid');
    verified = true;
  }
  if (!verified) throw new NoteError('signature-missing');
  return text;
}

/** `<origin>\n<tree size>\n<base64 root>\n[extension lines\n]`, strictly. */
export function parseCheckpointBody(body: string): SignedCheckpoint {
  if (!body.endsWith('\n')) throw new NoteError('checkpoint-malformed');
  const [origin, size, root, ...extensions] = body.slice(0, -1).split('\n');
  if (root === undefined || origin === '' || extensions.some((line) => line === '')) {
    throw new NoteError('checkpoint-malformed');
  }
  // Decimal without sign or leading zeros, as C2SP requires; also keeps the number exact.
  const treeSize = /^(0|[1-9][0-9]*)$/.test(size) ? Number(size) : NaN;
  const rootHash = base64ToBytes(root);
  if (!Number.isSafeInteger(treeSize) || !isHash(rootHash)) throw new NoteError('checkpoint-malformed');
  return { origin, treeSize, rootHash };
}

/** The checkpoint the note signs, once its signature by `key` holds. */
export async function openCheckpoint(note: string, key: VerifierKey): Promise<SignedCheckpoint> {
  return parseCheckpointBody(await openSignedNote(note, key));
}

function parseSignatureLine(line: string): { name: string; keyId: Bytes; signature: Bytes } {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteError('note-malformed');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const blob = space < 0 ? undefined : base64ToBytes(rest.slice(space + 1));
  if (!isValidKeyName(name) || blob === undefined || blob.length < 5) throw new NoteError('note-malformed');
  return { name, keyId: blob.slice(0, 4), signature: blob.slice(4) };
}

/** Non-empty, no Unicode whitespace, no '+', no control characters (C2SP signed-note key names). */
function isValidKeyName(name: string): boolean {
  return name !== '' && isNoteText(name) && !/[\p{White_Space}+]/u.test(name);
}

/**
 * Valid UTF-8 without ASCII control characters other than newline. A JS string is valid UTF-8 unless it
 * holds a lone surrogate, which TextEncoder would silently replace, changing the signed bytes.
 */
function isNoteText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return false;
    if (c >= 0xdc00 && c <= 0xdfff) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (!(low >= 0xdc00 && low <= 0xdfff)) return false;
      i += 1;
    }
  }
  return true;
}

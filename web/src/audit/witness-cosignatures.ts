/**
 * Checks the witnesses' cosignatures of the log's checkpoint in the browser: C2SP tlog-cosignature,
 * Ed25519 `cosignature/v1` (signature type 0x04), as made by the service's
 * src/audit/merkle/cosignature.ts. A witness is known by the verifier key `GET /audit/witnesses` lists
 * (`<name>+<hex key id>+<base64(0x04 ‖ 32-byte public key)>`).
 */
import { base64ToBytes, bytesToHex, concatBytes, equalBytes, utf8Bytes, type Bytes } from './bytes';

type PublicKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export interface WitnessKey {
  name: string;
  /** SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]. */
  keyId: Bytes;
  publicKey: PublicKey;
}

/** One cosignature line of the note, and whether it verified against its witness's listed key. */
export interface WitnessCosignature {
  name: string;
  keyIdHex: string;
  /** POSIX seconds at which the witness cosigned. */
  timestamp: number;
  /** verified: the signature holds; failed: it claims a listed key and does not hold; unknown: no key listed. */
  status: 'verified' | 'failed' | 'unknown';
}

const COSIGNATURE_TYPE = 0x04;
const SIGNATURE_PREFIX = '\u2014 ';
const TIMESTAMP_SIZE = 8;
const ED25519_SIGNATURE_SIZE = 64;

/** The witness's key, or undefined when the verifier key is malformed or its key id does not match. */
export async function parseWitnessKey(vkey: string): Promise<WitnessKey | undefined> {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return undefined;
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second).toLowerCase();
  const typedKey = base64ToBytes(vkey.slice(second + 1));
  if (!/^[0-9a-f]{8}$/.test(idHex) || typedKey?.length !== 33 || typedKey[0] !== COSIGNATURE_TYPE)
    return undefined;
  const raw = typedKey.slice(1);
  const keyId = await witnessKeyId(name, raw);
  if (bytesToHex(keyId) !== idHex) return undefined;
  try {
    const publicKey = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    return { name, keyId, publicKey };
  } catch {
    return undefined;
  }
}

export async function witnessKeyId(name: string, rawPublicKey: Uint8Array): Promise<Bytes> {
  const input = concatBytes(utf8Bytes(name), new Uint8Array([0x0a, COSIGNATURE_TYPE]), rawPublicKey);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input)).slice(0, 4);
}

/** "cosignature/v1\ntime <seconds>\n" then the checkpoint's note text (which ends in a newline). */
export function cosignedMessage(noteText: string, timestamp: number): Bytes {
  return utf8Bytes(`cosignature/v1\ntime ${timestamp}\n${noteText}`);
}

/**
 * The cosignature lines of a signed note: every line that is not the log's own (`logKeyName` with
 * `logKeyId`) and has the cosignature/v1 shape. Each is checked against the listed witness key with the
 * same name and key id, if any. Lines of another shape are skipped: the log's signature check already
 * refused a malformed note.
 */
export async function readCosignatures(
  note: string,
  logKeyName: string,
  logKeyId: Uint8Array,
  witnessKeys: readonly WitnessKey[],
): Promise<WitnessCosignature[]> {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return [];
  const text = note.slice(0, split + 1);
  const found: WitnessCosignature[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (!line.startsWith(SIGNATURE_PREFIX)) continue;
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space <= 0) continue;
    const name = rest.slice(0, space);
    const blob = base64ToBytes(rest.slice(space + 1));
    if (blob?.length !== 4 + TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) continue;
    const keyId = blob.slice(0, 4);
    if (name === logKeyName && equalBytes(keyId, logKeyId)) continue;
    const seconds = new DataView(blob.buffer, blob.byteOffset + 4, TIMESTAMP_SIZE).getBigUint64(0);
    if (seconds > BigInt(Number.MAX_SAFE_INTEGER)) continue;
    const timestamp = Number(seconds);
    const signature = blob.slice(4 + TIMESTAMP_SIZE);
    const key = witnessKeys.find((k) => k.name === name && equalBytes(k.keyId, keyId));
    let status: WitnessCosignature['status'] = 'unknown';
    if (key) {
      const valid = await crypto.subtle.verify(
        { name: 'Ed25519' },
        key.publicKey,
        signature,
        cosignedMessage(text, timestamp),
      );
      status = valid ? 'verified' : 'failed';
    }
    found.push({ name, keyIdHex: bytesToHex(keyId), timestamp, status });
  }
  return found;
}

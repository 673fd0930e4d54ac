/**
 * Byte helpers for verification in the browser: strict decoders (a proof or a note that is not in the
 * canonical encoding is refused, not repaired) and a constant shape for hashes. No Node APIs.
 */
export type Bytes = Uint8Array<ArrayBuffer>;

export const HASH_SIZE = 32;

const utf8 = new TextEncoder();

export function utf8Bytes(text: string): Bytes {
  return utf8.encode(text);
}

export function concatBytes(...parts: readonly Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/** Lowercase hex only, as the API writes it; undefined for anything else. */
export function hexToBytes(hex: string): Bytes | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Standard padded base64 in canonical form only (atob alone tolerates missing padding and stray bits). */
export function base64ToBytes(text: string): Bytes | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const out = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return bytesToBase64(out) === text ? out : undefined;
}

export function bytesToBase64(bytes: Uint8Array): string {
  return btoa(Array.from(bytes, (byte) => String.fromCharCode(byte)).join(''));
}

export function isHash(bytes: Uint8Array | undefined): bytes is Bytes {
  return bytes !== undefined && bytes.length === HASH_SIZE;
}

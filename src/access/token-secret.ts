import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits behind a recognisable prefix (so leaked tokens can be found by secret scanners). */
export function generateTokenSecret(): string {
  return `aidt_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are high-entropy, so a plain SHA-256 is the right hash: no salt or slow KDF is needed. */
export function hashTokenSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

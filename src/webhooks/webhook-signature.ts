import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-AidTrail-Signature';

/** A new signing secret: 256 random bits, prefixed so that it is recognisable in a leak scanner. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Hex HMAC-SHA256 of `<t>.<body>` under the secret: the `v1` of the signature header. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The signature header's value: `t=<unix seconds>,v1=<hex>`. */
export function signatureHeader(secret: string, body: string, now = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

/**
 * What a receiver does: recompute the HMAC over the raw body and compare in constant time; refuse
 * timestamps older than `toleranceSeconds` so that a captured delivery cannot be replayed later.
 */
export function verifySignatureHeader(
  secret: string,
  header: string,
  body: string,
  toleranceSeconds = 300,
  now = new Date(),
): boolean {
  const parts = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isSafeInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  return timingSafeEqual(
    Buffer.from(given, 'hex'),
    Buffer.from(webhookSignature(secret, timestamp, body), 'hex'),
  );
}

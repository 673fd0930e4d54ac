import { Problem } from './problem';

/**
 * Opaque keyset cursors: the sort value and id of the last row served. A page never depends on an
 * offset, so rows inserted meanwhile neither repeat nor vanish from later pages.
 */
export interface Keyset {
  value: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What a list's sort values look like. The value goes back into SQL, so a forged one must be refused
 * here as a 400: PostgreSQL would fail on a malformed timestamp or a NUL character with a 500.
 */
export interface KeysetValueRule {
  maxLength: number;
  isValid?: (value: string) => boolean;
}

/** Timestamps and positions. */
const SHORT_VALUE: KeysetValueRule = { maxLength: 63 };

/** A UTC timestamp as the keyset queries write it, naming a real instant (no February 30). */
export function isKeysetTimestamp(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?Z$/.exec(value);
  return match !== null && !Number.isNaN(Date.parse(value)) && new Date(value).toISOString().startsWith(match[1]);
}

export function encodeCursor(keyset: Keyset, sort: string): string {
  return Buffer.from(JSON.stringify({ s: sort, v: keyset.value, i: keyset.id }), 'utf8').toString('base64url');
}

/** Decodes a cursor made for the same sort order; anything else is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, sort: string, rule: KeysetValueRule = SHORT_VALUE): Keyset {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { s, v, i } = parsed as Record<string, unknown>;
      const validValue =
        typeof v === 'string' && v.length <= rule.maxLength && !v.includes('\u0000') && (rule.isValid?.(v) ?? true);
      if (s === sort && validValue && typeof i === 'string' && UUID.test(i)) {
        return { value: v, id: i };
      }
    }
  } catch {
    // fall through to the problem below
  }
  throw Problem.field('cursor', 'is not a cursor this list gave out (or was made for another sort order)');
}

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

export function encodeCursor(keyset: Keyset, sort: string): string {
  return Buffer.from(JSON.stringify({ s: sort, v: keyset.value, i: keyset.id }), 'utf8').toString('base64url');
}

/** Decodes a cursor made for the same sort order; anything else is a 400 naming `cursor`. */
export function decodeCursor(cursor: string, sort: string): Keyset {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { s, v, i } = parsed as Record<string, unknown>;
      if (s === sort && typeof v === 'string' && v.length < 64 && typeof i === 'string' && UUID.test(i)) {
        return { value: v, id: i };
      }
    }
  } catch {
    // fall through to the problem below
  }
  throw Problem.field('cursor', 'is not a cursor this list gave out (or was made for another sort order)');
}

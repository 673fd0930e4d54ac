/**
 * An audit entry's leaf hash, recomputed in the browser from the entry as served: the entry less `seq`
 * and `leafHash`, in RFC 8785 canonical JSON (the `canonicalize` package, as the service uses), UTF-8,
 * hashed as an RFC 9162 leaf.
 */
import canonicalize from 'canonicalize';
import { utf8Bytes, type Bytes } from './bytes';
import { leafHash } from './merkle-proofs';

/** A served entry: its other members are what was recorded; `seq` and `leafHash` are the log's. */
export interface ServedEntry {
  seq: number | null;
  leafHash: string | null;
}

export function entryBytes(entry: ServedEntry): Bytes {
  const { seq: _seq, leafHash: _leafHash, ...content } = entry;
  const text = canonicalize(content);
  if (text === undefined) throw new TypeError('audit entry cannot be canonicalized');
  return utf8Bytes(text);
}

export function entryLeafHash(entry: ServedEntry): Promise<Bytes> {
  return leafHash(entryBytes(entry));
}

import canonicalize from 'canonicalize';
import { leafHash } from './merkle/merkle-tree';

/** An audit entry exactly as the API serves it. */
export interface AuditEntryView {
  seq: number | null;
  id: string;
  recordedAt: string;
  action: string;
  entityType: string;
  entityId: string;
  actor: { tokenId: string; name: string; role: string; organizationId: string | null };
  requestId: string | null;
  before: unknown;
  after: unknown;
  leafHash: string | null;
}

export type EntryContent = Omit<AuditEntryView, 'seq' | 'leafHash'>;

/**
 * The leaf's bytes: the entry as served, less `seq` and `leafHash`, in RFC 8785 canonical JSON (UTF-8).
 * Anyone holding a served entry can recompute its leaf hash from it with SHA-256.
 */
export function entryBytes(entry: EntryContent & Partial<AuditEntryView>): Buffer {
  const { seq: _seq, leafHash: _leafHash, ...content } = entry;
  const text = canonicalize(content);
  if (text === undefined) throw new Error('audit entry cannot be canonicalized');
  return Buffer.from(text, 'utf8');
}

export function entryLeafHash(entry: EntryContent & Partial<AuditEntryView>): Buffer {
  return leafHash(entryBytes(entry));
}

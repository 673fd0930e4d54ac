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
 * The leaf's bytes as text: the entry as served, less `seq` and `leafHash`, in RFC 8785 canonical JSON.
 * The service stores this text when it records the entry; anyone holding a served entry recomputes it.
 */
export function entryText(entry: EntryContent & Partial<AuditEntryView>): string {
  const { seq: _seq, leafHash: _leafHash, ...content } = entry;
  const text = canonicalize(content);
  if (text === undefined) throw new Error('audit entry cannot be canonicalized');
  return text;
}

/** The leaf's bytes (UTF-8 of the canonical text). */
export function entryBytes(entry: EntryContent & Partial<AuditEntryView>): Buffer {
  return Buffer.from(entryText(entry), 'utf8');
}

export function entryLeafHash(entry: EntryContent & Partial<AuditEntryView>): Buffer {
  return leafHash(entryBytes(entry));
}

/**
 * An export line (and the NDJSON the offline verifier reads): `{"seq":N,"leafHash":"<hex>",` followed by
 * the members of the stored canonical text. The entry's bytes are therefore `{` plus everything after
 * that fixed prefix, and a verifier hashes them without parsing or re-canonicalizing the JSON.
 */
export function exportLine(seq: number, leafHashHex: string, content: string): string {
  return `{"seq":${seq},"leafHash":"${leafHashHex}",${content.slice(1)}\n`;
}

const EXPORT_PREFIX = /^\{"seq":(0|[1-9]\d{0,15}),"leafHash":"([0-9a-f]{64})",/;

/**
 * The inverse of exportLine on a line's bytes: seq, claimed leaf hash and the entry's bytes (a view on
 * the line, not a copy), or undefined when the line does not have that shape (the caller then parses it).
 */
export function splitExportLine(line: Buffer): { seq: number; leafHash: Buffer; bytes: Buffer[] } | undefined {
  const head = line.subarray(0, 110).toString('latin1');
  const match = EXPORT_PREFIX.exec(head);
  if (!match || line[line.length - 1] !== 0x7d /* } */) return undefined;
  return {
    seq: Number(match[1]),
    leafHash: Buffer.from(match[2], 'hex'),
    bytes: [OPEN_BRACE, line.subarray(match[0].length)],
  };
}

const OPEN_BRACE = Buffer.from('{');

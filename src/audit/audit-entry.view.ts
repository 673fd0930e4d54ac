import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import type { AuditEntryDto } from './dto/audit-response.dto';
import { leafHash } from './merkle/merkle-tree';

/** An audit entry exactly as the API serves it (the class is what the OpenAPI document shows). */
export type AuditEntryView = AuditEntryDto;

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

/** The members of an export line whose entry row is gone: `{"seq":N,"leafHash":"…","missing":true}`. */
export const MISSING_MEMBERS = Buffer.from('"missing":true}');

const SEQ_START = Buffer.from('{"seq":');
const HASH_START = Buffer.from(',"leafHash":"');

/**
 * splitExportLine without allocating per line, for the offline verifier's hot loop: decodes the claimed
 * hash into `claimed` and hashes the entry in place. The two bytes before the members (`",`) are
 * overwritten with 0x00 and `{`, so that 0x00 ‖ `{<members>}` is one contiguous slice of the caller's
 * buffer. Undefined, with the line untouched, for any other shape (a missing entry, a rewritten line).
 */
export function hashExportLineInPlace(line: Buffer, claimed: Buffer): { seq: number; leafHash: Buffer } | undefined {
  if (line.compare(SEQ_START, 0, SEQ_START.length, 0, SEQ_START.length) !== 0) return undefined;
  let at = SEQ_START.length;
  let seq = 0;
  for (; at < line.length && at - SEQ_START.length < 16 && line[at] >= 0x30 && line[at] <= 0x39; at++) seq = seq * 10 + line[at] - 0x30;
  const digits = at - SEQ_START.length;
  if (digits === 0 || (digits > 1 && line[SEQ_START.length] === 0x30)) return undefined;
  if (line.compare(HASH_START, 0, HASH_START.length, at, at + HASH_START.length) !== 0) return undefined;
  const hex = at + HASH_START.length;
  const close = hex + 64;
  if (line[close] !== 0x22 || line[close + 1] !== 0x2c || line[line.length - 1] !== 0x7d) return undefined;
  for (let i = 0; i < 32; i++) {
    const high = hexValue(line[hex + 2 * i]);
    const low = hexValue(line[hex + 2 * i + 1]);
    if (high < 0 || low < 0) return undefined;
    claimed[i] = (high << 4) | low;
  }
  if (line.compare(MISSING_MEMBERS, 0, MISSING_MEMBERS.length, close + 2) === 0) return undefined;
  line[close] = 0x00;
  line[close + 1] = 0x7b; // {
  return { seq, leafHash: createHash('sha256').update(line.subarray(close)).digest() };
}

/** A lowercase hex digit's value, -1 for anything else (exportLine writes lowercase). */
function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

import canonicalize from 'canonicalize';
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Client } from 'pg';
import { openSignedNote, parseCheckpointBody } from '../../src/audit/merkle/checkpoint-note';
import type { Api } from './http';

/**
 * The audit log seen from outside, as a partner or an auditor would check it: everything here is
 * recomputed from what the API serves (the documented formats), never with the service's own code,
 * except the merkle library's proof checkers and note opener, which are pure and unit-tested.
 */

export interface ServedEntry {
  seq: number | null;
  id: string;
  recordedAt: string;
  action: string;
  entityType: string;
  entityId: string;
  actor: { tokenId: string; name: string; role: string; organizationId: string | null };
  requestId: string | null;
  before: any;
  after: any;
  leafHash: string | null;
}

export interface CheckpointJson {
  origin: string;
  treeSize: number;
  rootHash: string;
  timestamp: string;
  note: string;
  consistency?: { from: number; path: string[] };
}

export interface PublicKeyJson {
  keyName: string;
  keyId: string;
  algorithm: string;
  publicKey: string;
  verifierKey: string;
}

const sha256 = (...parts: Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** RFC 9162 leaf hash of a served entry: SHA-256(0x00 ‖ RFC 8785 JSON of the entry less seq and leafHash). */
export function leafHashOf(entry: ServedEntry | Record<string, unknown>): Buffer {
  const { seq: _seq, leafHash: _leafHash, ...content } = entry as Record<string, unknown>;
  const text = canonicalize(content);
  if (text === undefined) throw new Error('entry cannot be canonicalized');
  return sha256(Buffer.from([0x00]), Buffer.from(text, 'utf8'));
}

/** RFC 9162 MTH, straight from the definition (k = the largest power of two below n). */
export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([0x01]), merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

export const fromHex = (hashes: string[]) => hashes.map((hash) => Buffer.from(hash, 'hex'));

/** Every entry of GET /audit (recording order), page by page. */
export async function allEntries(api: Api, query = ''): Promise<ServedEntry[]> {
  const entries: ServedEntry[] = [];
  for (let cursor: string | null = null; ;) {
    const response: {
      status: number;
      body: { data: ServedEntry[]; nextCursor: string | null };
      text: string;
    } = await api.get(`/audit?limit=200${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (response.status !== 200) throw new Error(`GET /audit: ${response.status} ${response.text}`);
    entries.push(...response.body.data);
    cursor = response.body.nextCursor;
    if (!cursor) return entries;
  }
}

/** The sequenced entries in leaf order. */
export async function logEntries(api: Api): Promise<ServedEntry[]> {
  return (await allEntries(api)).filter((entry) => entry.seq !== null).sort((a, b) => a.seq! - b.seq!);
}

export async function latestCheckpoint(api: Api, since?: number): Promise<CheckpointJson> {
  const response = await api.get(`/audit/checkpoint${since === undefined ? '' : `?since=${since}`}`);
  if (response.status !== 200) throw new Error(`GET /audit/checkpoint: ${response.status} ${response.text}`);
  return response.body;
}

export async function count(db: Client, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query(`SELECT (${sql})::int AS n`, params);
  return rows[0].n;
}

export const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Waits until every committed entry is sequenced and covered by the latest checkpoint; returns it. */
export async function settled(api: Api, db: Client, timeoutMs = 10_000): Promise<CheckpointJson> {
  return eventually(
    async () => {
      const entries = await count(db, 'SELECT count(*) FROM audit_entry');
      const queued = await count(db, 'SELECT count(*) FROM audit_queue');
      const checkpoint = await latestCheckpoint(api).catch(() => undefined);
      return queued === 0 && checkpoint?.treeSize === entries ? checkpoint : undefined;
    },
    timeoutMs,
    'the checkpoint to cover every entry',
  );
}

/** Opens the note with the served public key and checks it says what the JSON fields say. */
export function checkCheckpoint(
  checkpoint: CheckpointJson,
  key: PublicKeyJson,
): { treeSize: number; rootHash: Buffer } {
  const publicKey = createPublicKey(key.publicKey);
  const body = parseCheckpointBody(openSignedNote(checkpoint.note, key.keyName, publicKey));
  expect(body.origin).toBe(checkpoint.origin);
  expect(body.treeSize).toBe(checkpoint.treeSize);
  expect(body.rootHash.toString('base64')).toBe(checkpoint.rootHash);
  expect(ownSignatureCheck(checkpoint.note, key.keyName, key.keyId, publicKey)).toBe(true);
  return { treeSize: body.treeSize, rootHash: body.rootHash };
}

/** C2SP signed-note check written from the spec: `— <name> base64(keyId ‖ Ed25519 signature of the text)`. */
function ownSignatureCheck(note: string, keyName: string, keyIdHex: string, publicKey: KeyObject): boolean {
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const lines = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean);
  return lines.some((line) => {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match || match[1] !== keyName) return false;
    const blob = Buffer.from(match[2], 'base64');
    return (
      blob.subarray(0, 4).toString('hex') === keyIdHex &&
      verify(null, Buffer.from(text, 'utf8'), publicKey, blob.subarray(4))
    );
  });
}

/** GET /audit/export as raw text (the Api client would try to parse NDJSON as one JSON document). */
export async function exportResponse(
  api: Api,
  query = '',
): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(`${api.baseUrl}/api/v1/audit/export${query}`, {
    headers: api.token ? { authorization: `Bearer ${api.token}` } : {},
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

export async function exportText(api: Api, query = ''): Promise<string> {
  const response = await exportResponse(api, query);
  if (response.status !== 200) throw new Error(`GET /audit/export: ${response.status} ${response.text}`);
  return response.text;
}

// The offline verifier, as shipped in the build under test.
const DIST = process.env.AIDTRAIL_DIST ?? resolve(__dirname, '../../dist');
const VERIFY_EXPORT = resolve(DIST, 'src/audit/cli/verify-export.js');

export interface OfflineResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Writes the files to a temporary directory and runs `node verify-export.js FILE --public-key PEM [--checkpoint OLDER]`. */
export async function offlineVerify(
  exported: string,
  publicKeyPem: string,
  older?: CheckpointJson,
): Promise<OfflineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'aidtrail-verify-'));
  const file = join(dir, 'audit.ndjson');
  const pem = join(dir, 'key.pem');
  writeFileSync(file, exported);
  writeFileSync(pem, publicKeyPem);
  const args = [VERIFY_EXPORT, file, '--public-key', pem];
  if (older) {
    const olderFile = join(dir, 'older-checkpoint.json');
    writeFileSync(olderFile, JSON.stringify(older));
    args.push('--checkpoint', olderFile);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolveExit) =>
    child.once('exit', (exitCode) => resolveExit(exitCode)),
  );
  rmSync(dir, { recursive: true, force: true });
  return { code, stdout, stderr };
}

/** Names and titles that make a change fail at COMMIT, after the service wrote it and its audit entry. */
export const ROLLBACK_AT_COMMIT = 'Rollback at commit';

/**
 * Installs, in the test's own database, deferred constraint triggers that fail the transaction at
 * COMMIT when an organization's name or a shipment's title starts with ROLLBACK_AT_COMMIT: a change
 * rolled back after all of its work, audit entry and queue row included, was done.
 */
export async function failChangesAtCommit(db: Client): Promise<void> {
  await db.query(`
    CREATE FUNCTION test_fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF coalesce(to_jsonb(NEW)->>'name', to_jsonb(NEW)->>'title', '') LIKE '${ROLLBACK_AT_COMMIT}%' THEN
        RAISE EXCEPTION 'the test rolls this change back at commit';
      END IF;
      RETURN NULL;
    END $$`);
  for (const table of ['organization', 'shipment']) {
    await db.query(
      `CREATE CONSTRAINT TRIGGER test_fail_at_commit AFTER INSERT OR UPDATE ON ${table}
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_at_commit()`,
    );
  }
}

/** Runs `tasks` with `lanes` of them in flight at a time. */
export async function inLanes<T>(tasks: Array<() => Promise<T>>, lanes: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]();
      }
    }),
  );
  return results;
}

/** The log's shape in the database: leaves exactly 0..n-1, one per entry, nothing waiting. */
export async function expectContiguousLog(db: Client): Promise<number> {
  const entries = await count(db, 'SELECT count(*) FROM audit_entry');
  const { rows } = await db.query(
    'SELECT count(*)::int AS n, count(DISTINCT entry_id)::int AS entries, coalesce(min(seq), 0)::int AS first, coalesce(max(seq), -1)::int AS last FROM audit_leaf',
  );
  expect(rows[0]).toEqual({ n: entries, entries, first: 0, last: entries - 1 });
  expect(
    await count(
      db,
      'SELECT count(*) FROM audit_entry e WHERE NOT EXISTS (SELECT 1 FROM audit_leaf l WHERE l.entry_id = e.id)',
    ),
  ).toBe(0);
  expect(await count(db, 'SELECT count(*) FROM audit_queue')).toBe(0);
  return entries;
}

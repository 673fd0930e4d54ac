import { generateKeyPairSync } from 'node:crypto';
import { entryBytes, entryLeafHash, exportLine, splitExportLine, entryText, type EntryContent } from '../../src/audit/audit-entry.view';
import { LogVerifier, type SignedCheckpoint } from '../../src/audit/log-verifier';
import { formatCheckpointBody, signNote } from '../../src/audit/merkle/checkpoint-note';
import { rootFromLeaves } from '../../src/audit/merkle/merkle-tree';

const KEY_NAME = 'test.example/audit';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

function entry(i: number): EntryContent {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    recordedAt: new Date(Date.UTC(2020, 5, 10, 8, 0, i)).toISOString(),
    action: 'organization.created',
    entityType: 'organization',
    entityId: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    actor: { tokenId: 't', name: 'desk', role: 'coordinator', organizationId: null },
    requestId: `r${i}`,
    before: null,
    after: { name: `Organization ${i}`, quantity: '12.50' },
  };
}

function checkpoint(entries: EntryContent[], size: number, key = privateKey): SignedCheckpoint {
  const rootHash = rootFromLeaves(entries.slice(0, size).map((e) => entryLeafHash(e)));
  return { treeSize: size, rootHash, note: signNote(formatCheckpointBody({ origin: KEY_NAME, treeSize: size, rootHash }), KEY_NAME, key) };
}

function verify(entries: Array<EntryContent | null>, checkpoints: SignedCheckpoint[], hashes = entries.map((e) => (e ? entryLeafHash(e) : null))) {
  const verifier = new LogVerifier(checkpoints, KEY_NAME, publicKey);
  entries.forEach((e, seq) => verifier.addLeaf(seq, e && entryBytes(e), hashes[seq]));
  return verifier.finish();
}

describe('LogVerifier', () => {
  const entries = Array.from({ length: 11 }, (_, i) => entry(i));
  const checkpoints = [checkpoint(entries, 0), checkpoint(entries, 3), checkpoint(entries, 8), checkpoint(entries, 11)];

  it('accepts an untouched log and reports its root', () => {
    const report = verify(entries, checkpoints);
    expect(report).toEqual({
      valid: true,
      treeSize: 11,
      rootHash: rootFromLeaves(entries.map((e) => entryLeafHash(e))).toString('hex'),
      checked: 11,
    });
  });

  it('names an edited entry', () => {
    const edited = entries.map((e, i) => (i === 5 ? { ...e, after: { name: 'Organization 5', quantity: '1250' } } : e));
    const report = verify(edited, checkpoints, entries.map((e) => entryLeafHash(e)));
    expect(report.valid).toBe(false);
    expect(report.firstInvalidSeq).toBe(5);
  });

  it('names a missing entry and a missing leaf', () => {
    expect(verify(entries.map((e, i) => (i === 4 ? null : e)), checkpoints).firstInvalidSeq).toBe(4);
    const verifier = new LogVerifier(checkpoints, KEY_NAME, publicKey);
    entries.forEach((e, seq) => seq !== 6 && verifier.addLeaf(seq, entryText(e), entryLeafHash(e)));
    expect(verifier.finish().firstInvalidSeq).toBe(6);
  });

  it('names the first missing index when the newest entries are gone', () => {
    const report = verify(entries.slice(0, 9), checkpoints);
    expect(report.valid).toBe(false);
    expect(report.firstInvalidSeq).toBe(9);
  });

  it('catches an entry rewritten together with its stored hash through the signed root', () => {
    const rewritten = entries.map((e, i) => (i === 9 ? { ...e, requestId: 'forged' } : e));
    const report = verify(rewritten, checkpoints);
    expect(report.valid).toBe(false);
    // Checkpoint 8 still matches, checkpoint 11 does not: index 8 is the first one not proven.
    expect(report.firstInvalidSeq).toBe(8);
  });

  it('refuses checkpoints signed by another key or altered after signing', () => {
    expect(verify(entries, [checkpoint(entries, 11, other.privateKey)]).valid).toBe(false);
    const altered = checkpoint(entries, 11);
    expect(verify(entries, [{ ...altered, rootHash: checkpoint(entries, 10).rootHash }]).valid).toBe(false);
  });

  it('reports a rewritten stored subtree at its first leaf', () => {
    const verifier = new LogVerifier(checkpoints, KEY_NAME, publicKey);
    entries.forEach((e, seq) => verifier.addLeaf(seq, entryBytes(e), entryLeafHash(e)));
    verifier.reportSubtree(4, 4);
    expect(verifier.finish()).toMatchObject({ valid: false, firstInvalidSeq: 4 });
  });
});

describe('export lines', () => {
  const stored = entryText({ ...entry(7), after: { name: 'Міністерство охорони здоров\'я України', note: 'line\nbreak "quoted"' } });
  const hash = entryLeafHash(JSON.parse(stored));
  const line = exportLine(7, hash.toString('hex'), stored);

  it('is the served entry as JSON, with seq and leafHash', () => {
    expect(JSON.parse(line)).toEqual({ seq: 7, leafHash: hash.toString('hex'), ...JSON.parse(stored) });
    expect(line.endsWith('}\n')).toBe(true);
  });

  it('gives back the stored bytes without parsing, so their leaf hash is the stored one', () => {
    const split = splitExportLine(Buffer.from(line.trimEnd(), 'utf8'))!;
    expect(split.seq).toBe(7);
    expect(split.leafHash).toEqual(hash);
    expect(Buffer.concat(split.bytes).toString('utf8')).toBe(stored);
  });

  it('leaves lines of any other shape to the parser', () => {
    expect(splitExportLine(Buffer.from(JSON.stringify({ ...JSON.parse(stored), seq: 7, leafHash: hash.toString('hex') })))).toBeUndefined();
    expect(splitExportLine(Buffer.from(`{"seq":07,"leafHash":"${hash.toString('hex')}",${stored.slice(1)}`))).toBeUndefined();
    expect(splitExportLine(Buffer.from(line.trimEnd().slice(0, -1)))).toBeUndefined();
  });
});

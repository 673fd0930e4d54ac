/**
 * The browser's verification library (web/src/audit), checked against vectors made by the service's own
 * code: entries hashed by src/audit/audit-entry.view.ts, proofs from src/audit/merkle/merkle-tree.ts,
 * notes signed by src/audit/merkle/checkpoint-note.ts. Node's WebCrypto stands in for the browser's.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { entryLeafHash as serviceEntryLeafHash, type AuditEntryView } from '../../src/audit/audit-entry.view';
import { formatCheckpointBody, signNote, verifierKeyString } from '../../src/audit/merkle/checkpoint-note';
import {
  consistencyProof,
  inclusionProof,
  leafHash as serviceLeafHash,
  nodeHash as serviceNodeHash,
  rootFromLeaves,
  type SubtreeHashSource,
} from '../../src/audit/merkle/merkle-tree';
import { bytesToHex } from '../../web/src/audit/bytes';
import { entryLeafHash } from '../../web/src/audit/entry-hash';
import { leafHash, nodeHash, verifyConsistency, verifyInclusion } from '../../web/src/audit/merkle-proofs';
import { NoteError, openCheckpoint, parseVerifierKey } from '../../web/src/audit/signed-checkpoint';
import {
  LogBehindError,
  verifyTrail,
  type CheckpointAnswer,
  type RememberedCheckpoint,
  type TrailSources,
  type TrailVerdict,
} from '../../web/src/audit/trail-verification';

const ORIGIN = 'aidtrail.test/audit';
const signer = generateKeyPairSync('ed25519');

function servedEntry(i: number): AuditEntryView {
  return {
    seq: i,
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    recordedAt: `2026-11-28T04:11:${String(10 + i).padStart(2, '0')}.105Z`,
    action: i === 0 ? 'shipment.created' : 'shipment.event_recorded',
    entityType: 'shipment',
    entityId: 'af9c509c-0000-4000-8000-000000000001',
    actor: {
      tokenId: '00d2b291-0000-4000-8000-000000000001',
      name: 'Logistics desk — Київ',
      role: 'coordinator',
      organizationId: null,
    },
    requestId: i % 2 === 0 ? null : `field-office-${i}`,
    before: i === 0 ? null : { status: 'planned', version: i },
    after: {
      shipment: {
        status: 'dispatched',
        version: i + 1,
        title: 'Masks 😷 <img src=x>',
        zIndex: 1,
        aOrder: [3, 1],
      },
      lines: [{ quantity: '1200.50', unitValue: '0.10', currency: 'USD' }],
    },
    leafHash: null,
  };
}

/** Entries as the API serves them: through JSON, with the leaf hash the service computed. */
function servedEntries(count: number): AuditEntryView[] {
  return Array.from({ length: count }, (_, i) => {
    const entry = servedEntry(i);
    return JSON.parse(
      JSON.stringify({ ...entry, leafHash: serviceEntryLeafHash(entry).toString('hex') }),
    ) as AuditEntryView;
  });
}

function treeOf(leaves: Buffer[]): SubtreeHashSource {
  return { subtreeHash: async (start, size) => rootFromLeaves(leaves.slice(start, start + size)) };
}

function leavesOfSize(n: number): Buffer[] {
  return Array.from({ length: n }, (_, i) => serviceLeafHash(`leaf ${i}`));
}

/** The note with one bit of its (first) signature changed. */
function withSignatureBitFlipped(note: string): string {
  const start = note.lastIndexOf('\n\n') + 2;
  const line = note.slice(start, note.indexOf('\n', start));
  const blob = Buffer.from(line.slice(line.lastIndexOf(' ') + 1), 'base64');
  blob[10] ^= 0x01;
  return note.replace(line, `${line.slice(0, line.lastIndexOf(' ') + 1)}${blob.toString('base64')}`);
}

/** A hex hash with its last digit changed. */
function flippedHex(hash: string): string {
  return hash.slice(0, -1) + (hash.endsWith('0') ? '1' : '0');
}

function flipped(bytes: Uint8Array, at = 0): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] ^= 0x01;
  return copy;
}

describe('browser verification: hashes', () => {
  it('computes leaf and node hashes as the service does', async () => {
    const data = new TextEncoder().encode('{"a":"Київ"}');
    expect(Buffer.from(await leafHash(data)).equals(serviceLeafHash(data))).toBe(true);
    const [l, r] = leavesOfSize(2);
    expect(Buffer.from(await nodeHash(l, r)).equals(serviceNodeHash(l, r))).toBe(true);
  });

  it('recomputes a served entry’s leaf hash from its RFC 8785 canonical JSON, as the service does', async () => {
    for (const entry of servedEntries(4)) {
      expect(bytesToHex(await entryLeafHash(entry))).toBe(entry.leafHash);
    }
  });

  it('gives a tampered entry another leaf hash (a decimal reformatted, a status changed)', async () => {
    const [, entry] = servedEntries(2);
    type After = { lines: { quantity: string }[]; shipment: { status: string } };
    const reformatted = structuredClone(entry);
    (reformatted.after as After).lines[0].quantity = '1200.5';
    const restatused = structuredClone(entry);
    (restatused.after as After).shipment.status = 'arrived';
    expect(bytesToHex(await entryLeafHash(reformatted))).not.toBe(entry.leafHash);
    expect(bytesToHex(await entryLeafHash(restatused))).not.toBe(entry.leafHash);
  });
});

describe('browser verification: RFC 9162 proofs from the service', () => {
  const MAX = 17;

  it('accepts every inclusion proof the service makes, for trees of 1 to 17 leaves', async () => {
    for (let n = 1; n <= MAX; n++) {
      const leaves = leavesOfSize(n);
      const root = rootFromLeaves(leaves);
      for (let i = 0; i < n; i++) {
        const proof = await inclusionProof(i, n, treeOf(leaves));
        await expect(verifyInclusion(i, n, leaves[i], proof, root)).resolves.toBe(true);
      }
    }
  });

  it('refuses an inclusion proof with one path element altered, another leaf or index, a short path', async () => {
    const leaves = leavesOfSize(13);
    const root = rootFromLeaves(leaves);
    for (let i = 0; i < leaves.length; i++) {
      const proof = await inclusionProof(i, 13, treeOf(leaves));
      for (let k = 0; k < proof.length; k++) {
        const altered = proof.map((hash, j) => (j === k ? flipped(hash, 31) : hash));
        await expect(verifyInclusion(i, 13, leaves[i], altered, root)).resolves.toBe(false);
      }
      await expect(verifyInclusion(i, 13, leaves[(i + 1) % 13], proof, root)).resolves.toBe(false);
      await expect(verifyInclusion((i + 1) % 13, 13, leaves[i], proof, root)).resolves.toBe(false);
      await expect(verifyInclusion(i, 13, leaves[i], proof.slice(1), root)).resolves.toBe(false);
      await expect(verifyInclusion(i, 13, leaves[i], proof, flipped(root))).resolves.toBe(false);
    }
  });

  it('accepts every consistency proof the service makes between sizes up to 17', async () => {
    const leaves = leavesOfSize(MAX);
    for (let m = 0; m <= MAX; m++) {
      for (let n = m; n <= MAX; n++) {
        const proof = await consistencyProof(m, n, treeOf(leaves));
        const verified = await verifyConsistency(
          m,
          n,
          proof,
          rootFromLeaves(leaves.slice(0, m)),
          rootFromLeaves(leaves.slice(0, n)),
        );
        expect([m, n, verified]).toEqual([m, n, true]);
      }
    }
  });

  it('refuses a consistency proof with an element altered, or from a forked history', async () => {
    const leaves = leavesOfSize(MAX);
    const forked = leaves.map((leaf, i) => (i === 2 ? serviceLeafHash('rewritten') : leaf));
    for (const [m, n] of [
      [3, 7],
      [4, 8],
      [5, 17],
      [1, 2],
      [7, 16],
    ]) {
      const proof = await consistencyProof(m, n, treeOf(leaves));
      const oldRoot = rootFromLeaves(leaves.slice(0, m));
      const newRoot = rootFromLeaves(leaves.slice(0, n));
      for (let k = 0; k < proof.length; k++) {
        const altered = proof.map((hash, j) => (j === k ? flipped(hash) : hash));
        await expect(verifyConsistency(m, n, altered, oldRoot, newRoot)).resolves.toBe(false);
      }
      const forkedRoot = rootFromLeaves(forked.slice(0, n));
      const forkedProof = await consistencyProof(m, n, treeOf(forked));
      await expect(verifyConsistency(m, n, forkedProof, oldRoot, forkedRoot)).resolves.toBe(m <= 2);
      await expect(verifyConsistency(n, m, proof, newRoot, oldRoot)).resolves.toBe(false);
    }
  });
});

function noteFor(
  treeSize: number,
  root: Buffer,
  key: KeyObject = signer.privateKey,
  keyName = ORIGIN,
): string {
  return signNote(formatCheckpointBody({ origin: ORIGIN, treeSize, rootHash: root }), keyName, key);
}

describe('browser verification: signed checkpoints from the service', () => {
  const root = rootFromLeaves(leavesOfSize(5));
  const verifierKey = verifierKeyString(ORIGIN, signer.publicKey);

  it('opens the service’s note with the served verifier key', async () => {
    const checkpoint = await openCheckpoint(noteFor(5, root), await parseVerifierKey(verifierKey));
    expect(checkpoint.origin).toBe(ORIGIN);
    expect(checkpoint.treeSize).toBe(5);
    expect(Buffer.from(checkpoint.rootHash).equals(root)).toBe(true);
  });

  it('ignores a cosignature by another key (a witness)', async () => {
    const witness = generateKeyPairSync('ed25519');
    const cosigned = signNote(
      formatCheckpointBody({ origin: ORIGIN, treeSize: 5, rootHash: root }),
      'witness.test',
      witness.privateKey,
    );
    const note = noteFor(5, root) + cosigned.slice(cosigned.lastIndexOf('\n\n') + 2);
    await expect(openCheckpoint(note, await parseVerifierKey(verifierKey))).resolves.toMatchObject({
      treeSize: 5,
    });
  });

  const refusals: [string, () => Promise<unknown>, string][] = [
    [
      'a signature with one bit changed',
      async () => {
        return openCheckpoint(withSignatureBitFlipped(noteFor(5, root)), await parseVerifierKey(verifierKey));
      },
      'signature-invalid',
    ],
    [
      'a tree size changed after signing',
      async () => {
        const forged = noteFor(5, root).replace('\n5\n', '\n6\n');
        return openCheckpoint(forged, await parseVerifierKey(verifierKey));
      },
      'signature-invalid',
    ],
    [
      'a note signed by another key of the same name',
      async () => {
        const other = generateKeyPairSync('ed25519');
        return openCheckpoint(noteFor(5, root, other.privateKey), await parseVerifierKey(verifierKey));
      },
      'signature-missing',
    ],
    [
      'a verifier key that is not the signer’s',
      async () => {
        const other = generateKeyPairSync('ed25519');
        return openCheckpoint(
          noteFor(5, root),
          await parseVerifierKey(verifierKeyString(ORIGIN, other.publicKey)),
        );
      },
      'signature-missing',
    ],
    [
      'a verifier key whose id does not match its key',
      async () => {
        return parseVerifierKey(verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'));
      },
      'key-id-mismatch',
    ],
    [
      'a note without a signature block',
      async () => {
        return openCheckpoint(
          formatCheckpointBody({ origin: ORIGIN, treeSize: 5, rootHash: root }),
          await parseVerifierKey(verifierKey),
        );
      },
      'note-malformed',
    ],
  ];
  it.each(refusals)('refuses %s', async (_case, attempt, problem) => {
    await expect(attempt()).rejects.toEqual(expect.objectContaining({ name: 'NoteError', problem }));
    await expect(attempt()).rejects.toBeInstanceOf(NoteError);
  });
});

/** A log made by the service's code, answering as the API does; `alter` lets a test play a lying server. */
function fakeLog(entries: AuditEntryView[], treeSize = entries.length) {
  const leaves = entries.map((entry) => serviceEntryLeafHash(entry));
  const tree = treeOf(leaves);
  const hex = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('hex'));
  const checkpointAt = (size: number) => {
    const root = rootFromLeaves(leaves.slice(0, size));
    return {
      origin: ORIGIN,
      treeSize: size,
      rootHash: root.toString('base64'),
      timestamp: `2026-12-01T06:00:${String(size).padStart(2, '0')}.000Z`,
      note: noteFor(size, root),
    };
  };
  const sources: TrailSources = {
    publicKey: async () => ({ verifierKey: verifierKeyString(ORIGIN, signer.publicKey) }),
    checkpoint: async (since) => {
      if (since !== undefined && since > treeSize) throw new LogBehindError();
      const view: CheckpointAnswer = checkpointAt(treeSize);
      if (since !== undefined)
        view.consistency = { from: since, path: hex(await consistencyProof(since, treeSize, tree)) };
      return view;
    },
    inclusion: async (seq, size) => ({
      seq,
      treeSize: size,
      leafHash: leaves[seq].toString('hex'),
      path: hex(await inclusionProof(seq, size, tree)),
    }),
  };
  const remember = (size: number): RememberedCheckpoint => ({
    ...checkpointAt(size),
    verifierKey: verifierKeyString(ORIGIN, signer.publicKey),
  });
  return { sources, remember };
}

const problems = (verdict: TrailVerdict) =>
  verdict.entries
    .filter((entry) => entry.state === 'failed')
    .map((entry) => [entry.seq, 'problem' in entry ? entry.problem : undefined]);

describe('browser verification: a shipment’s trail', () => {
  const log = servedEntries(9);
  const trail = [log[1], log[4], log[6]];

  it('verifies every entry against a signed checkpoint seen for the first time, and remembers it', async () => {
    const verdict = await verifyTrail(trail, fakeLog(log).sources);
    expect(verdict.state).toBe('verified');
    expect(verdict.consistency).toBe('first-seen');
    expect(verdict.entries.map((entry) => entry.state)).toEqual(['verified', 'verified', 'verified']);
    expect(verdict.checkpoint).toMatchObject({ treeSize: 9, timestamp: '2026-12-01T06:00:09.000Z' });
    expect(verdict.remember).toMatchObject({ treeSize: 9, origin: ORIGIN });
  });

  it('names the entry whose served content no longer matches its leaf hash', async () => {
    const tampered = structuredClone(trail);
    (tampered[1].after as { shipment: { status: string } }).shipment.status = 'arrived';
    const verdict = await verifyTrail(tampered, fakeLog(log).sources);
    expect(verdict.state).toBe('failed');
    expect(problems(verdict)).toEqual([[4, 'entry-hash-mismatch']]);
    expect(verdict.entries[1]).toMatchObject({ entryId: log[4].id });
  });

  it('names the entry rewritten together with its served leaf hash: the proof holds another leaf', async () => {
    const tampered = structuredClone(trail);
    (tampered[2].after as { lines: { quantity: string }[] }).lines[0].quantity = '12.50';
    tampered[2].leafHash = bytesToHex(await entryLeafHash(tampered[2]));
    expect(problems(await verifyTrail(tampered, fakeLog(log).sources))).toEqual([[6, 'proof-leaf-mismatch']]);
  });

  it('names the entry whose inclusion proof has an altered path element', async () => {
    const { sources } = fakeLog(log);
    const lying: TrailSources = {
      ...sources,
      inclusion: async (seq, size) => {
        const proof = await sources.inclusion(seq, size);
        return seq === 1
          ? { ...proof, path: proof.path.map((hash, i) => (i === 1 ? flippedHex(hash) : hash)) }
          : proof;
      },
    };
    const verdict = await verifyTrail(trail, lying);
    expect(verdict.state).toBe('failed');
    expect(problems(verdict)).toEqual([[1, 'path-mismatch']]);
  });

  it('shows entries not yet sequenced, or beyond the checkpoint, as pending', async () => {
    const unsequenced = { ...servedEntry(9), seq: null, leafHash: null };
    const verdict = await verifyTrail([...trail, log[8], unsequenced], fakeLog(log, 8).sources);
    expect(verdict.state).toBe('pending');
    expect(verdict.entries.map((entry) => entry.state)).toEqual([
      'verified',
      'verified',
      'verified',
      'pending',
      'pending',
    ]);
  });

  it('refuses a checkpoint whose signature does not hold, checking no entry against it', async () => {
    const { sources } = fakeLog(log);
    const forged: TrailSources = {
      ...sources,
      checkpoint: async (since) => {
        const view = await sources.checkpoint(since);
        return { ...view, note: withSignatureBitFlipped(view.note) };
      },
    };
    const verdict = await verifyTrail(trail, forged);
    expect(verdict.state).toBe('failed');
    expect(verdict.checkpointProblem).toBe('signature-invalid');
    expect(verdict.entries.every((entry) => entry.state === 'unchecked')).toBe(true);
  });

  it('refuses a checkpoint when the server serves another key than the one that signed it', async () => {
    const { sources } = fakeLog(log);
    const other = generateKeyPairSync('ed25519');
    const verdict = await verifyTrail(trail, {
      ...sources,
      publicKey: async () => ({ verifierKey: verifierKeyString(ORIGIN, other.publicKey) }),
    });
    expect(verdict).toMatchObject({ state: 'failed', checkpointProblem: 'signature-missing' });
  });

  it('refuses JSON fields that disagree with the signed note', async () => {
    const { sources } = fakeLog(log);
    const verdict = await verifyTrail(trail, {
      ...sources,
      checkpoint: async () => ({ ...(await sources.checkpoint()), treeSize: 8 }),
    });
    expect(verdict).toMatchObject({ state: 'failed', checkpointProblem: 'fields-mismatch' });
  });

  it('checks the new checkpoint extends the one remembered, and then remembers the new one', async () => {
    const { sources, remember } = fakeLog(log);
    const verdict = await verifyTrail(trail, sources, remember(5));
    expect(verdict).toMatchObject({ state: 'verified', consistency: 'consistent', keyChanged: false });
    expect(verdict.remember?.treeSize).toBe(9);
    await expect(verifyTrail(trail, sources, remember(9))).resolves.toMatchObject({
      consistency: 'consistent',
    });
  });

  it('says loudly when the log no longer extends the remembered checkpoint, and keeps the old one as evidence', async () => {
    const rewritten = log.map((entry, i) => (i === 2 ? { ...entry, action: 'shipment.updated' } : entry));
    const remembered = fakeLog(log).remember(5);
    const verdict = await verifyTrail(trail, fakeLog(rewritten).sources, remembered);
    expect(verdict).toMatchObject({ state: 'failed', consistency: 'inconsistent' });
    expect(verdict.remember).toBe(remembered);
  });

  it('says so when the log claims to be smaller than the remembered checkpoint', async () => {
    const { sources, remember } = fakeLog(log, 7);
    const verdict = await verifyTrail(trail, sources, { ...remember(7), treeSize: 8 });
    expect(verdict).toMatchObject({ state: 'failed', consistency: 'shrank' });
  });

  it('notices a signing key other than the one that signed the remembered checkpoint', async () => {
    const { sources, remember } = fakeLog(log);
    const verdict = await verifyTrail(trail, sources, {
      ...remember(5),
      verifierKey: 'someone+00000000+AQ==',
    });
    expect(verdict.keyChanged).toBe(true);
  });
});

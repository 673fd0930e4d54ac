/**
 * Verifies a shipment's trail in the browser, trusting neither the server nor the network in between:
 * the checkpoint's signed note against the log's key, the checkpoint's consistency with the last one this
 * browser saw, each entry's leaf hash recomputed from the entry as served, and each entry's inclusion
 * proof against the signed root. The answers come from `TrailSources` (the API in the app, vectors in
 * the tests), so this module holds only the checking.
 */
import { base64ToBytes, bytesToBase64, bytesToHex, hexToBytes, isHash, type Bytes } from './bytes';
import { entryLeafHash, type ServedEntry } from './entry-hash';
import { verifyConsistency, verifyInclusion } from './merkle-proofs';
import {
  NoteError,
  openCheckpoint,
  parseVerifierKey,
  type NoteProblem,
  type SignedCheckpoint,
  type VerifierKey,
} from './signed-checkpoint';
import {
  parseWitnessKey,
  readCosignatures,
  type WitnessCosignature,
  type WitnessKey,
} from './witness-cosignatures';

export interface KeyAnswer {
  verifierKey: string;
}

export interface CheckpointAnswer {
  origin: string;
  treeSize: number;
  rootHash: string;
  timestamp: string;
  note: string;
  consistency?: { from: number; path: string[] };
}

export interface InclusionAnswer {
  seq: number;
  treeSize: number;
  leafHash: string;
  path: string[];
}

/** A witness as `GET /audit/witnesses` lists it; only its verifier key is used. */
export interface WitnessAnswer {
  name: string;
  verifierKey: string;
}

/** Thrown by a source when the log answers that it is smaller than the checkpoint held (HTTP 409). */
export class LogBehindError extends Error {
  override name = 'LogBehindError';
}

export interface TrailSources {
  publicKey(): Promise<KeyAnswer>;
  /** The latest checkpoint; with `since`, also the consistency proof from that size. */
  checkpoint(since?: number): Promise<CheckpointAnswer>;
  inclusion(seq: number, treeSize: number): Promise<InclusionAnswer>;
  /** The witnesses configured for the log, whose keys check the checkpoint's cosignatures. */
  witnesses?(): Promise<WitnessAnswer[]>;
}

/** A checkpoint this browser has verified before, kept to check that the log only grows. */
export interface RememberedCheckpoint {
  origin: string;
  treeSize: number;
  /** Base64, as in the note. */
  rootHash: string;
  timestamp: string;
  verifierKey: string;
}

export type CheckpointProblem = NoteProblem | 'unavailable' | 'fields-mismatch';

export type EntryProblem =
  | 'entry-hash-mismatch'
  | 'proof-unavailable'
  | 'proof-mismatch'
  | 'proof-leaf-mismatch'
  | 'path-malformed'
  | 'path-mismatch';

export type EntryVerdict =
  | { entryId: string; seq: number; state: 'verified' }
  | { entryId: string; seq: number | null; state: 'pending' }
  /** Not checked: the checkpoint itself could not be verified. */
  | { entryId: string; seq: number | null; state: 'unchecked' }
  | { entryId: string; seq: number; state: 'failed'; problem: EntryProblem };

/**
 * - `first-seen`: nothing remembered to compare with;
 * - `consistent`: the new tree extends the remembered one (RFC 9162 consistency proof);
 * - `inconsistent`: it does not (a rewritten history, or a proof that does not hold);
 * - `shrank`: the log claims fewer entries than the remembered checkpoint.
 */
export type Consistency = 'first-seen' | 'consistent' | 'inconsistent' | 'shrank';

export interface TrailVerdict {
  state: 'verified' | 'pending' | 'failed';
  checkpoint?: { treeSize: number; timestamp: string; rootHash: string };
  checkpointProblem?: CheckpointProblem;
  consistency?: Consistency;
  /** The log's key differs from the one that signed the remembered checkpoint. */
  keyChanged: boolean;
  entries: EntryVerdict[];
  /**
   * The witnesses' cosignature lines of the checkpoint, each checked against its witness's listed key.
   * They add to the log's signature and do not decide the state: the log's own signature does.
   */
  cosignatures?: WitnessCosignature[];
  /** How many witnesses the service lists; undefined when the list could not be fetched. */
  witnessCount?: number;
  /** What to remember next: the new checkpoint when it verified and is consistent, else the old one (evidence). */
  remember?: RememberedCheckpoint;
}

export interface TrailEntry extends ServedEntry {
  id: string;
}

export async function verifyTrail(
  entries: readonly TrailEntry[],
  sources: TrailSources,
  remembered?: RememberedCheckpoint,
): Promise<TrailVerdict> {
  const failed = (checkpointProblem: CheckpointProblem, keyChanged = false): TrailVerdict => ({
    state: 'failed',
    checkpointProblem,
    keyChanged,
    entries: entries.map(unchecked),
    remember: remembered,
  });

  let verifierKey: string;
  let key: VerifierKey;
  try {
    verifierKey = (await sources.publicKey()).verifierKey;
    key = await parseVerifierKey(verifierKey);
  } catch (error) {
    return failed(error instanceof NoteError ? error.problem : 'unavailable');
  }
  const keyChanged = remembered !== undefined && remembered.verifierKey !== verifierKey;

  let answer: CheckpointAnswer;
  let shrank = false;
  try {
    answer = await sources.checkpoint(remembered?.treeSize);
  } catch (error) {
    if (!(error instanceof LogBehindError)) return failed('unavailable', keyChanged);
    shrank = true;
    try {
      answer = await sources.checkpoint();
    } catch {
      return failed('unavailable', keyChanged);
    }
  }

  let signed: SignedCheckpoint;
  try {
    signed = await openCheckpoint(answer.note, key);
  } catch (error) {
    return failed(error instanceof NoteError ? error.problem : 'note-malformed', keyChanged);
  }
  // The JSON fields are a convenience; only the signed note counts, and the two must agree.
  if (
    answer.treeSize !== signed.treeSize ||
    answer.rootHash !== bytesToBase64(signed.rootHash) ||
    answer.origin !== signed.origin
  ) {
    return failed('fields-mismatch', keyChanged);
  }

  const { cosignatures, witnessCount } = await checkCosignatures(answer.note, key, sources);
  const consistency = shrank ? 'shrank' : await checkConsistency(remembered, signed, answer.consistency);
  const verdicts = await Promise.all(entries.map((entry) => verifyEntry(entry, signed, sources)));
  const trusted = consistency === 'first-seen' || consistency === 'consistent';
  const state =
    !trusted || verdicts.some((verdict) => verdict.state === 'failed')
      ? 'failed'
      : verdicts.some((verdict) => verdict.state === 'pending')
        ? 'pending'
        : 'verified';
  return {
    state,
    checkpoint: { treeSize: signed.treeSize, timestamp: answer.timestamp, rootHash: answer.rootHash },
    consistency,
    keyChanged,
    entries: verdicts,
    cosignatures,
    witnessCount,
    remember: trusted
      ? {
          origin: signed.origin,
          treeSize: signed.treeSize,
          rootHash: answer.rootHash,
          timestamp: answer.timestamp,
          verifierKey,
        }
      : remembered,
  };
}

async function checkCosignatures(
  note: string,
  key: VerifierKey,
  sources: TrailSources,
): Promise<{ cosignatures: WitnessCosignature[]; witnessCount?: number }> {
  let listed: WitnessAnswer[] | undefined;
  try {
    listed = await sources.witnesses?.();
  } catch {
    // Without the list the cosignatures are still shown, as not verified.
    listed = undefined;
  }
  const keys = (await Promise.all((listed ?? []).map((w) => parseWitnessKey(w.verifierKey)))).filter(
    (witnessKey): witnessKey is WitnessKey => witnessKey !== undefined,
  );
  const cosignatures = await readCosignatures(note, key.keyName, key.keyId, keys);
  return { cosignatures, witnessCount: listed?.length };
}

async function checkConsistency(
  remembered: RememberedCheckpoint | undefined,
  signed: SignedCheckpoint,
  proof: CheckpointAnswer['consistency'],
): Promise<Consistency> {
  if (remembered === undefined) return 'first-seen';
  if (remembered.treeSize > signed.treeSize) return 'shrank';
  // Another log's checkpoint, or no proof from the size asked for, proves nothing about this one.
  if (remembered.origin !== signed.origin || proof?.from !== remembered.treeSize) return 'inconsistent';
  const oldRoot = base64ToBytes(remembered.rootHash);
  const path = proof.path.map(hexToBytes);
  if (!isHash(oldRoot) || !path.every(isHash)) return 'inconsistent';
  return (await verifyConsistency(remembered.treeSize, signed.treeSize, path, oldRoot, signed.rootHash))
    ? 'consistent'
    : 'inconsistent';
}

async function verifyEntry(
  entry: TrailEntry,
  signed: SignedCheckpoint,
  sources: TrailSources,
): Promise<EntryVerdict> {
  const { id: entryId, seq } = entry;
  // Not yet sequenced, or sequenced after the checkpoint was signed: the next look will cover it.
  if (seq === null || seq >= signed.treeSize) return { entryId, seq, state: 'pending' };
  const fail = (problem: EntryProblem): EntryVerdict => ({ entryId, seq, state: 'failed', problem });

  const recomputed = await entryLeafHash(entry);
  const recomputedHex = bytesToHex(recomputed);
  if (entry.leafHash !== recomputedHex) return fail('entry-hash-mismatch');

  let proof: InclusionAnswer;
  try {
    proof = await sources.inclusion(seq, signed.treeSize);
  } catch {
    return fail('proof-unavailable');
  }
  if (proof.seq !== seq || proof.treeSize !== signed.treeSize) return fail('proof-mismatch');
  if (proof.leafHash !== recomputedHex) return fail('proof-leaf-mismatch');
  const path = proof.path.map(hexToBytes);
  if (!path.every(isHash)) return fail('path-malformed');
  const included = await verifyInclusion(seq, signed.treeSize, recomputed, path as Bytes[], signed.rootHash);
  return included ? { entryId, seq, state: 'verified' } : fail('path-mismatch');
}

function unchecked(entry: TrailEntry): EntryVerdict {
  return { entryId: entry.id, seq: entry.seq, state: 'unchecked' };
}

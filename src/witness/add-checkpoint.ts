/**
 * The witness's one write call, C2SP tlog-witness `add-checkpoint`, as a function from the request body
 * to the answer. The rules, in the order the spec gives them:
 *   400  the body is not `old <size>\n`, up to 63 base64 hash lines, a blank line and a checkpoint
 *   404  the checkpoint's origin is not a log this witness follows
 *   403  no valid signature by a key trusted for that origin (or one by such a key that fails)
 *   400  old size above the checkpoint's size
 *   409  old size other than the size last cosigned for the origin (0 if none): body `<size>\n`, text/x.tlog.size
 *   422  a size-0 checkpoint without the empty-tree root; a proof with old size 0; a proof that does not
 *        verify against the root last cosigned; equal sizes with different roots
 *   200  the cosignature line(s), after the new checkpoint is stored
 */
import type { KeyObject } from 'node:crypto';
import { decodeBase64Strict, NoteError, openSignedNote, parseCheckpointBody, type Checkpoint } from '../audit/merkle/checkpoint-note';
import { cosign, splitNote } from '../audit/merkle/cosignature';
import { emptyRoot, HASH_SIZE, verifyConsistency } from '../audit/merkle/merkle-tree';
import type { WitnessedCheckpoint, WitnessStateStore } from './witness-state';

export const TLOG_SIZE_TYPE = 'text/x.tlog.size';
const MAX_PROOF_LINES = 63;

/** A log the witness follows: its origin and the key(s) whose signature it requires. */
export interface WitnessedLog {
  origin: string;
  keys: Array<{ keyName: string; publicKey: KeyObject }>;
}

export interface WitnessIdentity {
  name: string;
  privateKey: KeyObject;
}

export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
}

interface Submission {
  oldSize: number;
  proof: Buffer[];
  note: string;
}

class Refusal extends Error {
  constructor(readonly answer: WitnessAnswer) {
    super(answer.body);
  }
}

const refuse = (status: WitnessAnswer['status'], reason: string): Refusal =>
  new Refusal({ status, contentType: 'text/plain; charset=utf-8', body: `${reason}\n` });

export class AddCheckpoint {
  private readonly logs: Map<string, WitnessedLog>;

  constructor(
    private readonly witness: WitnessIdentity,
    logs: readonly WitnessedLog[],
    private readonly state: WitnessStateStore,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.logs = new Map(logs.map((log) => [log.origin, log]));
  }

  async handle(body: Uint8Array): Promise<WitnessAnswer> {
    try {
      const submission = parseSubmission(body);
      const { text, checkpoint } = this.authenticate(submission.note);
      if (submission.oldSize > checkpoint.treeSize) {
        throw refuse(400, `old size ${submission.oldSize} is above the checkpoint size ${checkpoint.treeSize}`);
      }
      return await this.state.update(checkpoint.origin, (current) => this.decide(submission, text, checkpoint, current));
    } catch (error) {
      if (error instanceof Refusal) return error.answer;
      throw error;
    }
  }

  /** The note's text and checkpoint, if its origin is followed (404) and a trusted key signed it (403). */
  private authenticate(note: string): { text: string; checkpoint: Checkpoint } {
    let text: string;
    let checkpoint: Checkpoint;
    try {
      text = splitNote(note).text;
      checkpoint = parseCheckpointBody(text);
    } catch (error) {
      throw refuse(400, `malformed checkpoint: ${(error as Error).message}`);
    }
    const log = this.logs.get(checkpoint.origin);
    if (!log) throw refuse(404, `unknown log origin ${JSON.stringify(checkpoint.origin)}`);
    let failure = 'no signature by a key trusted for this origin';
    for (const key of log.keys) {
      try {
        openSignedNote(note, key.keyName, key.publicKey);
        return { text, checkpoint };
      } catch (error) {
        if (!(error instanceof NoteError)) throw error;
        // A signature that claims a trusted key and fails makes the note malformed (signed-note): refuse.
        if (error.message.startsWith('invalid signature')) throw refuse(403, error.message);
        failure = error.message;
      }
    }
    throw refuse(403, failure);
  }

  /** Runs inside the store's atomic step: compare with the last cosigned checkpoint, verify, cosign. */
  private decide(submission: Submission, text: string, checkpoint: Checkpoint, current: WitnessedCheckpoint | undefined) {
    const lastSize = current?.size ?? 0;
    if (submission.oldSize !== lastSize) {
      throw new Refusal({ status: 409, contentType: TLOG_SIZE_TYPE, body: `${lastSize}\n` });
    }
    if (checkpoint.treeSize === 0 && !checkpoint.rootHash.equals(emptyRoot())) {
      throw refuse(422, 'a checkpoint of size 0 must carry the root of the empty tree');
    }
    if (submission.oldSize === 0 && submission.proof.length > 0) {
      throw refuse(422, 'old size 0 takes no consistency proof');
    }
    const lastRoot = current ? Buffer.from(current.rootHash, 'base64') : emptyRoot();
    if (submission.oldSize === checkpoint.treeSize && !lastRoot.equals(checkpoint.rootHash)) {
      throw refuse(422, `the checkpoint of size ${checkpoint.treeSize} has a root other than the one cosigned`);
    }
    if (!verifyConsistency(submission.oldSize, checkpoint.treeSize, submission.proof, lastRoot, checkpoint.rootHash)) {
      throw refuse(422, `the consistency proof from size ${submission.oldSize} to ${checkpoint.treeSize} does not verify`);
    }
    const line = cosign(text, this.witness.name, this.witness.privateKey, this.now());
    return {
      answer: { status: 200 as const, contentType: 'text/plain; charset=utf-8', body: `${line}\n` },
      store: { size: checkpoint.treeSize, rootHash: checkpoint.rootHash.toString('base64'), note: `${submission.note}${line}\n` },
    };
  }
}

/** `old <size>\n`, the proof lines, a blank line, then the signed checkpoint; anything else is a 400. */
export function parseSubmission(body: Uint8Array): Submission {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw refuse(400, 'the body is not UTF-8');
  }
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw refuse(400, 'the body needs an old size line, proof lines, a blank line and a checkpoint');
  const [oldLine, ...proofLines] = text.slice(0, blank).split('\n');
  const old = /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  const oldSize = old ? Number(old[1]) : NaN;
  if (!Number.isSafeInteger(oldSize)) throw refuse(400, 'the first line must be "old <size>" in decimal without leading zeros');
  if (proofLines.length > MAX_PROOF_LINES) throw refuse(400, `more than ${MAX_PROOF_LINES} consistency proof lines`);
  const proof = proofLines.map((line, i) => {
    const hash = decodeBase64Strict(line);
    if (hash?.length !== HASH_SIZE) throw refuse(400, `consistency proof line ${i + 1} is not a base64 SHA-256 hash`);
    return hash;
  });
  return { oldSize, proof, note: text.slice(blank + 2) };
}

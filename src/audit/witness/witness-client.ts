import { NoteError } from '../merkle/checkpoint-note';
import { splitNote, verifyCosignatureLine, type Cosignature } from '../merkle/cosignature';
import type { ConfiguredWitness } from './witness-list';

export type SubmissionResult =
  | { kind: 'cosigned'; cosignature: Cosignature }
  /** 409: the witness holds another size; the body says which. */
  | { kind: 'conflict'; size: number };

/** Anything that is neither a verified cosignature nor a well-formed 409: a message for the operator, no URLs. */
export class WitnessError extends Error {}

/**
 * One C2SP tlog-witness add-checkpoint request: `old <size>`, the consistency proof, a blank line and
 * the signed checkpoint. A 200's lines are verified against the witness's configured key: a witness
 * that answers without a valid cosignature by that key has not cosigned.
 */
export async function addCheckpoint(
  witness: ConfiguredWitness,
  oldSize: number,
  proof: readonly Buffer[],
  note: string,
  timeoutMs: number,
  cancel?: AbortSignal,
): Promise<SubmissionResult> {
  const body = `old ${oldSize}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${note}`;
  let response: Response;
  let text: string;
  // One controller with its own timer, not AbortSignal.any([cancel, AbortSignal.timeout()]): on Node 20 the
  // combined signal can be collected while fetch waits, and a witness that never answers then hangs the
  // submission loop for good (seen in the silent-witness test).
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCancel = () => controller.abort();
  cancel?.addEventListener('abort', onCancel, { once: true });
  if (cancel?.aborted) controller.abort();
  try {
    response = await fetch(`${witness.submissionPrefix}/add-checkpoint`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body,
      signal: controller.signal,
      redirect: 'error',
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new WitnessError(timedOut ? `no answer within ${timeoutMs} ms` : `request failed: ${cause ?? (error as Error).message}`);
  } finally {
    clearTimeout(timer);
    cancel?.removeEventListener('abort', onCancel);
  }
  if (response.status === 409) {
    const size = /^(0|[1-9][0-9]*)\n$/.exec(text);
    if (!(response.headers.get('content-type') ?? '').startsWith('text/x.tlog.size') || !size || !Number.isSafeInteger(Number(size[1]))) {
      throw new WitnessError('409 without a text/x.tlog.size body');
    }
    return { kind: 'conflict', size: Number(size[1]) };
  }
  if (response.status !== 200) {
    throw new WitnessError(`HTTP ${response.status}: ${text.split('\n')[0].slice(0, 200)}`);
  }
  const noteText = splitNote(note).text;
  let found: Cosignature | undefined;
  for (const line of text.split('\n').filter(Boolean)) {
    try {
      found = verifyCosignatureLine(noteText, line, witness) ?? found;
    } catch (error) {
      if (error instanceof NoteError) throw new WitnessError(`answered with an invalid cosignature: ${error.message}`);
      throw error;
    }
  }
  if (!found) throw new WitnessError('answered 200 without a cosignature by its configured key');
  if (found.timestamp === 0) throw new WitnessError('answered a cosignature without a timestamp');
  return { kind: 'cosigned', cosignature: found };
}

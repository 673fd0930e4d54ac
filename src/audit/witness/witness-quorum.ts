import { NoteError } from '../merkle/checkpoint-note';
import { openCosignatures, parseCosignerKey, type CosignerKey } from '../merkle/cosignature';

export interface QuorumResult {
  met: boolean;
  /** The witnesses (of those required) whose valid cosignature the note carries. */
  cosigned: string[];
  /** Why the quorum is not met. */
  reason?: string;
}

/** Parses `--witness` verifier keys (cosignature/v1, type 0x04); throws NoteError naming the bad one. */
export function parseWitnessKeys(vkeys: readonly string[]): CosignerKey[] {
  return vkeys.map((vkey) => {
    try {
      return parseCosignerKey(vkey);
    } catch (error) {
      throw new NoteError(`${vkey}: ${(error as Error).message}`);
    }
  });
}

/**
 * Whether a signed checkpoint carries valid cosignatures by at least `quorum` of the given witnesses.
 * A line that claims one of their keys and does not verify fails the whole check: the note is malformed.
 */
export function checkQuorum(note: string, witnesses: readonly CosignerKey[], quorum: number): QuorumResult {
  let cosigned: string[];
  try {
    cosigned = openCosignatures(note, witnesses).map((cosignature) => cosignature.name);
  } catch (error) {
    if (!(error instanceof NoteError)) throw error;
    return { met: false, cosigned: [], reason: error.message };
  }
  if (cosigned.length >= quorum) return { met: true, cosigned };
  return {
    met: false,
    cosigned,
    reason: `the checkpoint carries ${cosigned.length} valid cosignature(s) of the ${witnesses.length} witness(es) given; ${quorum} required`,
  };
}

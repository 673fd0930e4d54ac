/**
 * What a witness remembers per log (C2SP tlog-witness): the latest checkpoint it cosigned. The check of
 * the submitted `old` size against it and the write of the new checkpoint must be one atomic step, or two
 * racing submissions could roll the witness back; `update` gives each store that step.
 */
export interface WitnessedCheckpoint {
  size: number;
  /** Base64, as in the checkpoint. */
  rootHash: string;
  /** The checkpoint as cosigned: the submitted note with this witness's cosignature appended. */
  note: string;
}

/** What `decide` returns: the answer, and the checkpoint to store first (none: nothing changes). */
export interface Decision<T> {
  answer: T;
  store?: WitnessedCheckpoint;
}

export interface WitnessStateStore {
  /**
   * Runs `decide` on the origin's current state and stores what it returns before resolving, with no
   * other update of that origin in between, even across processes where the store allows several.
   */
  update<T>(origin: string, decide: (current: WitnessedCheckpoint | undefined) => Decision<T>): Promise<T>;
  get(origin: string): Promise<WitnessedCheckpoint | undefined>;
  close(): Promise<void>;
}

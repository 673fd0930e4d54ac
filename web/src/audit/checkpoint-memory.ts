/**
 * The last checkpoint this browser verified, kept in localStorage (one per origin, which is one per
 * AidTrail service), so the next visit can check that the log only grew since. A stored value that does
 * not have the expected shape is ignored rather than trusted.
 */
import type { RememberedCheckpoint } from './trail-verification';

const KEY = 'aidtrail.audit.checkpoint';

/** The part of the Web Storage API used here: `localStorage` in the app, a map in the unit tests. */
export interface CheckpointStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function recallCheckpoint(storage: CheckpointStore): RememberedCheckpoint | undefined {
  try {
    const value: unknown = JSON.parse(storage.getItem(KEY) ?? 'null');
    return isRemembered(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function rememberCheckpoint(checkpoint: RememberedCheckpoint, storage: CheckpointStore): void {
  try {
    storage.setItem(KEY, JSON.stringify(checkpoint));
  } catch {
    // Storage full or disabled (private browsing): verification still works, only without memory.
  }
}

export function forgetCheckpoint(storage: CheckpointStore): void {
  try {
    storage.removeItem(KEY);
  } catch {
    // As above: nothing was kept.
  }
}

function isRemembered(value: unknown): value is RememberedCheckpoint {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.origin === 'string' &&
    typeof record.treeSize === 'number' &&
    Number.isSafeInteger(record.treeSize) &&
    record.treeSize >= 0 &&
    typeof record.rootHash === 'string' &&
    typeof record.timestamp === 'string' &&
    typeof record.verifierKey === 'string'
  );
}

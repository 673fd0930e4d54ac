import {
  forgetCheckpoint,
  recallCheckpoint,
  rememberCheckpoint,
  type CheckpointStore,
} from '../../web/src/audit/checkpoint-memory';

/** localStorage's contract, in memory. */
function memoryStorage(): CheckpointStore {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

const checkpoint = {
  origin: 'aidtrail.test/audit',
  treeSize: 42,
  rootHash: 'n4bQ…',
  timestamp: '2026-12-01T06:00:00.000Z',
  verifierKey: 'k+1a2b3c4d+AQ==',
};

describe('the checkpoint this browser remembers', () => {
  it('gives back what it kept, until it is forgotten', () => {
    const storage = memoryStorage();
    expect(recallCheckpoint(storage)).toBeUndefined();
    rememberCheckpoint(checkpoint, storage);
    expect(recallCheckpoint(storage)).toEqual(checkpoint);
    forgetCheckpoint(storage);
    expect(recallCheckpoint(storage)).toBeUndefined();
  });

  it('ignores a stored value of another shape rather than trust it', () => {
    const storage = memoryStorage();
    for (const stored of [
      'not json',
      '{"treeSize":"42"}',
      JSON.stringify({ ...checkpoint, treeSize: -1 }),
      JSON.stringify({ ...checkpoint, rootHash: 7 }),
    ]) {
      storage.setItem('aidtrail.audit.checkpoint', stored);
      expect(recallCheckpoint(storage)).toBeUndefined();
    }
  });

  it('keeps working when storage refuses to write', () => {
    const storage: CheckpointStore = {
      ...memoryStorage(),
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => rememberCheckpoint(checkpoint, storage)).not.toThrow();
  });
});

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Decision, WitnessedCheckpoint, WitnessStateStore } from './witness-state';

interface StateFile {
  version: 1;
  logs: Record<string, WitnessedCheckpoint>;
}

/**
 * The witness's state in one JSON file. Updates are serialized within the process (a promise chain),
 * and each is made durable before the answer goes out: the new file is written beside the old one,
 * fsynced, renamed over it and the directory fsynced, so a crash leaves either the old state or the
 * new one, never a torn file. One process per file: two witness processes on one file would each
 * compare against their own copy.
 */
export class FileStateStore implements WitnessStateStore {
  private state: StateFile;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.state = readState(file);
  }

  get(origin: string): Promise<WitnessedCheckpoint | undefined> {
    return Promise.resolve(this.state.logs[origin]);
  }

  update<T>(origin: string, decide: (current: WitnessedCheckpoint | undefined) => Decision<T>): Promise<T> {
    const run = this.queue.then(() => {
      const { answer, store } = decide(this.state.logs[origin]);
      if (store) {
        const next: StateFile = { version: 1, logs: { ...this.state.logs, [origin]: store } };
        writeDurably(this.file, `${JSON.stringify(next, null, 2)}\n`);
        this.state = next;
      }
      return answer;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
  }
}

function readState(file: string): StateFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, logs: {} };
    throw error;
  }
  const parsed = JSON.parse(text) as StateFile;
  if (parsed?.version !== 1 || typeof parsed.logs !== 'object' || parsed.logs === null) {
    throw new Error(`${file} is not a witness state file`);
  }
  return parsed;
}

function writeDurably(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  const directory = openSync(dirname(file), 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}

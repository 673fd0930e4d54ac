import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabaseError, initialiseCluster, startServer } from '../../src/database/postgres-process';

/** Spawn failures of the embedded PostgreSQL become one clear error, never an unhandled 'error' event. */
describe('running the embedded PostgreSQL programs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aidtrail-pg-process-'));
  const run = { cwd: dir, unreachableHint: 'the hint naming the fix.' };

  it('answers a missing binary (ENOENT) with a line naming npm ci and DATABASE_URL', async () => {
    const missing = { initdb: join(dir, 'no-initdb'), postgres: join(dir, 'no-postgres') };
    const started = startServer(missing, join(dir, 'data'), 5999, [], run, () => undefined);
    await expect(started).rejects.toThrow(EmbeddedDatabaseError);
    await expect(started).rejects.toThrow(/no-postgres is missing: run `npm ci`.*DATABASE_URL/);
    await expect(
      initialiseCluster(missing, join(dir, 'data'), 'postgres', join(dir, 'pw'), run),
    ).rejects.toThrow(/no-initdb is missing/);
  });

  it('answers a binary it may not run (EACCES) with the hint', async () => {
    const locked = join(dir, 'postgres');
    writeFileSync(locked, '#!/bin/sh\n');
    chmodSync(locked, 0o600);
    const started = startServer(
      { initdb: locked, postgres: locked },
      join(dir, 'data'),
      5999,
      [],
      run,
      () => undefined,
    );
    await expect(started).rejects.toThrow(EmbeddedDatabaseError);
    await expect(started).rejects.toThrow(/cannot run .*postgres \(EACCES\): the hint naming the fix\./);
  });

  it('answers a server that exits before it is ready with its last words', async () => {
    const failing = join(dir, 'failing-postgres');
    writeFileSync(failing, '#!/bin/sh\necho "FATAL:  data directory has wrong ownership" >&2\nexit 1\n');
    chmodSync(failing, 0o755);
    await expect(
      startServer({ initdb: failing, postgres: failing }, join(dir, 'data'), 5999, [], run, () => undefined),
    ).rejects.toThrow(/PostgreSQL did not start \(exit code 1\).*FATAL: +data directory has wrong ownership/);
  });
});

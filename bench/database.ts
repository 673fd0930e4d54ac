import { resolve } from 'node:path';
import { createDatabase, dropDatabase } from '../src/database/database-admin';
import { startEmbeddedDatabase } from '../src/database/embedded-database';
import { runMigrations } from '../src/database/migrate';

/** The PostgreSQL database a benchmark run uses: fresh, migrated, dropped afterwards. */
export interface BenchDatabase {
  /** URL of the bench database. */
  url: string;
  name: string;
  /** Human-readable: which server. */
  server: string;
  /** Whether the server runs on this machine (then its backends' CPU time can be read from /proc). */
  local: boolean;
  /** Drops the database and stops the embedded server when there is one. */
  close(): Promise<void>;
}

/** The project root, from dist/bench/ or any other `tsc --outDir` build's bench/. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/**
 * DATABASE_URL names a server (any database on it serves to connect): a database `aidtrail_bench_<pid>`
 * is created there. Unset: the embedded PostgreSQL under .data/bench (never the dev server's .data),
 * started for the run and stopped afterwards. Either way the schema comes from the project's migrations.
 */
export async function provisionDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const name = `aidtrail_bench_${process.pid}`;
  let adminUrl: string;
  let server: string;
  let stopServer: () => Promise<void> = async () => undefined;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    const parsed = new URL(adminUrl);
    server = `${parsed.hostname}:${parsed.port || 5432} (DATABASE_URL)`;
  } else {
    const dataDir = resolve(process.env.BENCH_DATA_DIR ?? resolve(PROJECT_ROOT, '.data', 'bench'));
    const embedded = await startEmbeddedDatabase(dataDir, log);
    adminUrl = embedded.adminUrl('postgres');
    server = `embedded, ${dataDir}`;
    stopServer = () => embedded.stop();
  }
  const url = await createDatabase(adminUrl, name);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await dropDatabase(adminUrl, name);
    } finally {
      await stopServer();
    }
  };
  try {
    await runMigrations(url);
  } catch (error) {
    await close();
    throw error;
  }
  const host = new URL(url).hostname;
  return { url, name, server, local: ['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host), close };
}

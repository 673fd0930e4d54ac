import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../src/common/free-port';
import { createDatabase } from '../../src/database/database-admin';

/**
 * A real AidTrail process for end-to-end tests: the compiled service (`npm test` builds first),
 * on its own database copied from the migrated template, over real HTTP.
 */
export interface TestService {
  baseUrl: string;
  adminToken: string;
  databaseUrl: string;
  /** A connection to the service's database, for asserting what was (not) stored. */
  db: Client;
  process: ChildProcess;
  /** What the first process printed so far (logs at LOG_LEVEL). */
  output(): string;
  /** Another process of the service on the same database (scale-out tests). */
  startSibling(env?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export interface ServiceProcess {
  baseUrl: string;
  process: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

// AIDTRAIL_DIST lets a second build (e.g. `tsc --outDir`) be tested while dist/ is rebuilt.
const DIST = process.env.AIDTRAIL_DIST ?? resolve(__dirname, '../../dist');
const MAIN = resolve(DIST, 'src/main.js');
let databaseCounter = 0;

export async function startService(env: Record<string, string> = {}): Promise<TestService> {
  const adminUrl = process.env.AIDTRAIL_TEST_ADMIN_URL;
  const template = process.env.AIDTRAIL_TEST_TEMPLATE;
  if (!adminUrl || !template || !process.env.AIDTRAIL_TEST_RUN) throw new Error('run through jest: the global setup provides the database');
  const database = `aidtrail_t${process.env.AIDTRAIL_TEST_RUN}_${process.pid}_${databaseCounter++}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = await createDatabase(adminUrl, database, template);
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  // Its own DATA_DIR, shared by its siblings: they sign checkpoints with the same generated key.
  const dataDir = mkdtempSync(join(tmpdir(), 'aidtrail-test-'));
  const baseEnv = { DATABASE_URL: databaseUrl, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'warn', DATA_DIR: dataDir, ...env };
  const first = await startProcess(baseEnv);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const siblings: ServiceProcess[] = [];
  return {
    baseUrl: first.baseUrl,
    adminToken,
    databaseUrl,
    db,
    process: first.process,
    output: first.output,
    startSibling: async (extra = {}) => {
      const sibling = await startProcess({ ...baseEnv, ...extra });
      siblings.push(sibling);
      return sibling;
    },
    stop: async () => {
      await Promise.all([first, ...siblings].map((service) => service.stop()));
      await db.end();
    },
  };
}

/** Starts `node dist/src/main.js` with the given environment and waits until it is ready. */
export async function startProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/health/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl,
    process: child,
    output: () => output,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

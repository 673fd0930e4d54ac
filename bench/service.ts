import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from '../src/common/free-port';

/** The compiled service next to this file's build: dist/bench/ → dist/src/main.js (or .build-x/…). */
export const SERVICE_MAIN = resolve(__dirname, '..', 'src', 'main.js');

/**
 * The node flags `npm run start:prod` starts the service with (package.json is the one place they are
 * written), so that the bench measures the service as it runs in production.
 */
export const SERVICE_NODE_FLAGS: string[] = (() => {
  const manifest = JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const match = /^node((?: --\S+)*) dist\/src\/main\.js$/.exec(manifest.scripts['start:prod']);
  if (!match) throw new Error(`package.json's start:prod is not "node [flags] dist/src/main.js": ${manifest.scripts['start:prod']}`);
  return match[1].trim().split(' ').filter(Boolean);
})();

export interface ServiceProcess {
  baseUrl: string;
  pid: number;
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServiceSettings {
  databaseUrl: string;
  adminToken: string;
  poolSize: number;
  /** DATA_DIR of the service (where it may keep generated keys): the bench's, never the dev server's. */
  dataDir: string;
  /** Extra node flags (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

/** Starts `node <build>/src/main.js` as a child process and waits until /health/ready answers. */
export async function startService(settings: ServiceSettings): Promise<ServiceProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...SERVICE_NODE_FLAGS, ...(settings.nodeArgs ?? []), SERVICE_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: settings.databaseUrl,
      ADMIN_TOKEN: settings.adminToken,
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: String(settings.poolSize),
      DATA_DIR: settings.dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 100_000) output = output.slice(-50_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the service exited with code ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/health/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop(0);
      throw new Error(`the service did not become ready within 60 s:\n${output}`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  return { baseUrl, pid: child.pid!, output: () => output, stop };
}

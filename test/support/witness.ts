import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cosignerVerifierKey } from '../../src/audit/merkle/cosignature';
import { freePort } from '../../src/common/free-port';

const DIST = process.env.AIDTRAIL_DIST ?? resolve(__dirname, '../../dist');
const WITNESS_MAIN = resolve(DIST, 'src/witness/witness-main.js');
const VERIFY_EXPORT = resolve(DIST, 'src/audit/cli/verify-export.js');

/** A witness's identity, known before it starts, so the service can be configured with it. */
export interface WitnessPlan {
  name: string;
  port: number;
  url: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  verifierKey: string;
  /** `<verifier key>@<url>`, an AUDIT_WITNESSES entry. */
  entry: string;
}

export interface RunningWitness extends WitnessPlan {
  process: ChildProcess;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

export async function planWitness(name: string): Promise<WitnessPlan> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const verifierKey = cosignerVerifierKey(name, publicKey);
  return { name, port, url, privateKey, publicKey, verifierKey, entry: `${verifierKey}@${url}` };
}

/** Starts `node dist/src/witness/witness-main.js` (npm run witness) following the given log verifier keys. */
export async function startWitness(plan: WitnessPlan, logVerifierKeys: string[]): Promise<RunningWitness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aidtrail-witness-'));
  const keyFile = join(dataDir, 'witness-key.pem');
  writeFileSync(keyFile, plan.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const child = spawn(process.execPath, [WITNESS_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      WITNESS_PORT: String(plan.port),
      WITNESS_NAME: plan.name,
      WITNESS_KEY_FILE: keyFile,
      WITNESS_DATA_DIR: dataDir,
      WITNESS_LOGS: logVerifierKeys.join(','),
      WITNESS_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`witness exited with ${child.exitCode}:\n${output}`);
    const answer = await fetch(`${plan.url}/`).then((r) => r.text()).catch(() => undefined);
    if (answer === `${plan.verifierKey}\n`) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`witness did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    ...plan,
    process: child,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A witness that accepts connections and never answers: the slowest witness there is. It notes when
 * each request arrives (a request hangs until the client's timeout, so it is one per connection).
 */
export async function startSilentWitness(port: number): Promise<{ stop(): Promise<void>; connections(): number; arrivals(): number[] }> {
  const sockets = new Set<Socket>();
  const arrivals: number[] = [];
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.once('data', () => arrivals.push(Date.now()));
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolveListen) => server.listen(port, '127.0.0.1', () => resolveListen()));
  return {
    connections: () => connections,
    arrivals: () => [...arrivals],
    stop: () =>
      new Promise<void>((resolveClose) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolveClose());
      }),
  };
}

/** Runs the offline verifier on an export with extra arguments (--witness, --quorum). */
export async function verifyExportWith(exported: string, publicKeyPem: string, extra: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'aidtrail-verify-'));
  const file = join(dir, 'audit.ndjson');
  const pem = join(dir, 'key.pem');
  writeFileSync(file, exported);
  writeFileSync(pem, publicKeyPem);
  const child = spawn(process.execPath, [VERIFY_EXPORT, file, '--public-key', pem, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', (exitCode) => resolveExit(exitCode)));
  rmSync(dir, { recursive: true, force: true });
  return { code, stdout, stderr };
}

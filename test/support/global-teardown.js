const { Client } = require('pg');

// Drops the databases this run made, then stops the embedded server if the setup started one.
module.exports = async function globalTeardown() {
  const client = new Client({ connectionString: process.env.AIDTRAIL_TEST_ADMIN_URL });
  await client.connect();
  const { rows } = await client.query(
    `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
    [process.env.AIDTRAIL_TEST_TEMPLATE, `aidtrail_t${process.pid}_%`],
  );
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await client.end();
  await globalThis.__AIDTRAIL_EMBEDDED__?.stop();
};

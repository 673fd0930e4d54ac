const { resolve } = require('node:path');

// Drops the databases this run made, then stops the embedded server if the setup started one.
module.exports = async function globalTeardown() {
  const dist = process.env.AIDTRAIL_DIST ?? resolve(__dirname, '../../dist');
  const { databasesLike, dropDatabase } = require(resolve(dist, 'src/database/database-admin.js'));
  const adminUrl = process.env.AIDTRAIL_TEST_ADMIN_URL;
  const copies = await databasesLike(adminUrl, `aidtrail_t${process.pid}_%`);
  for (const name of [process.env.AIDTRAIL_TEST_TEMPLATE, ...copies]) await dropDatabase(adminUrl, name);
  await globalThis.__AIDTRAIL_EMBEDDED__?.stop();
};

// The end-to-end suite's setup: a PostgreSQL server and a migrated template database to copy.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const setup = require('../support/global-setup.js') as () => Promise<void>;
export default setup;

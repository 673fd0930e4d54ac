// eslint-disable-next-line @typescript-eslint/no-require-imports
const teardown = require('../support/global-teardown.js') as () => Promise<void>;
export default teardown;

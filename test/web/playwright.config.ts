import { defineConfig } from '@playwright/test';
import { resolve } from 'node:path';

/**
 * Browser tests of the web app: the system's Chromium (Playwright's own browser download cannot work
 * on these machines) against the real compiled service on a real PostgreSQL (the embedded one unless
 * DATABASE_URL names a server), as the end-to-end suite runs.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.web-spec.ts',
  outputDir: resolve(__dirname, '../../.test-data/playwright'),
  globalSetup: './browser-global-setup.ts',
  globalTeardown: './browser-global-teardown.ts',
  // Two cores: one browser at a time keeps the service and PostgreSQL responsive.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'UTC',
    actionTimeout: 10_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});

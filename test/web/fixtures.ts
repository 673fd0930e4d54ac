import { test as base, expect, type Page } from '@playwright/test';
import { Api } from '../support/http';
import { startService, type TestService } from '../support/service';

export interface Tokens {
  coordinator: string;
  auditor: string;
}

interface WorkerFixtures {
  service: TestService;
  admin: Api;
}

interface TestFixtures {
  /** Console errors and page errors the test's page produced; each test asserts there are none. */
  consoleErrors: string[];
}

/**
 * One service for the whole run (one worker): each test makes its own organizations and tokens, so
 * tests do not see each other's data where it matters.
 */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  service: [
    async ({}, use) => {
      const service = await startService();
      await use(service);
      await service.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  admin: [async ({ service }, use) => use(new Api(service.baseUrl, service.adminToken)), { scope: 'worker' }],
  baseURL: async ({ service }, use) => use(service.baseUrl),
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
    },
    { auto: true },
  ],
});

export { expect };

export async function createToken(admin: Api, role: string, organizationId?: string): Promise<string> {
  const response = await admin.post('/tokens', { name: `${role} ${Math.random().toString(16).slice(2, 8)}`, role, ...(organizationId ? { organizationId } : {}) });
  if (response.status !== 201) throw new Error(`token not created: ${response.status} ${response.text}`);
  return response.body.token;
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** The page has no sideways scrolling: nothing is wider than the viewport. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'document wider than the viewport').toBeLessThanOrEqual(0);
}

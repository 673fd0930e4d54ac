import { createShipment, seedParties, createOrganization } from '../support/builders';
import { createToken, expect, signIn, test } from './fixtures';

test('a partner sees its own shipment and gets the not-found page for another organization’s', async ({ page, admin, consoleErrors }) => {
  const { donor, recipient } = await seedParties(admin);
  const mine = await createShipment(admin, donor.id, recipient.id, { title: 'Shipment the partner receives' });
  const otherDonor = await createOrganization(admin);
  const otherRecipient = await createOrganization(admin);
  const theirs = await createShipment(admin, otherDonor.id, otherRecipient.id, { title: 'Shipment of another organization' });
  const partner = await createToken(admin, 'partner', recipient.id);

  await signIn(page, partner);
  await expect(page.getByRole('link', { name: mine.reference })).toBeVisible();
  await expect(page.getByRole('link', { name: theirs.reference })).toHaveCount(0);
  // A partner is offered no coordinator action.
  await expect(page.getByRole('link', { name: 'New shipment' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Import' })).toHaveCount(0);

  await page.getByRole('link', { name: mine.reference }).click();
  await expect(page.getByRole('heading', { level: 1, name: mine.reference })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'PCR-2020-0519' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Record an event' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);

  await page.goto(`/shipments/${theirs.id}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Not found' })).toBeVisible();
  await expect(page.getByText('Shipment of another organization')).toHaveCount(0);
  await page.goto('/shipments/new');
  await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();

  // The browser logs the API's 404 for the other organization's shipment; nothing else may appear.
  expect(consoleErrors.filter((error) => !error.includes('status of 404'))).toEqual([]);
});

test('the token stays out of URLs, goes only in the Authorization header, and sign-out forgets it', async ({ page, admin, consoleErrors }) => {
  const auditor = await createToken(admin, 'auditor');
  const requests: Array<{ url: string; authorization?: string }> = [];
  page.on('request', (request) => requests.push({ url: request.url(), authorization: request.headers().authorization }));
  await signIn(page, auditor);
  await expect(page.getByText(/\(auditor\)/)).toBeVisible();
  expect(requests.some((request) => request.url.includes(auditor))).toBe(false);
  const apiCalls = requests.filter((request) => new URL(request.url).pathname.startsWith('/api/'));
  expect(apiCalls.length).toBeGreaterThan(0);
  for (const call of apiCalls) expect(call.authorization).toBe(`Bearer ${auditor}`);
  for (const call of requests.filter((request) => !new URL(request.url).pathname.startsWith('/api/'))) expect(call.authorization).toBeUndefined();
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(auditor);

  // A reload keeps the session (sessionStorage), sign-out ends it.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Access token')).toBeVisible();
  expect(await page.evaluate(() => JSON.stringify(sessionStorage))).not.toContain(auditor);

  // A wrong token is refused with a message at the field.
  await page.getByLabel('Access token').fill('not-a-valid-token-at-all');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('This token is not valid')).toBeVisible();
  expect(consoleErrors.filter((error) => !error.includes('status of 401'))).toEqual([]);
});

import { randomBytes } from 'node:crypto';
import { createShipment, seedParties } from '../support/builders';
import { createToken, expect, signIn, test } from './fixtures';
import { screenshot } from './screenshots';

test('a create clicked twice, and retried after a lost answer, is recorded once', async ({ page, admin, consoleErrors }) => {
  const { donor, recipient } = await seedParties(admin);
  const coordinator = await createToken(admin, 'coordinator');
  const title = `Double click ${randomBytes(4).toString('hex')}`;
  await signIn(page, coordinator);
  await page.getByRole('link', { name: 'New shipment' }).click();
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Donor').selectOption({ label: donor.name });
  await page.getByLabel('Recipient').selectOption({ label: recipient.name });
  await page.getByLabel('Origin country').fill('AZ');
  await page.getByLabel('Destination country').fill('UA');
  const line = page.getByRole('group', { name: 'Line 1' });
  await line.getByLabel('Description').fill('Medical masks');
  await line.getByLabel('Category').selectOption({ label: 'PPE' });
  await line.getByLabel('Quantity').fill('1000');
  await line.getByLabel('Unit', { exact: true }).selectOption({ label: 'each' });

  // The first answer is lost on the way back (the service recorded it): the screen says so.
  let dropped = false;
  await page.route('**/api/v1/shipments', async (route) => {
    if (route.request().method() === 'POST' && !dropped) {
      dropped = true;
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  await page.getByRole('button', { name: 'Create shipment' }).click();
  await expect(page.getByText('The service could not be reached')).toBeVisible();
  // The person tries again, with a double click.
  await page.getByRole('button', { name: 'Create shipment' }).dblclick();
  await expect(page.getByRole('heading', { level: 1, name: /^SHP-/ })).toBeVisible();

  const found = await admin.get(`/shipments?q=${encodeURIComponent(title)}`);
  expect(found.body.data).toHaveLength(1);
  expect(consoleErrors.filter((error) => !error.includes('ERR_CONNECTION_RESET'))).toEqual([]);
});

test('the API’s field errors appear at their fields, by path', async ({ page, admin, consoleErrors }) => {
  const { donor, recipient } = await seedParties(admin);
  const coordinator = await createToken(admin, 'coordinator');
  await signIn(page, coordinator);
  await page.getByRole('link', { name: 'New shipment' }).click();
  await page.getByLabel('Donor').selectOption({ label: donor.name });
  await page.getByLabel('Recipient').selectOption({ label: recipient.name });
  await page.getByLabel('Origin country').fill('AZ');
  await page.getByLabel('Destination country').fill('UA');
  const first = page.getByRole('group', { name: 'Line 1' });
  await first.getByLabel('Description').fill('Medical masks');
  await first.getByLabel('Category').selectOption({ label: 'PPE' });
  await first.getByLabel('Quantity').fill('1000');
  await first.getByLabel('Unit', { exact: true }).selectOption({ label: 'each' });
  await page.getByRole('button', { name: 'Add a line' }).click();
  const second = page.getByRole('group', { name: 'Line 2' });
  await second.getByLabel('Description').fill('Gloves');
  await second.getByLabel('Category').selectOption({ label: 'PPE' });
  await second.getByLabel('Quantity').fill('-5');
  await second.getByLabel('Unit', { exact: true }).selectOption({ label: 'box' });
  await page.getByRole('button', { name: 'Create shipment' }).click();

  const quantity = second.getByLabel('Quantity');
  await expect(quantity).toHaveAttribute('aria-invalid', 'true');
  const describedBy = (await quantity.getAttribute('aria-describedby'))!.split(' ')[0];
  await expect(page.locator(`[id="${describedBy}"]`)).not.toBeEmpty();
  await expect(first.getByLabel('Quantity')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert').filter({ hasText: 'need' })).toBeVisible();
  expect(consoleErrors.filter((error) => !error.includes('status of 400'))).toEqual([]);
});

test('a planned shipment edited meanwhile by someone else answers “changed meanwhile”, not an overwrite', async ({ page, admin, consoleErrors }) => {
  const { donor, recipient } = await seedParties(admin);
  const shipment = await createShipment(admin, donor.id, recipient.id, { title: 'Before' });
  const coordinator = await createToken(admin, 'coordinator');
  await signIn(page, coordinator);
  await page.goto(`/shipments/${shipment.id}/edit`);
  await page.getByLabel('Title').fill('Mine');
  // Someone else saves first.
  const other = await admin.patch(`/shipments/${shipment.id}`, { title: 'Theirs' }, { headers: { 'If-Match': '"1"' } });
  expect(other.status).toBe(200);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('This shipment was changed meanwhile')).toBeVisible();
  expect((await admin.get(`/shipments/${shipment.id}`)).body.title).toBe('Theirs');
  await page.getByRole('button', { name: 'Reload the shipment' }).click();
  await expect(page.getByLabel('Title')).toHaveValue('Theirs');
  await page.getByLabel('Title').fill('Mine, after reading theirs');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Mine, after reading theirs')).toBeVisible();
  expect(consoleErrors.filter((error) => !error.includes('status of 412'))).toEqual([]);
});

test('the latest event is voided with a reason and shown struck through', async ({ page, admin, consoleErrors }) => {
  const { donor, recipient } = await seedParties(admin);
  const shipment = await createShipment(admin, donor.id, recipient.id);
  const dispatched = await admin.post(`/shipments/${shipment.id}/events`, { type: 'dispatched', occurredAt: '2020-06-10T08:00:00Z' });
  expect(dispatched.status).toBe(201);
  const coordinator = await createToken(admin, 'coordinator');
  await signIn(page, coordinator);
  await page.goto(`/shipments/${shipment.id}`);
  const form = page.getByRole('form', { name: 'Void the latest event' });
  await form.getByLabel('Reason').fill('Recorded on the wrong shipment');
  await form.getByRole('button', { name: 'Void event' }).click();
  await expect(page.locator('.title-row').getByText('Planned')).toBeVisible();
  const voided = page.getByRole('row').filter({ has: page.locator('del') });
  await expect(voided).toContainText('Dispatched');
  await expect(voided).toContainText('Voided: Recorded on the wrong shipment');
  expect(consoleErrors).toEqual([]);
});

test('a packing list with bad rows shows the API’s errors as a table, and nothing is stored', async ({ page, admin, consoleErrors }) => {
  const { donor, recipient } = await seedParties(admin);
  const coordinator = await createToken(admin, 'coordinator');
  const csv = [
    'shipmentKey,donorId,recipientId,originCountry,destinationCountry,description,category,quantity,unit',
    `k1,${donor.id},${recipient.id},AZ,UA,Medical masks,ppe,500000,each`,
    `k1,${donor.id},${recipient.id},AZ,UA,Gloves,not-a-category,10,box`,
    `k1,${donor.id},${recipient.id},AZ,UA,Suits,ppe,,each`,
  ].join('\n');
  await signIn(page, coordinator);
  await page.getByRole('link', { name: 'Import' }).click();
  await page.getByLabel('CSV file').setInputFiles({ name: 'packing-list.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'The file was not imported' })).toBeVisible();
  const table = page.getByRole('table', { name: 'The file was not imported' });
  await expect(table.getByRole('row').filter({ hasText: 'category' })).toContainText('3');
  await expect(table.getByRole('row').filter({ hasText: 'quantity' })).toContainText('4');
  await screenshot(page, 'import-errors');
  expect((await admin.get('/shipments?q=Gloves')).body.data).toHaveLength(0);
  expect(consoleErrors.filter((error) => !error.includes('status of 400'))).toEqual([]);
});

test('a title made of markup is shown as those characters, never run', async ({ page, admin, consoleErrors }) => {
  const { donor, recipient } = await seedParties(admin);
  const title = '<img src=x onerror=alert(1)>';
  const shipment = await createShipment(admin, donor.id, recipient.id, { title });
  const coordinator = await createToken(admin, 'coordinator');
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await signIn(page, coordinator);
  await page.goto(`/shipments/${shipment.id}`);
  await expect(page.getByText(title, { exact: true })).toBeVisible();
  await page.goto(`/shipments?q=${encodeURIComponent(shipment.reference)}`);
  await expect(page.getByText(title, { exact: true })).toBeVisible();
  await expect(page.locator('main img')).toHaveCount(0);
  expect(dialogs).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

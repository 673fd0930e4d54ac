import type { Page } from '@playwright/test';
import { seedParties } from '../support/builders';
import { createToken, expect, expectNoHorizontalScroll, signIn, test } from './fixtures';
import { screenshot } from './screenshots';

const LINES = [
  { description: 'Medical masks', category: 'PPE', quantity: '500000', unit: 'each', unitValue: '0.10', currency: 'USD' },
  { description: 'Protective suits', category: 'PPE', quantity: '10000', unit: 'each', unitValue: '12.50', currency: 'USD' },
  { description: 'PCR test kits', category: 'Laboratory', quantity: '200', unit: 'kit', unitValue: '450.00', currency: 'USD', lot: 'PCR-2020-0519', expiry: '2021-11-30' },
  { description: 'Disinfectant', category: 'WASH', quantity: '3000', unit: 'litre', unitValue: '2.20', currency: 'EUR' },
];

async function recordEvent(page: Page, type: string, fields: { when: string; country?: string; place?: string; note?: string }) {
  const form = page.getByRole('form', { name: 'Record an event' });
  await form.getByLabel('Event').selectOption({ label: type });
  await form.getByLabel('When').fill(fields.when);
  if (fields.country) await form.getByLabel('Country').fill(fields.country);
  if (fields.place) await form.getByLabel('Place').fill(fields.place);
  if (fields.note) await form.getByLabel('Note').fill(fields.note);
  return form;
}

test('a coordinator records the README seed case through the screens', async ({ page, admin, consoleErrors }) => {
  const { donor, recipient } = await seedParties(admin);
  const coordinator = await createToken(admin, 'coordinator');

  await page.goto('/');
  await screenshot(page, 'sign-in');
  await signIn(page, coordinator);
  await page.getByRole('link', { name: 'New shipment' }).click();
  await expect(page.getByRole('heading', { name: 'New shipment', level: 1 })).toBeVisible();

  await page.getByLabel('Title').fill('COVID-19 assistance to the Ministry of Health of Ukraine');
  await page.getByLabel('Donor').selectOption({ label: donor.name });
  await page.getByLabel('Recipient').selectOption({ label: recipient.name });
  await page.getByLabel('Origin country').fill('AZ');
  await page.getByLabel('Origin place').fill('Baku');
  await page.getByLabel('Destination country').fill('UA');
  await page.getByLabel('Destination place').fill('Kyiv');
  await page.getByLabel('Transport').selectOption({ label: 'Rail' });
  await page.getByLabel('Emergency').fill('COVID-19');
  await page.getByLabel('Priority').selectOption({ label: 'Urgent' });
  await page.getByLabel('Planned dispatch').fill('2020-06-10');
  await page.getByLabel('Expected arrival').fill('2020-06-20');
  for (const [index, line] of LINES.entries()) {
    if (index > 0) await page.getByRole('button', { name: 'Add a line' }).click();
    const row = page.getByRole('group', { name: `Line ${index + 1}` });
    await row.getByLabel('Description').fill(line.description);
    await row.getByLabel('Category').selectOption({ label: line.category });
    await row.getByLabel('Quantity').fill(line.quantity);
    await row.getByLabel('Unit', { exact: true }).selectOption({ label: line.unit });
    await row.getByLabel('Unit value').fill(line.unitValue);
    await row.getByLabel('Currency').fill(line.currency);
    if (line.lot) await row.getByLabel('Lot').fill(line.lot);
    if (line.expiry) await row.getByLabel('Expiry').fill(line.expiry);
  }
  await screenshot(page, 'new-shipment');
  await page.getByRole('button', { name: 'Create shipment' }).click();

  // The shipment as recorded: reference assigned, totals per currency, the lot.
  await expect(page.getByRole('heading', { level: 1, name: /^SHP-\d{4}-\d{6}$/ })).toBeVisible();
  await expect(page.locator('.title-row').getByText('Planned')).toBeVisible();
  await expect(page.getByText('265,000.00 USD')).toBeVisible();
  await expect(page.getByText('6,600.00 EUR')).toBeVisible();
  await expect(page.getByRole('cell', { name: 'PCR-2020-0519' })).toBeVisible();
  await expect(page.getByRole('cell', { name: '500,000' })).toBeVisible();

  let form = await recordEvent(page, 'Dispatched', { when: '2020-06-10T08:00', country: 'AZ', place: 'Baku' });
  await form.getByRole('button', { name: 'Record event' }).click();
  await expect(page.getByRole('cell', { name: 'Baku (AZ)' })).toBeVisible();
  await expect(page.locator('.title-row').getByText('Dispatched')).toBeVisible();

  form = await recordEvent(page, 'In transit', { when: '2020-06-12T14:30', country: 'GE', place: 'Tbilisi' });
  await form.getByRole('button', { name: 'Record event' }).click();
  await expect(page.getByRole('cell', { name: 'Tbilisi (GE)' })).toBeVisible();

  form = await recordEvent(page, 'Held', { when: '2020-06-14T09:00', country: 'TR', place: 'Kars', note: 'Customs inspection at Kars' });
  await form.getByRole('button', { name: 'Record event' }).click();
  await expect(page.getByRole('cell', { name: 'Customs inspection at Kars' })).toBeVisible();

  form = await recordEvent(page, 'Arrived', { when: '2020-06-19T16:00', country: 'UA', place: 'Kyiv' });
  await form.getByRole('button', { name: 'Record event' }).click();
  await expect(page.getByRole('cell', { name: 'Kyiv (UA)' })).toBeVisible();

  // Partial receipt: all masks, 9,850 suits received and 150 damaged.
  form = await recordEvent(page, 'Partial receipt', { when: '2020-06-20T10:00' });
  await form.getByLabel('Received by').fill('Central medical warehouse, Kyiv');
  await form.getByLabel('Line 1, Medical masks: received').fill('500000');
  await form.getByLabel('Line 2, Protective suits: received').fill('9850');
  await form.getByLabel('Line 2, Protective suits: damaged').fill('150');
  await form.getByRole('button', { name: 'Record event' }).click();
  await expect(page.locator('.title-row').getByText('Partially delivered')).toBeVisible();
  const suits = page.getByRole('row').filter({ hasText: 'Protective suits' });
  await expect(suits.getByRole('cell', { name: '9,850' })).toBeVisible();
  await expect(suits.getByRole('cell', { name: '150', exact: true })).toBeVisible();

  form = await recordEvent(page, 'Final receipt', { when: '2020-06-22T10:00' });
  await form.getByLabel('Received by').fill('Central medical warehouse, Kyiv');
  await form.getByLabel('Line 3, PCR test kits: received').fill('200');
  await form.getByLabel('Line 4, Disinfectant: received').fill('3000');
  await form.getByRole('button', { name: 'Record event' }).click();
  await expect(page.locator('.title-row').getByText('Delivered')).toBeVisible();
  await expect(page.getByText('No further events can be recorded: the shipment is closed.')).toBeVisible();
  const timeline = page.getByRole('table').last();
  await expect(timeline.getByRole('row')).toHaveCount(7); // header + 6 events
  await screenshot(page, 'shipment');

  // The list shows it with its status; at phone width nothing scrolls sideways.
  await page.getByRole('link', { name: 'Shipments' }).click();
  await page.getByLabel('Search').fill('COVID-19 assistance');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'COVID-19 assistance' }).first().getByText('Delivered')).toBeVisible();
  await screenshot(page, 'shipments');
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalScroll(page);
  await page.getByRole('row').filter({ hasText: 'COVID-19 assistance' }).first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: /^SHP-/ })).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.getByRole('link', { name: 'New shipment' }).click();
  await expect(page.getByRole('heading', { name: 'New shipment', level: 1 })).toBeVisible();
  await expectNoHorizontalScroll(page);

  expect(consoleErrors).toEqual([]);
});

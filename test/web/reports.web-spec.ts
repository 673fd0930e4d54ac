import { resolve } from 'node:path';
import type { Download } from '@playwright/test';
import { createToken, expect, expectNoHorizontalScroll, signIn, test } from './fixtures';
import { recordSeedCase } from './seed-case-api';
import { screenshot } from './screenshots';

async function text(download: Download): Promise<string> {
  return Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8');
}

test('the summary of the seed case by category: a table, a chart of one currency at a time, CSV and HXL', async ({
  page,
  admin,
  consoleErrors,
}) => {
  const coordinator = await createToken(admin, 'coordinator');
  const seed = await recordSeedCase(admin, admin.as(coordinator));
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  await signIn(page, coordinator);
  await page.getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();

  await page.getByLabel('Group by').selectOption({ label: 'Category' });
  await page.getByLabel('Donor').selectOption({ label: seed.donor.name });
  await page.getByLabel('Emergency').fill(seed.emergency);
  await page.getByRole('button', { name: 'Apply filters' }).click();

  // The table is the source of truth: per currency and per unit, never added across them.
  const table = page.getByRole('table', { name: 'Summary by category' });
  await expect(table.getByRole('row')).toHaveCount(4);
  const ppe = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'PPE' }) });
  await expect(ppe.getByRole('cell')).toHaveText(['1', '2', '175,000.00 USD', '510,000 each']);
  const lab = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Laboratory' }) });
  await expect(lab.getByRole('cell')).toHaveText(['1', '1', '90,000.00 USD', '200 kit']);
  const wash = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'WASH' }) });
  await expect(wash.getByRole('cell')).toHaveText(['1', '1', '6,600.00 EUR', '3,000 litre']);

  // The chart shows one currency: EUR first (alphabetically), then USD when chosen; groups in label order.
  const chart = page.getByRole('figure');
  await expect(chart).toContainText('Declared value in EUR, per group');
  await expect(chart.getByRole('listitem')).toHaveText([
    /^Laboratory\s*—$/,
    /^PPE\s*—$/,
    /^WASH\s*6,600\.00$/,
  ]);
  await chart.getByLabel('Show').selectOption({ label: 'Declared value in USD' });
  await expect(chart).toContainText('Declared value in USD, per group');
  await expect(chart.getByRole('listitem')).toHaveText([
    /^Laboratory\s*90,000\.00$/,
    /^PPE\s*175,000\.00$/,
    /^WASH\s*—$/,
  ]);
  // 90,000 of 175,000 is 514 thousandths of the longest bar, computed from the strings.
  const widths = await chart
    .locator('.bar')
    .evaluateAll((bars) => bars.map((bar) => (bar as HTMLElement).style.width));
  expect(widths).toEqual(['51.4%', '100%', '0%']);
  await expect(chart.getByLabel('Show').locator('option')).toHaveText([
    'Shipments',
    'Lines',
    'Declared value in EUR',
    'Declared value in USD',
    'Quantity in each',
    'Quantity in kit',
    'Quantity in litre',
  ]);

  // The exports of the same shipments, fetched with the token in the header.
  let download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download CSV' }).click();
  const csv = await download;
  expect(csv.suggestedFilename()).toMatch(/^aidtrail-shipments-\d{4}-\d{2}-\d{2}\.csv$/);
  const csvLines = (await text(csv)).trim().split('\r\n');
  expect(csvLines).toHaveLength(1 + 4);
  expect(csvLines.slice(1).every((line) => line.includes(seed.reference))).toBe(true);
  download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download HXL' }).click();
  const hxl = await download;
  expect(hxl.suggestedFilename()).toMatch(/-hxl\.csv$/);
  const hxlLines = (await text(hxl)).trim().split('\r\n');
  expect(hxlLines).toHaveLength(2 + 4);
  expect(hxlLines[1]).toContain('#item+name');
  expect(urls.filter((url) => url.includes(coordinator))).toEqual([]);
  expect(urls.some((url) => url.includes('/api/v1/shipments/export?') && url.includes('emergency='))).toBe(
    true,
  );

  await screenshot(page, 'reports');
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalScroll(page);
  // At phone width the rows are cards, still a table to assistive technology.
  await expect(ppe.getByRole('cell')).toHaveText(['1', '2', '175,000.00 USD', '510,000 each']);
  await page
    .getByRole('heading', { name: 'Summary by category' })
    .evaluate((heading) => heading.scrollIntoView());
  if (process.env.UPDATE_SCREENSHOTS === '1')
    await page.screenshot({ path: resolve(__dirname, '../../docs/screenshots/reports-summary-phone.png') });
  expect(consoleErrors).toEqual([]);
});

test('a partner’s report covers its own shipments only, by month', async ({ page, admin }) => {
  const coordinator = admin.as(await createToken(admin, 'coordinator'));
  const ours = await recordSeedCase(admin, coordinator);
  await recordSeedCase(admin, coordinator);
  await signIn(page, await createToken(admin, 'partner', ours.recipient.id));
  await page.goto('/reports');
  // Partners may not list organizations: no donor or recipient filter is offered.
  await expect(page.getByLabel('Donor')).toHaveCount(0);
  await page.getByLabel('Group by').selectOption({ label: 'Month created' });
  const table = page.getByRole('table', { name: 'Summary by month created' });
  await expect(table.getByRole('row')).toHaveCount(2);
  const month = new Intl.DateTimeFormat('en-GB', { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    new Date(),
  );
  await expect(table.getByRole('rowheader')).toHaveText([month]);
  await expect(table.getByRole('cell').first()).toHaveText('1');
});

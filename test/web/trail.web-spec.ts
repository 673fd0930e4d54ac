import { generateKeyPairSync } from 'node:crypto';
import type { Page } from '@playwright/test';
import { cosign, cosignerVerifierKey } from '../../src/audit/merkle/cosignature';
import type { Api } from '../support/http';
import { createShipment, seedParties } from '../support/builders';
import { createToken, expect, expectNoHorizontalScroll, signIn, test } from './fixtures';
import { recordSeedCase } from './seed-case-api';
import { screenshot } from './screenshots';

const ENTRIES = 7; // created + six events

type Entry = { seq: number | null; action: string; after: { event?: { type: string } } };

/** The seq of the shipment's entry that `pick` finds, once the log has sequenced it (within about 2 s). */
async function sequencedSeq(
  admin: Api,
  shipmentId: string,
  pick: (entry: Entry) => boolean,
): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const entry = ((await admin.get(`/shipments/${shipmentId}/history`)).body.data as Entry[]).find(pick);
    if (entry?.seq != null) return entry.seq;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('entry not sequenced within 10 s');
}

/** The page's requests, to check that the token travels in a header and never in a URL. */
function watchUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

test('an auditor sees the seed shipment’s trail verified by the browser itself', async ({
  page,
  admin,
  consoleErrors,
}) => {
  const seed = await recordSeedCase(admin, admin.as(await createToken(admin, 'coordinator')));
  const auditor = await createToken(admin, 'auditor');
  const urls = watchUrls(page);
  await signIn(page, auditor);
  // The shipment screen carries the verdict in one line, and leads to the details.
  await page.goto(`/shipments/${seed.id}`);
  const summary = page.getByRole('status').filter({ hasText: 'Verified in your browser' });
  await expect(summary).toContainText(`All ${ENTRIES} of its changes are in the signed log`, {
    timeout: 20_000,
  });
  await summary.getByRole('link', { name: 'See the history' }).click();

  await expect(page.getByRole('heading', { level: 1, name: `History of ${seed.reference}` })).toBeVisible();
  const badge = page.getByRole('status').filter({ hasText: 'Verified in your browser' });
  await expect(badge).toBeVisible({ timeout: 20_000 });
  await expect(badge).toContainText(`All ${ENTRIES} changes are in the signed log, unchanged`);
  await expect(badge).toContainText('Log size');
  await expect(badge).toContainText('Checkpoint signed');
  // The shipment screen's check kept the checkpoint; this one is checked against it.
  await expect(badge).toContainText(
    /The log only grew since the checkpoint this browser saw before \(\d+ entries\)/,
  );
  // Every entry was checked: its proof fetched, its leaf hash recomputed here.
  expect(urls.filter((url) => url.includes('/api/v1/audit/proof/inclusion')).length).toBeGreaterThanOrEqual(
    ENTRIES,
  );
  await expect(page.locator('.trail-entry')).toHaveCount(ENTRIES);
  await expect(page.locator('.entry-state-verified')).toHaveCount(ENTRIES);

  // What changed, field by field: the hold's status change and its note, not raw JSON.
  const hold = page
    .getByRole('listitem')
    .filter({ has: page.getByRole('cell', { name: 'Customs inspection at Kars' }) });
  await expect(hold.getByRole('row').filter({ hasText: /^status/ })).toContainText('in_transit');
  await expect(hold.getByRole('row').filter({ hasText: /^status/ })).toContainText('held');
  await expect(hold.getByText('by ')).toBeVisible();

  // The whole log, checked by the service, and its export downloaded with the token in the header.
  await page.getByRole('button', { name: 'Verify the whole log' }).click();
  await expect(page.getByText(/the log of \d+ entries matches every signed checkpoint/)).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the export' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('aidtrail-audit.ndjson');
  const exported = await (await file.createReadStream()).toArray();
  expect(Buffer.concat(exported).toString('utf8')).toMatch(/^\{"seq":0,"leafHash":"[0-9a-f]{64}",/);
  expect(urls.filter((url) => url.includes(auditor))).toEqual([]);

  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'trail');
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoHorizontalScroll(page);
  expect(consoleErrors).toEqual([]);
});

test('the badge turns red and names the entry whose inclusion proof was altered on the way', async ({
  page,
  admin,
}) => {
  const seed = await recordSeedCase(admin, admin.as(await createToken(admin, 'coordinator')));
  const seq = await sequencedSeq(admin, seed.id, (entry) => entry.after.event?.type === 'held');

  await page.route('**/api/v1/audit/proof/inclusion?**', async (route) => {
    const response = await route.fetch();
    const proof = await response.json();
    if (proof.seq === seq) {
      const [first, ...rest] = proof.path as string[];
      proof.path = [`${first.slice(0, -1)}${first.endsWith('0') ? '1' : '0'}`, ...rest];
    }
    await route.fulfill({ response, json: proof });
  });
  await signIn(page, await createToken(admin, 'auditor'));
  await page.goto(`/shipments/${seed.id}`);

  await expect(page.getByRole('alert')).toContainText('Verification FAILED One change does not check out.', {
    timeout: 20_000,
  });
  await page.getByRole('link', { name: 'See the history' }).click();
  const alarm = page.getByRole('alert');
  await expect(alarm).toContainText('Verification FAILED', { timeout: 20_000 });
  await expect(alarm).toContainText(`Entry #${seq} (Event recorded,`);
  await expect(alarm).toContainText('its inclusion proof does not lead to the signed root');
  await expect(alarm.getByRole('listitem')).toHaveCount(1);
  const entry = page.locator('.trail-entry-failed');
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText(`#${seq}`);
  await expect(entry).toContainText('Customs inspection at Kars');
  await screenshot(page, 'trail-failed');
});

test('the badge shows each witness’s cosignature, verified in the browser; a forged one is named in red', async ({
  page,
  admin,
}) => {
  const seed = await recordSeedCase(admin, admin.as(await createToken(admin, 'coordinator')));
  // Two witnesses cosign the log's real checkpoint with the service's own cosignature code; the second
  // line's timestamp is then changed, so its signature no longer holds.
  const good = generateKeyPairSync('ed25519');
  const forged = generateKeyPairSync('ed25519');
  const time = Math.floor(Date.now() / 1000);
  await page.route('**/api/v1/audit/checkpoint**', async (route) => {
    const response = await route.fetch();
    const checkpoint = await response.json();
    const text = (checkpoint.note as string).slice(0, (checkpoint.note as string).lastIndexOf('\n\n') + 1);
    const line = cosign(text, 'forged.witness.test', forged.privateKey, time);
    const blob = Buffer.from(line.slice(line.lastIndexOf(' ') + 1), 'base64');
    blob.writeBigUInt64BE(BigInt(time - 3600), 4);
    checkpoint.note += `${cosign(text, 'good.witness.test', good.privateKey, time)}\n`;
    checkpoint.note += `${line.slice(0, line.lastIndexOf(' ') + 1)}${blob.toString('base64')}\n`;
    await route.fulfill({ response, json: checkpoint });
  });
  await page.route('**/api/v1/audit/witnesses', (route) =>
    route.fulfill({
      json: {
        data: [
          {
            name: 'good.witness.test',
            verifierKey: cosignerVerifierKey('good.witness.test', good.publicKey),
          },
          {
            name: 'forged.witness.test',
            verifierKey: cosignerVerifierKey('forged.witness.test', forged.publicKey),
          },
        ].map((witness) => ({
          ...witness,
          keyId: witness.verifierKey.split('+')[1],
          cosignedSize: null,
          cosignedAt: null,
          lag: null,
          lastError: null,
          lastErrorAt: null,
        })),
      },
    }),
  );
  await signIn(page, await createToken(admin, 'auditor'));
  await page.goto(`/shipments/${seed.id}/history`);

  const witnesses = page.getByRole('region', { name: 'Witnesses' });
  await expect(witnesses).toBeVisible({ timeout: 20_000 });
  await expect(witnesses.locator('.trail-witness-verified')).toContainText('good.witness.test, cosigned');
  await expect(witnesses.locator('.trail-witness-verified')).toContainText('verified in your browser');
  await expect(witnesses.locator('.trail-witness-failed')).toContainText(
    'The cosignature by forged.witness.test does NOT verify against its listed key.',
  );
  // The log's own signature still holds: the witnesses' lines do not fail the checkpoint.
  await expect(page.locator('.entry-state-verified')).toHaveCount(ENTRIES);
});

test('an entry not yet sequenced shows as pending, and the badge turns green once it is', async ({
  page,
  admin,
}) => {
  const seed = await recordSeedCase(admin, admin.as(await createToken(admin, 'coordinator')));
  await sequencedSeq(admin, seed.id, (entry) => entry.after.event?.type === 'delivered');
  // The first answer shows the newest entry as the service serves it in its first second: no seq yet.
  let answers = 0;
  await page.route('**/api/v1/shipments/*/history?**', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    answers += 1;
    if (answers === 1) Object.assign(body.data.at(-1), { seq: null, leafHash: null });
    await route.fulfill({ response, json: body });
  });
  await signIn(page, await createToken(admin, 'auditor'));
  await page.goto(`/shipments/${seed.id}/history`);

  const pending = page.getByRole('status').filter({ hasText: 'Partly verified' });
  await expect(pending).toContainText('One change is not yet sequenced; checking again in a moment.');
  await expect(page.locator('.trail-entry').last()).toContainText('(not yet sequenced)');
  await expect(page.locator('.trail-entry').last()).toContainText('Pending');
  await expect(page.getByRole('status').filter({ hasText: 'Verified in your browser' })).toBeVisible({
    timeout: 10_000,
  });
  await expect(page.locator('.entry-state-verified')).toHaveCount(ENTRIES);
  expect(answers).toBeGreaterThanOrEqual(2);
});

test('a new checkpoint is checked against the one the browser kept; a log that does not extend it is shown loudly', async ({
  page,
  admin,
}) => {
  const coordinator = admin.as(await createToken(admin, 'coordinator'));
  const seed = await recordSeedCase(admin, coordinator);
  await signIn(page, await createToken(admin, 'auditor'));
  await page.goto(`/shipments/${seed.id}/history`);
  await expect(page.getByRole('status').filter({ hasText: 'Verified in your browser' })).toBeVisible({
    timeout: 20_000,
  });
  const kept = await page.evaluate(() =>
    JSON.parse(localStorage.getItem('aidtrail.audit.checkpoint') ?? 'null'),
  );
  expect(kept).toMatchObject({ treeSize: expect.any(Number), rootHash: expect.any(String) });

  // The log grows (another shipment), the browser comes back: consistent with what it kept.
  await recordSeedCase(admin, coordinator);
  await page.reload();
  const badge = page.getByRole('status').filter({ hasText: 'Verified in your browser' });
  await expect(badge).toContainText(
    `The log only grew since the checkpoint this browser saw before (${kept.treeSize} entries)`,
    { timeout: 20_000 },
  );

  // A kept checkpoint that this log does not extend (another root at an earlier size): red, and kept.
  const forged = { ...kept, rootHash: Buffer.alloc(32, 7).toString('base64') };
  await page.evaluate(
    (value) => localStorage.setItem('aidtrail.audit.checkpoint', JSON.stringify(value)),
    forged,
  );
  await page.reload();
  const alarm = page.getByRole('alert');
  await expect(alarm).toContainText('Verification FAILED', { timeout: 20_000 });
  await expect(alarm).toContainText(
    `The log does NOT extend the checkpoint this browser saw before (${kept.treeSize} entries)`,
  );
  expect(
    await page.evaluate(() => JSON.parse(localStorage.getItem('aidtrail.audit.checkpoint') ?? 'null')),
  ).toEqual(forged);
});

test('a partner is offered no history, and a coordinator no whole-log tools', async ({ page, admin }) => {
  const seed = await recordSeedCase(admin, admin.as(await createToken(admin, 'coordinator')));
  await signIn(page, await createToken(admin, 'partner', seed.recipient.id));
  await page.goto(`/shipments/${seed.id}/history`);
  await expect(page.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, await createToken(admin, 'coordinator'));
  await page.goto(`/shipments/${seed.id}/history`);
  await expect(page.getByRole('status').filter({ hasText: 'Verified in your browser' })).toBeVisible({
    timeout: 20_000,
  });
  await expect(page.getByRole('button', { name: 'Verify the whole log' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Download the export' })).toHaveCount(0);
});

test('values in the trail are shown as text: a title made of markup stays characters', async ({
  page,
  admin,
}) => {
  const title = '<img src=x onerror="document.title=\'pwned\'"> & <script>alert(1)</script>';
  const coordinator = admin.as(await createToken(admin, 'coordinator'));
  const { donor, recipient } = await seedParties(admin);
  const shipment = await createShipment(coordinator, donor.id, recipient.id, { title });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await signIn(page, await createToken(admin, 'auditor'));
  await page.goto(`/shipments/${shipment.id}/history`);
  await expect(page.getByRole('status').filter({ hasText: 'Verified in your browser' })).toBeVisible({
    timeout: 20_000,
  });
  await page.getByText(/^Show \d+ more fields$/).click();
  await expect(page.getByRole('cell', { name: title, exact: true })).toBeVisible();
  await expect(page.locator('.trail-entries img, .trail-entries script')).toHaveCount(0);
  expect(dialogs).toEqual([]);
  expect(await page.title()).not.toBe('pwned');
});

import type { Page } from '@playwright/test';
import { resolve } from 'node:path';

const DIR = resolve(__dirname, '../../docs/screenshots');

/**
 * Screenshots of the main screens for the README, at desktop and phone width: written only when
 * UPDATE_SCREENSHOTS=1 (they change with every run's references and times).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const viewport = page.viewportSize();
  const phone = { width: 390, height: 844 };
  await page.screenshot({ path: `${DIR}/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(phone);
  await page.screenshot({ path: `${DIR}/${name}-phone.png` }); // the first screenful, as a phone shows it
  if (viewport) await page.setViewportSize(viewport);
}

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`): the only browser the dashboard's tests and bench drive. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a headless run that talks to nothing but the page's server. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Whether Debian's Chromium is installed. */
export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** A headless Chromium with a fresh profile directory, removed on close. */
export async function openChromium(viewport = { width: 1400, height: 1000 }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'sensorlake-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: FLAGS, viewport });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the page has loaded every view and drawn each room's chart (the page marks them `data-drawn`). */
export async function waitForDashboard(page: Page): Promise<void> {
  await page.waitForSelector('body[data-loaded="true"]');
  const charts = page.locator('[data-testid^="room-chart-"]');
  const drawn = page.locator('[data-testid^="room-chart-"][data-drawn="true"]');
  const total = await charts.count();
  if ((await drawn.count()) !== total) throw new Error(`${await drawn.count()} of ${total} room charts drawn after the page loaded`);
}

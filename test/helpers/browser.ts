import type { INestApplication } from '@nestjs/common';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Download, type Page } from 'playwright-core';
import { TEST_PASSWORD } from './auth';

declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- inside page.evaluate (no DOM lib here)

/**
 * Browser tests drive Debian's Chromium with playwright-core (nothing is downloaded):
 * CHROMIUM_PATH, else /usr/bin/chromium (.ci/run installs it).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** Starts the test app's HTTP server on a free port and returns its base URL. */
export async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

/** Opens the login page, signs in, and waits for the first page the user may see. */
export async function signIn(page: Page, baseUrl: string, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/#/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.top');
  await waitReady(page);
}

/** Waits until the current page has rendered (main[data-state=ready]). */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForSelector('main[data-state=ready]', { timeout: 30_000 });
}

/** Goes to a hash route and waits until it has rendered. */
export async function open(page: Page, baseUrl: string, hash: string): Promise<void> {
  await page.evaluate(() => document.querySelector('main')?.removeAttribute('data-state'));
  const url = `${baseUrl}/${hash}`;
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await waitReady(page);
}

/** Clicks a download button and returns the file's name and bytes. */
export async function downloadBy(page: Page, selector: string): Promise<{ name: string; body: Buffer }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), page.click(selector)])) as [Download, void];
  const file = await download.path();
  return { name: download.suggestedFilename(), body: fs.readFileSync(file) };
}

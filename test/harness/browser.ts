/**
 * Headless Chromium for the browser tests (DESIGN.md §8): Debian's /usr/bin/chromium (never
 * a downloaded browser) driven by playwright-core, in a fresh profile directory that is
 * removed on close. Screenshots go to .artifacts/e2e/ (gitignored), kept for CI.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { errorMessage, vigilError } from '../../shared/errors.ts';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const ARTIFACTS = new URL('../../.artifacts/e2e/', import.meta.url).pathname;

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page, for assertions. */
  errors: string[];
  screenshot(name: string, fullPage?: boolean): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw vigilError('VGL_ERR_HARNESS_START', [
      'Chromium',
      `${CHROMIUM} is missing: apt-get install -y chromium`,
    ]);
  }
  const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1360, height: 900 },
      colorScheme: 'dark',
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw vigilError('VGL_ERR_HARNESS_START', ['Chromium', errorMessage(err)], { cause: err });
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    page,
    errors,
    async screenshot(name, fullPage = false) {
      const path = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path, fullPage });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

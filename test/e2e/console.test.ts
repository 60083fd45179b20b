/**
 * The console in a real browser (headless Chromium) against `vigil run all` (embedded):
 * an analyst signs in, watches an alert appear live from events injected through the API,
 * opens it and sees its chart with the baseline band, acknowledges it and finds the action
 * with the actor in its history, filters the queue with the keyboard and the form, and an
 * integration key gets a read-only console. Screenshots land in .artifacts/e2e/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from '../harness/browser.ts';
import { startVigilProcess, type EmbeddedProcess } from '../harness/embedded-process.ts';

const ANALYST = 'alice-key-e2e-0001';
const INTEGRATION = 'soar-key-e2e-00001';
const MIN = 60_000;

let vigil: EmbeddedProcess;
let browser: Browser;
let page: Page;

async function ingest(events: unknown[]): Promise<void> {
  const res = await fetch(`${vigil.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${INTEGRATION}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(res.status).toBe(202);
}

/** 90 minutes of steady UPS load, then a spike facility.metric flags (probation 60 points). */
function upsSeries(device: string): unknown[] {
  const start = Math.floor(Date.now() / MIN) * MIN - 95 * MIN;
  return Array.from({ length: 93 }, (_, i) => ({
    type: 'facility',
    event_id: `${device}-${i}`,
    ts: start + i * MIN,
    tenant: 'acme',
    site: 'fra1',
    zone: 'power-room',
    kind: 'ups',
    device_id: device,
    metrics: { load_pct: i >= 90 ? 85 : 40 + ((i * 7) % 5) - 2 },
  }));
}

async function signIn(key: string): Promise<void> {
  await page.goto(`${vigil.url}/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Alert queue' }).waitFor();
  await page.locator('#live-state[data-state="live"]').waitFor();
}

beforeAll(async () => {
  vigil = await startVigilProcess({
    apiKeys: `alice:${ANALYST}:analyst,soar:${INTEGRATION}:integration`,
    config: [
      'detectors:',
      '  facility.metric:',
      '    learning_minutes: 0',
      // A device's combined score speaks after twice the probation: 80 of the 93 readings.
      '    probation_points: 40',
      '    season_period_hours: 0',
      '',
    ].join('\n'),
  });
  browser = await launchBrowser();
  page = browser.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  expect(await vigil?.stop()).toBe(0);
});

describe('triage console', () => {
  it('shows an alert live, charts it with its baseline band, and records the acknowledgement by the key', async () => {
    const streams: Array<Record<string, string>> = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/stream')) streams.push(r.headers());
    });
    await signIn(ANALYST);
    expect(await page.locator('#who').textContent()).toBe('alice · analyst');
    await expect.poll(() => page.getByText('No alerts match these filters.').isVisible()).toBe(true);

    await ingest(upsSeries('ups-e2e'));
    const row = page.locator('table.queue tbody tr', { hasText: 'load_pct on UPS ups-e2e' });
    await row.waitFor({ timeout: 60_000 });
    expect(await row.getAttribute('class')).toMatch(/sev-row-(high|critical|medium)/);
    await expect.poll(() => page.locator('#new-count').textContent()).toBe('1 new since open');
    await browser.screenshot('queue-live');

    // The feed reconnects after a dropped connection and says where it stopped.
    await page.evaluate('window.vigilReconnect()');
    await expect.poll(() => streams.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    expect(streams.at(-1)!['last-event-id']).toMatch(/^[0-9a-f]{32}:\d+$/);
    expect(streams[0]!['authorization']).toBe(`Bearer ${ANALYST}`);

    await row.getByRole('link').click();
    await page.getByRole('heading', { name: 'Measured around the alert' }).waitFor();
    const chart = page.locator('svg.chart.series');
    await expect.poll(() => chart.locator('rect.band').count()).toBe(1);
    expect(await chart.locator('path.line').getAttribute('d')).toMatch(
      /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){50,}/,
    );
    expect(await chart.locator('circle.point.anomalous').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#chart-desc').textContent()).toMatch(
      /baseline band [\d.]+ to [\d.]+; expected/,
    );
    await browser.screenshot('alert-view', true);
    await page.getByRole('heading', { name: 'Measured around the alert' }).scrollIntoViewIfNeeded();
    await page.evaluate('window.scrollTo(0, 0)');
    await browser.screenshot('alert-view-top'); // docs/console-alert.png is one of these

    await page.getByLabel('Note (optional; the comment text)').fill('checking the PDU');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    const history = page.locator('table.history tbody tr');
    await history.first().waitFor();
    expect(await history.first().locator('td').allTextContents()).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      'alice',
      'analyst',
      'acknowledge',
      '',
      'checking the PDU',
    ]);
    expect(await page.locator('.meta .status').textContent()).toBe('acknowledged');
    expect(browser.errors).toEqual([]);
  });

  it('filters the queue by form and keyboard', async () => {
    const now = Date.now();
    await ingest([
      {
        type: 'access',
        event_id: 'e2e-cross-1',
        ts: now - MIN,
        tenant: 'acme',
        principal: 'mallory',
        action: 'export',
        resource: 'globex/vectors',
        resource_tenant: 'globex',
        sensitivity: 'restricted',
        outcome: 'allowed',
      },
    ]);
    await page.goto(`${vigil.url}/#/queue?status=any`);
    const rows = page.locator('table.queue tbody tr');
    await page.locator('table.queue tbody tr', { hasText: 'mallory' }).waitFor({ timeout: 60_000 });
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);

    await page.getByRole('checkbox', { name: 'critical' }).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.evaluate('location.hash')).toBe('#/queue?severity=critical&status=any');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('access.cross_tenant');

    await page.goto(`${vigil.url}/#/queue?status=acknowledged`);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('ups-e2e');

    await page.goto(`${vigil.url}/#/queue?status=any`);
    await expect.poll(() => rows.count()).toBe(2);
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.id')).toBe('f-q');
    await page.keyboard.type('mallory');
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count()).toBe(1);
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /Cross-tenant export by mallory/ }).waitFor();
    await browser.screenshot('queue-filtered');
  });

  it('gives an integration key a read-only console', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(INTEGRATION);
    expect(await page.locator('#who').textContent()).toBe('soar · integration');
    await page.goto(`${vigil.url}/#/queue?status=any`);
    await page.locator('table.queue tbody tr', { hasText: 'ups-e2e' }).getByRole('link').click();
    await page.getByRole('heading', { name: 'Triage' }).waitFor();
    expect(await page.locator('#triage-readonly').textContent()).toContain(
      'can read alerts but not triage them',
    );
    expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect(await page.locator('table.history td.actor').first().textContent()).toBe('alice');

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: /Alerts per hour by category — 2 in total/ }).waitFor();
    expect(await page.locator('svg.chart.bars rect.bar').count()).toBeGreaterThanOrEqual(2);
    await browser.screenshot('overview');
    // The key never left the tab's sessionStorage: not in the URL, not in a cookie.
    expect(page.url()).not.toContain(INTEGRATION);
    expect(await page.context().cookies()).toEqual([]);
    expect(await page.evaluate("sessionStorage.getItem('vigil.api-key')")).toBe(INTEGRATION);
  });
});

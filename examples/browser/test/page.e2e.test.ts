// End to end: the built example page in Chromium (playwright-core), against server.mjs minting with core over real
// HTTP on 127.0.0.1 (a secure context). Tokens are issued 55 s in the past with PubNub's minimum ttl of 1 minute,
// so each lives 5 s and the page must refresh within seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_LAUNCH_OPTIONS } from '../../../vitest.shared.js';
import { startServer } from '../server.mjs';


let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ port: 0, ttl: 1, backdate: 55 });
  browser = await chromium.launch(CHROMIUM_LAUNCH_OPTIONS);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(new URL(path, server.url).href);
  return { page, errors };
}

describe('examples/browser', () => {
  it('obtains a token, shows its permissions and time left, and refreshes it', async () => {
    const { page, errors } = await open('/');
    await page.waitForSelector('#status[data-state="ok"]');
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);

    const rows = await page.$$eval('#permissions tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).toEqual([
      ['channels', 'room-1', 'exact', 'read, write'],
      ['groups', 'cg-lobby', 'exact', 'read'],
      ['channels', '^public-.*$', 'pattern', 'read'],
    ]);
    expect(await page.textContent('#binding')).toContain('Bound to uuid alice');
    expect(await page.textContent('#time-left')).toMatch(/^0:0[0-5]$/);
    const firstId = await page.textContent('#token-id');
    expect(firstId).toMatch(/^[0-9a-f]{8}$/);

    // A 5-second token is refreshed halfway through; the page shows the new one.
    await page.waitForFunction(() => Number(document.getElementById('refresh-count')!.dataset.count) >= 2, undefined, {
      timeout: 15_000,
    });
    expect(await page.textContent('#token-id')).not.toBe(firstId);
    expect(await page.textContent('#time-left')).toMatch(/^0:0[0-5]$/);
    expect(server.minted()).toBeGreaterThanOrEqual(3);
    // The token text is nowhere in the page.
    const html = await page.content();
    const token: string = await page.evaluate(async () => (await (await fetch('/api/token')).json()).token);
    expect(html).not.toContain(token.slice(0, 24));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reports a permanent failure when the endpoint says the user is signed out', async () => {
    const { page } = await open('/?tokenUrl=/api/signed-out');
    await page.waitForSelector('#status[data-state="error"]');
    expect(await page.textContent('#status')).toContain('sign in again');
    expect(await page.textContent('#log')).toContain('Token endpoint answered HTTP 401');
    await page.close();
  });
});

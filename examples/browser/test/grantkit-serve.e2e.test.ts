// End to end against the real service: `grantkit serve` (the built @grantkit/node bin, on embedded SQLite in a temp
// directory) issues the tokens; the example's app server asks it for them as the official SDKs do (signature v2); the
// built page in Chromium obtains, shows and refreshes them. Tokens live PubNub's minimum of one minute and the client
// refreshes halfway, so this file takes about half a minute.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_LAUNCH_OPTIONS } from '../../../vitest.shared.js';
import { startServer } from '../server.mjs';

const CLI = fileURLToPath(new URL('../../../packages/node/dist/cli.js', import.meta.url));
const KEYS = { subscribeKey: 'sub-c-e2e', publishKey: 'pub-c-e2e', secretKey: 'sec-c-e2e-secret' };

let service: ChildProcess;
let dataDirectory: string;
let app: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

/** Starts `grantkit serve` on a free port and resolves its URL once it logs that it is listening. */
function startService(): Promise<string> {
  service = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDirectory], {
    env: { ...process.env, GRANTKIT_SUBSCRIBE_KEY: KEYS.subscribeKey, GRANTKIT_PUBLISH_KEY: KEYS.publishKey, GRANTKIT_SECRET_KEY: KEYS.secretKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`grantkit serve did not start:\n${output}`)), 20_000);
    service.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /"message":"listening"[^\n]*"url":"([^"]+)"/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    service.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    service.once('exit', (code) => reject(new Error(`grantkit serve exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  dataDirectory = mkdtempSync(join(tmpdir(), 'grantkit-e2e-'));
  const origin = await startService();
  app = await startServer({ port: 0, ttl: 1, grantkit: { origin, ...KEYS } });
  browser = await chromium.launch(CHROMIUM_LAUNCH_OPTIONS);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (service?.pid !== undefined && service.exitCode === null) {
    const exited = new Promise((resolve) => service.once('exit', resolve));
    process.kill(service.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe('examples/browser against grantkit serve', () => {
  it('obtains a token issued by the service, shows it, and refreshes it before it expires', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    await page.waitForSelector('#status[data-state="ok"]');
    const rows = await page.$$eval('#permissions tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).toEqual([
      ['channels', 'room-1', 'exact', 'read, write'],
      ['groups', 'cg-lobby', 'exact', 'read'],
      ['channels', '^public-.*$', 'pattern', 'read'],
    ]);
    expect(await page.textContent('#binding')).toContain('ttl 1 min');
    const firstId = await page.textContent('#token-id');

    // A one-minute token is refreshed about halfway through its life.
    await page.waitForFunction(() => Number(document.getElementById('refresh-count')!.dataset.count) >= 1, undefined, { timeout: 50_000 });
    expect(await page.textContent('#token-id')).not.toBe(firstId);
    expect(app.minted()).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    await page.close();
  }, 70_000);
});

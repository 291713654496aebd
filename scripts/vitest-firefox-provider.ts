/**
 * A vitest browser provider for Firefox without Playwright's patched Firefox or geckodriver (neither can be
 * downloaded here): it launches Debian's stock `firefox-esr` headless with puppeteer-core, which speaks WebDriver BiDi
 * to Firefox's built-in remote agent over loopback, and opens vitest's test page in it. Everything else (collecting,
 * running, reporting, `vi` fake timers and spies) is vitest's own browser mode, exactly as in the Chromium runs.
 *
 * The two dependencies come from the calling config, so this file (shared by the packages' configs) resolves
 * nothing itself:
 *
 * ```ts
 * import { defineBrowserProvider } from '@vitest/browser';
 * import puppeteer from 'puppeteer-core';
 * provider: defineBrowserProvider(firefoxBidi(puppeteer)),
 * instances: [{ browser: 'firefox' }],
 * ```
 *
 * No page commands (`userEvent`, screenshots) and no module mocking through the provider: the browser tests use
 * neither. A missing Firefox fails the run with the command that installs it.
 */
import { existsSync } from 'node:fs';

/** Where the browser is: `FIREFOX_PATH`, else Debian's firefox-esr (scripts/bootstrap.sh installs it). */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** How long closing may take before the browser process is killed by its pid. */
const CLOSE_TIMEOUT_MS = 10_000;

/** The part of puppeteer-core this provider uses (structural, so this file imports no package). */
export interface PuppeteerLike {
  launch(options: {
    browser: 'firefox';
    executablePath: string;
    headless: boolean;
    extraPrefsFirefox: Record<string, unknown>;
  }): Promise<PuppeteerBrowserLike>;
}

interface PuppeteerBrowserLike {
  newPage(): Promise<PuppeteerPageLike>;
  version(): Promise<string>;
  process(): { pid?: number | undefined } | null;
  close(): Promise<void>;
}

interface PuppeteerPageLike {
  goto(url: string, options: { timeout: number; waitUntil: 'load' }): Promise<unknown>;
  close(): Promise<void>;
}

/** The part of vitest's TestProject this provider reads. */
interface ProjectLike {
  config: { browser: { headless: boolean } };
}

/**
 * Firefox prefs on top of puppeteer's automation defaults: the network beyond loopback is closed here, so nothing
 * should try to reach Mozilla's services at start.
 */
const QUIET_PREFS: Record<string, unknown> = {
  'app.update.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'services.settings.server': 'http://127.0.0.1:9/none',
  'toolkit.telemetry.enabled': false,
};

class FirefoxBidiProvider {
  readonly name = 'firefox-bidi';
  // One page runs the test files one after another (vitest isolates them in iframes); two cores are shared anyway.
  readonly supportsParallelism = false;
  private browser: Promise<PuppeteerBrowserLike> | undefined;
  private readonly pages = new Map<string, PuppeteerPageLike>();

  constructor(
    private readonly puppeteer: PuppeteerLike,
    private readonly project: ProjectLike,
  ) {}

  private launch(): Promise<PuppeteerBrowserLike> {
    this.browser ??= (async () => {
      if (!existsSync(FIREFOX_PATH)) {
        throw new Error(
          `Firefox is not installed at ${FIREFOX_PATH}: run \`apt-get install -y firefox-esr\` ` +
            '(scripts/bootstrap.sh does) or set FIREFOX_PATH',
        );
      }
      return this.puppeteer.launch({
        browser: 'firefox',
        executablePath: FIREFOX_PATH,
        headless: this.project.config.browser.headless,
        extraPrefsFirefox: QUIET_PREFS,
      });
    })();
    return this.browser;
  }

  getCommandsContext(sessionId: string): Record<string, unknown> {
    return { page: this.pages.get(sessionId) };
  }

  async openPage(sessionId: string, url: string): Promise<void> {
    const browser = await this.launch();
    await this.pages.get(sessionId)?.close();
    const page = await browser.newPage();
    this.pages.set(sessionId, page);
    // No timeout: vitest's own test timeouts govern a run; the page only has to load its orchestrator.
    await page.goto(url, { timeout: 0, waitUntil: 'load' });
  }

  async close(): Promise<void> {
    const launching = this.browser;
    this.browser = undefined;
    this.pages.clear();
    const browser = await launching?.catch(() => undefined);
    if (browser === undefined) return;
    const pid = browser.process()?.pid;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS);
    });
    const closing = browser.close().then(() => 'closed' as const, () => 'failed' as const);
    const outcome = await Promise.race([closing, timedOut]);
    clearTimeout(timer);
    // A browser that did not close cleanly is stopped by its own pid, never by name.
    if (outcome !== 'closed' && pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/**
 * The provider options for `defineBrowserProvider` from `@vitest/browser`.
 *
 * @param puppeteer - `puppeteer-core`'s default export.
 */
export function firefoxBidi(puppeteer: PuppeteerLike) {
  return {
    name: 'firefox-bidi',
    supportedBrowser: ['firefox'] as const,
    providerFactory: (project: ProjectLike) => new FirefoxBidiProvider(puppeteer, project),
  };
}

/**
 * Shared vitest settings. When GRANTKIT_TEST_RESULTS names a directory (the root `npm test` sets it), each run also
 * writes a JSON report there, so scripts/test-summary.mjs can print one closing "N passed, N failed" line for the
 * whole suite across packages and runtimes.
 */
import { join } from 'node:path';

type Reporter = string | [string, Record<string, unknown>];

/**
 * Reporters for one run: the default console reporter, plus a JSON file named `<label>.json` when requested. The
 * runtime matrix (scripts/matrix.mjs) sets GRANTKIT_RUNTIME, so each runtime's report gets its own name.
 */
export function reporters(label: string): Reporter[] {
  const directory = process.env.GRANTKIT_TEST_RESULTS;
  const runtime = process.env.GRANTKIT_RUNTIME;
  const name = runtime === undefined || runtime === '' ? label : `${label}@${runtime}`;
  return directory ? ['default', ['json', { outputFile: join(directory, `${name}.json`) }]] : ['default'];
}

/**
 * How the browser projects launch Debian's Chromium: headless, no sandbox (we run as root), and no background
 * networking (the network is closed; Chromium would otherwise retry connections at every start).
 */
export const CHROMIUM_LAUNCH_OPTIONS = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
  ],
};

/** The provider modules a package's browser config passes in (the root resolves neither package itself). */
export interface BrowserProviders<Provider> {
  playwright: (options: { launchOptions: typeof CHROMIUM_LAUNCH_OPTIONS }) => Provider;
  firefox: () => Provider;
}

/**
 * The `test.browser` block of a package's browser config, for Debian's Chromium (Playwright) or Debian's Firefox ESR
 * (WebDriver BiDi, scripts/vitest-firefox-provider.ts): headless, one instance, and screenshots on failure only
 * where the provider can take them.
 */
export function browserOptions<Provider>(browser: 'chromium' | 'firefox', providers: BrowserProviders<Provider>) {
  return {
    enabled: true,
    headless: true,
    provider: browser === 'chromium' ? providers.playwright({ launchOptions: CHROMIUM_LAUNCH_OPTIONS }) : providers.firefox(),
    instances: [{ browser }],
    // Screenshots are a Playwright command; the Firefox provider has none, and the report says what failed.
    screenshotFailures: browser === 'chromium',
  };
}

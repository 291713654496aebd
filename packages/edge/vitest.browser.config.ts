/**
 * Tests in a real browser: the WebCrypto port this package ships, which browsers share with Workers, under the
 * conformance suite. Debian's Chromium through Playwright (`test:browser`, this file's default; the `chromium`
 * project) or Debian's Firefox ESR over WebDriver BiDi (`test:firefox`, vitest.firefox.config.ts; the `firefox`
 * project).
 */
import { fileURLToPath } from 'node:url';
import { defineBrowserProvider } from '@vitest/browser';
import { playwright } from '@vitest/browser-playwright';
import puppeteer from 'puppeteer-core';
import { defineConfig } from 'vitest/config';
import { browserOptions, reporters } from '../../vitest.shared.js';
import { firefoxBidi } from '../../scripts/vitest-firefox-provider.js';
import { builtEntry } from './test/node/built-entry.js';

export function browserConfig(browser: 'chromium' | 'firefox') {
  return defineConfig({
    // Tests import '@grantkit/edge' as users do, and get the built package (run `pnpm build` first).
    resolve: { alias: { '@grantkit/edge': builtEntry(fileURLToPath(new URL('.', import.meta.url))) } },
    test: {
      reporters: reporters(`edge-${browser}`),
      name: browser,
      include: ['test/browser/**/*.browser.test.ts'],
      browser: browserOptions(browser, { playwright, firefox: () => defineBrowserProvider(firefoxBidi(puppeteer)) }),
    },
  });
}

export default browserConfig('chromium');

import { fileURLToPath } from 'node:url';
import { defineBrowserProvider } from '@vitest/browser';
import { playwright } from '@vitest/browser-playwright';
import puppeteer from 'puppeteer-core';
import { defineConfig } from 'vitest/config';
import { browserOptions, reporters } from '../../vitest.shared.js';
import { firefoxBidi } from '../../scripts/vitest-firefox-provider.js';
import { tokenServerPlugin } from './test/support/token-server-plugin.js';

/**
 * The browser tests in one browser: Debian's Chromium through Playwright (`test:browser`, this file's default) or
 * Debian's Firefox ESR over WebDriver BiDi (`test:firefox`, vitest.firefox.config.ts). Same files, same dev server.
 */
export function browserConfig(browser: 'chromium' | 'firefox') {
  return defineConfig({
    // The dev server that serves the tests also plays the app server: it mints tokens and answers API calls.
    plugins: [tokenServerPlugin()],
    resolve: { alias: { '@grantkit/client': fileURLToPath(new URL('./dist/index.js', import.meta.url)) } },
    test: {
      reporters: reporters(`client-${browser}`),
      include: ['test/**/*.browser.test.ts'],
      browser: browserOptions(browser, { playwright, firefox: () => defineBrowserProvider(firefoxBidi(puppeteer)) }),
    },
  });
}

export default browserConfig('chromium');

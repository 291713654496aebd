/**
 * Tests in real Chromium (the `chromium` project): the WebCrypto port this package ships, which browsers share with
 * Workers, under the conformance suite.
 */
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_LAUNCH_OPTIONS, reporters } from '../../vitest.shared.js';
import { builtEntry } from './test/node/built-entry.js';

export default defineConfig({
  // Tests import '@grantkit/edge' as users do, and get the built package (run `pnpm build` first).
  resolve: { alias: { '@grantkit/edge': builtEntry(fileURLToPath(new URL('.', import.meta.url))) } },
  test: {
    reporters: reporters('edge-chromium'),
    name: 'chromium',
    include: ['test/browser/**/*.browser.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: CHROMIUM_LAUNCH_OPTIONS }),
      instances: [{ browser: 'chromium' }],
    },
  },
});

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_LAUNCH_OPTIONS, reporters } from '../../vitest.shared.js';
import { playwright } from '@vitest/browser-playwright';
import { tokenServerPlugin } from './test/support/token-server-plugin.js';

export default defineConfig({
  // The dev server that serves the tests also plays the app server: it mints tokens and answers API calls.
  plugins: [tokenServerPlugin()],
  resolve: { alias: { '@grantkit/client': fileURLToPath(new URL('./dist/index.js', import.meta.url)) } },
  test: {
    reporters: reporters('client-chromium'),
    include: ['test/**/*.browser.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: CHROMIUM_LAUNCH_OPTIONS }),
      instances: [{ browser: 'chromium' }],
    },
  },
});

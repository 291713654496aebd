import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.js';
import { playwright } from '@vitest/browser-playwright';
import { tokenServerPlugin } from './test/support/token-server-plugin.js';

// Flags our machines need: no sandbox as root, and no background networking (the network is closed).
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

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
      provider: playwright({
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});

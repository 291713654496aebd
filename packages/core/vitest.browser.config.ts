import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.js';
import { playwright } from '@vitest/browser-playwright';

// Flags our machines need: no sandbox as root, and no background networking (the network is closed).
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export default defineConfig({
  // The shared wire-format vectors live beside the repository (../shared/spec).
  server: { fs: { allow: [fileURLToPath(new URL('../../..', import.meta.url))] } },
  test: {
    reporters: reporters('core-chromium'),
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

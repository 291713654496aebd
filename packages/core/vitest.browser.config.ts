import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_LAUNCH_OPTIONS, reporters } from '../../vitest.shared.js';
import { playwright } from '@vitest/browser-playwright';

export default defineConfig({
  // The shared wire-format vectors live beside the repository (../shared/spec).
  server: { fs: { allow: [fileURLToPath(new URL('../../..', import.meta.url))] } },
  test: {
    reporters: reporters('core-chromium'),
    include: ['test/**/*.browser.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: CHROMIUM_LAUNCH_OPTIONS }),
      instances: [{ browser: 'chromium' }],
    },
  },
});

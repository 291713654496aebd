import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    reporters: reporters('example-browser-e2e'),
    include: ['test/**/*.test.ts'],
    // One Chromium, real timers: a page load plus a refresh of a 5-second token.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

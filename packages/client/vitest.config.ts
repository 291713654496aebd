import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.js';

export default defineConfig({
  // Tests import the package by name and get the built dist, as users do.
  resolve: { alias: { '@grantkit/client': fileURLToPath(new URL('./dist/index.js', import.meta.url)) } },
  test: {
    reporters: reporters('client-node'),
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/**/*.browser.test.ts', 'node_modules/**'],
  },
});

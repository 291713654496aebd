import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.js';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  define: { __GRANTKIT_VERSION__: JSON.stringify(version) },
  test: {
    reporters: reporters('node'),
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Every response a test fetches from a documented route is validated against openapi.json.
    setupFiles: ['test/helpers/contract-setup.ts'],
    // Integration files spawn servers and redis-server; running them one at a time keeps a shared 2-core machine usable.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});

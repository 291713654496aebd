/**
 * The fetch-runtime project: the built package served by Bun's or Deno's own HTTP server (scripts/matrix.mjs runs it
 * under each of them; Workers are covered by vitest.config.ts, Node by @grantkit/node).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.js';
import { builtEntry } from './test/node/built-entry.js';

export default defineConfig({
  resolve: { alias: { '@grantkit/edge': builtEntry(fileURLToPath(new URL('.', import.meta.url))) } },
  test: {
    reporters: reporters('edge-fetch-runtime'),
    name: 'fetch-runtime',
    include: ['test/fetch-runtime/**/*.test.ts'],
  },
});

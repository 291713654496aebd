/**
 * Tests inside real workerd (the `workerd` project): the handler, stores and helper running in the Workers runtime,
 * called the way Cloudflare calls a Worker. Node-side tests (Miniflare, the pubnub SDK, parity) are in
 * vitest.node.config.ts.
 */
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.js';
import { TEST_BINDINGS } from './test/node/bindings.js';
import { builtEntry } from './test/node/built-entry.js';

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './test/worker.ts',
      wrangler: { configPath: './wrangler.jsonc' },
      // Secrets as bindings, as `wrangler secret put` provides them in production.
      miniflare: { bindings: { ...TEST_BINDINGS } },
    }),
  ],
  // Tests import '@grantkit/edge' as users do, and get the built package (run `pnpm build` first).
  resolve: { alias: { '@grantkit/edge': builtEntry(fileURLToPath(new URL('.', import.meta.url))) } },
  test: {
    reporters: reporters('edge-workerd'),
    name: 'workerd',
    include: ['test/*.test.ts'],
  },
});

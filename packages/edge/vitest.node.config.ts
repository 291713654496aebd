/**
 * Node-side tests (the `node` project): Miniflare serving bundled Workers to the official `pubnub` SDK, a run in bare
 * workerd without compatibility flags, and Node ↔ workerd token parity. Run after the workerd project by `pnpm test`.
 */
import { defineConfig } from 'vitest/config';
import { reporters } from '../../vitest.shared.js';

export default defineConfig({
  test: {
    reporters: reporters('edge-node'),
    name: 'node',
    include: ['test/node/**/*.test.ts'],
    // Each file starts a workerd process: one at a time on small machines.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

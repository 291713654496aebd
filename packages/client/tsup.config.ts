import { defineConfig } from 'tsup';

export default defineConfig({
  // One output module per source module, as in core: with "sideEffects": false an app that imports only
  // `parseToken` drops the refresh machinery entirely.
  entry: ['src/**/*.ts', '!src/**/*.test.ts'],
  bundle: false,
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  platform: 'neutral',
  target: 'es2022',
});

import { defineConfig } from 'tsup';

export default defineConfig({
  // One output module per source module (no bundling): with "sideEffects": false, a bundler then drops whole
  // modules a consumer never touches, so a decode-only browser bundle ships neither cbor-x's encoder nor re2js.
  entry: ['src/**/*.ts', '!src/**/*.test.ts'],
  bundle: false,
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  platform: 'neutral',
  target: 'es2022',
});

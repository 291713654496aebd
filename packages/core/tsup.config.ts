import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // One output module per source module (no bundling): with "sideEffects": false, a bundler then drops whole
    // modules a consumer never touches, so a decode-only browser bundle ships neither the token writer nor re2js.
    entry: ['src/**/*.ts', '!src/**/*.test.ts'],
    bundle: false,
    format: ['esm'],
    dts: { entry: 'src/index.ts' },
    sourcemap: true,
    // Keep the CommonJS build written beside this one (both run at once).
    clean: ['!index.cjs', '!index.cjs.map'],
    platform: 'neutral',
    target: 'es2022',
  },
  {
    // `require()` and TypeScript projects compiled as CommonJS: one bundled file (tree-shaking is an ESM concern).
    // Its declarations are copied from the ESM ones by scripts/emit-cjs-types.mjs.
    entry: ['src/index.ts'],
    format: ['cjs'],
    sourcemap: true,
    clean: false,
    platform: 'neutral',
    target: 'es2022',
  },
]);

/**
 * The build of the packages shipped to browsers as well as servers (core, client): one ESM module per source module,
 * plus one bundled CommonJS file. Imported by their `tsup.config.ts`; edge and node build differently.
 */
import type { Options } from 'tsup';

export const modulePerSourceBuild: Options[] = [
  {
    // One output module per source module (no bundling): with "sideEffects": false a bundler drops whole modules a
    // consumer never touches, so a decode-only browser bundle ships neither the token writer nor re2js, and an app
    // that imports only the client's `parseToken` drops its refresh machinery.
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
];

import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

const shared = {
  sourcemap: true,
  platform: 'node',
  target: 'node20',
  define: { __GRANTKIT_VERSION__: JSON.stringify(version) },
} as const;

export default defineConfig([
  {
    ...shared,
    // The library entry and the CLI bin. Both bundle only this package's sources; dependencies stay external.
    entry: ['src/index.ts', 'src/cli.ts'],
    format: ['esm'],
    dts: { entry: 'src/index.ts' },
    // Keep the CommonJS build written beside this one (both run at once).
    clean: ['!index.cjs', '!index.cjs.map'],
    // One shared chunk keeps `cli.js` small and lets it reuse the library code instead of a second copy.
    splitting: true,
  },
  {
    ...shared,
    // `require()` and TypeScript projects compiled as CommonJS: the library entry only (the bin is ESM). Its
    // declarations are copied from the ESM ones by scripts/emit-cjs-types.mjs; `shims` provides `import.meta.url`.
    entry: ['src/index.ts'],
    format: ['cjs'],
    shims: true,
    clean: false,
  },
]);

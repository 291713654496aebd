import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

const LIBRARY_ENTRIES = ['src/index.ts', 'src/express.ts', 'src/fastify.ts', 'src/hono.ts'];

const shared = {
  sourcemap: true,
  platform: 'node',
  target: 'node20',
  define: { __GRANTKIT_VERSION__: JSON.stringify(version) },
} as const;

export default defineConfig([
  {
    ...shared,
    // The library entries (main, and one per framework so its types are only needed by its users) and the CLI bin.
    // All bundle only this package's sources; dependencies stay external.
    entry: [...LIBRARY_ENTRIES, 'src/cli.ts'],
    format: ['esm'],
    dts: { entry: LIBRARY_ENTRIES },
    // Keep the CommonJS build written beside this one (both run at once).
    clean: ['!*.cjs', '!*.cjs.map'],
    // One shared chunk keeps `cli.js` small and lets it reuse the library code instead of a second copy.
    splitting: true,
  },
  {
    ...shared,
    // `require()` and TypeScript projects compiled as CommonJS: the library entries only (the bin is ESM). Their
    // declarations are copied from the ESM ones by scripts/emit-cjs-types.mjs; `shims` provides `import.meta.url`.
    entry: LIBRARY_ENTRIES,
    format: ['cjs'],
    shims: true,
    clean: false,
  },
]);

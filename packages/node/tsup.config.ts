import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // The library entry and the CLI bin. Both bundle only this package's sources; dependencies stay external.
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  // One shared chunk keeps `cli.js` small and lets it reuse the library code instead of a second copy.
  splitting: true,
  define: { __GRANTKIT_VERSION__: JSON.stringify(version) },
});

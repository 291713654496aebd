import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  // CommonJS too, for `require()` and TypeScript projects compiled as CommonJS (index.cjs with index.d.cts).
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  platform: 'neutral',
  target: 'es2022',
  tsconfig: 'src/tsconfig.json',
});

import { defineConfig } from 'vite';

// `pnpm dev` serves the page and forwards /api to your app server (the one that asks grantkit for tokens);
// `pnpm serve` runs server.mjs, a stand-in app server that also serves the built page.
export default defineConfig({
  base: './',
  server: { proxy: { '/api': process.env.APP_SERVER_URL ?? 'http://127.0.0.1:8787' } },
  build: { target: 'es2022' },
});

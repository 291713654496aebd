/**
 * Bundle bleed check: importing one feature must not ship another. Decode-only consumers (the browser client) must
 * not pull in the token writer or the RE2 engine; everything must bundle for a neutral platform (no Node built-ins).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

async function bundle(imports: string): Promise<string> {
  const result = await build({
    stdin: { contents: `export { ${imports} } from ${JSON.stringify(entry)};`, resolveDir: process.cwd(), loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('bundles', () => {
  it('parseToken alone ships neither the writer nor re2js, and stays small', async () => {
    const code = await bundle('parseToken, decodeToken, tokenExpiresAt');
    expect(code).not.toMatch(/RE2JS|programSize/);
    expect(code).not.toContain('Encoder');
    expect(code).not.toMatch(/0xfb|setFloat64/);
    expect(code).not.toContain('Publish on channel'); // the operations map stays out too
    expect(gzipSync(code).length).toBeLessThan(4_500);
  });

  it('createAuthorizer with decodeToken (a client-side hint) ships no RE2', async () => {
    const code = await bundle('createAuthorizer, decodeToken');
    expect(code).not.toMatch(/RE2JS|programSize/);
  });

  it('the whole core bundles for a neutral platform, with no Node built-ins', async () => {
    const code = await bundle('mintToken, verifyToken, authorize, createGrantHandler, normalizeGrant');
    expect(code).not.toMatch(/from ?"node:|require\(/);
    expect(code).toContain('RE2');
  });
});

// The size budget and the bleed check (after jose's tools/bundle-report.js): what an app ships when it bundles the
// client entry, minified and gzipped, and proof that no signing, encoding or RE2 code comes along.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** 6 kB, the budget issue #5 sets for the client entry (min+gz), counted in decimal kilobytes. */
const BUDGET_BYTES = 6_000;
const ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url));

async function bundle(contents: string): Promise<{ code: string; gzipped: number; modules: string[] }> {
  const result = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, metafile: true,
  });
  const output = result.outputFiles[0]!;
  const inputs = Object.values((result.metafile as Metafile).outputs)[0]!.inputs;
  return {
    code: output.text,
    gzipped: gzipSync(output.contents, { level: 9 }).length,
    // Modules that actually contributed bytes (the metafile also lists modules that were tree-shaken away).
    modules: Object.entries(inputs).filter(([, input]) => input.bytesInOutput > 0).map(([path]) => path),
  };
}

describe('bundle size', () => {
  it(`the whole client entry is at most ${BUDGET_BYTES} bytes min+gz`, async () => {
    const { gzipped } = await bundle(`export * from ${JSON.stringify(ENTRY)};`);
    console.info(`@grantkit/client entry: ${gzipped} bytes min+gz (budget ${BUDGET_BYTES})`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('ships no signing, CBOR-encoding, RE2 or grant code', async () => {
    const { code, modules } = await bundle(`export * from ${JSON.stringify(ENTRY)};`);
    const forbiddenModules = /cbor-x|re2js|mint-token|token-encoder|verify-token|signature-v2|grant-request|authorize|patterns|http\//;
    expect(modules.filter((path) => forbiddenModules.test(path))).toEqual([]);
    for (const forbidden of ['createHmac', 'crypto.subtle', 'importKey', 'RE2JS', 'useRecords', 'tagUint8Array', 'Encoder(']) {
      expect(code, forbidden).not.toContain(forbidden);
    }
    // `secretKey` appears once: as the option name the client refuses.
    expect(code.match(/secretKey/g)).toHaveLength(1);
    expect(code).not.toMatch(/console\./);
  });

  it('an app importing only parseToken does not ship the token client', async () => {
    const { code, gzipped } = await bundle(`export { parseToken } from ${JSON.stringify(ENTRY)};`);
    expect(code).not.toContain('refresh-error');
    expect(code).not.toContain('Bearer');
    expect(gzipped).toBeLessThan(3_700);
  });
});

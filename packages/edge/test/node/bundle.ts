import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { builtEntry } from './built-entry.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles a test Worker for Miniflare as wrangler would: ESM, neutral platform, the conditions workerd resolves.
 * `@grantkit/edge` resolves to the built package, as users get it.
 *
 * @param entry - Worker source, relative to packages/edge.
 * @returns The bundled module text.
 */
export async function bundleWorker(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [resolve(PACKAGE_ROOT, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    alias: { '@grantkit/edge': builtEntry(PACKAGE_ROOT) },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

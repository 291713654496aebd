/**
 * Shared vitest settings. When GRANTKIT_TEST_RESULTS names a directory (the root `npm test` sets it), each run also
 * writes a JSON report there, so scripts/test-summary.mjs can print one closing "N passed, N failed" line for the
 * whole suite across packages and runtimes.
 */
import { join } from 'node:path';

type Reporter = string | [string, Record<string, unknown>];

/** Reporters for one run: the default console reporter, plus a JSON file named `<label>.json` when requested. */
export function reporters(label: string): Reporter[] {
  const directory = process.env.GRANTKIT_TEST_RESULTS;
  return directory ? ['default', ['json', { outputFile: join(directory, `${label}.json`) }]] : ['default'];
}

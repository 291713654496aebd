#!/usr/bin/env node
// Sums the JSON reports every vitest run wrote into $GRANTKIT_TEST_RESULTS and prints one closing line,
// "N passed, N failed" (plus skipped when any), failing when a run reported failures or no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const directory = process.env.GRANTKIT_TEST_RESULTS;
if (!directory || !existsSync(directory)) {
  console.error('test-summary: no results directory (GRANTKIT_TEST_RESULTS)');
  process.exit(1);
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of readdirSync(directory).filter((name) => name.endsWith('.json')).sort()) {
  const report = JSON.parse(readFileSync(join(directory, file), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numFailedTestSuites ?? 0);
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  console.log(`  ${file.replace(/\.json$/, '').padEnd(24)} ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

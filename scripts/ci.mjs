#!/usr/bin/env node
// `pnpm run ci` (the second half of `npm test`): one build, the static checks, then every test — the runtime matrix
// (scripts/matrix.mjs: Node 20/22/24/26, Bun, Deno, workerd, Chromium, Firefox) and the consumer projects installed from the
// tarballs (scripts/consumers.mjs), `npm start` answering and stopping on SIGTERM (scripts/check-start.mjs) — and one closing "N passed, N failed" line (scripts/test-summary.mjs).
// Output is plain text off a terminal and never silent for more than ten seconds (scripts/progress.mjs).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, runStep } from './progress.mjs';
import { ROOT } from './runtimes.mjs';

const results = join(ROOT, '.tmp', 'test-results');
const env = childEnv({ TURBO_TELEMETRY_DISABLED: '1', GRANTKIT_TEST_RESULTS: results });
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;

/** Steps that must pass before any test runs; the first failure stops the run. */
const CHECKS = [
  ['build, typecheck, check:package', 'pnpm', ['turbo', 'run', 'build', 'typecheck', 'check:package', '--output-logs=errors-only']],
  ['check-exports', process.execPath, ['scripts/check-exports.mjs']],
  ['check-changesets', process.execPath, ['scripts/check-changesets.mjs']],
  ['docs (typedoc)', 'pnpm', ['exec', 'typedoc', '--logLevel', 'Warn']],
  ['docs code blocks', process.execPath, ['scripts/check-docs.mjs']],
];
/** Test steps: all run; the summary decides. */
const TESTS = [
  ['runtime matrix', process.execPath, ['scripts/matrix.mjs']],
  ['consumer projects', process.execPath, ['scripts/consumers.mjs']],
  ['npm start and SIGTERM', process.execPath, ['scripts/check-start.mjs']],
];

for (const [label, command, args] of CHECKS) {
  console.log(`ci: ${label} (${elapsed()})`);
  const code = await runStep(`ci ${label}`, command, args, { cwd: ROOT, env });
  if (code !== 0) {
    console.error(`ci: ${label} failed (exit ${code})`);
    process.exit(code);
  }
}
rmSync(results, { recursive: true, force: true });
let failedSteps = 0;
for (const [label, command, args] of TESTS) {
  console.log(`ci: ${label} (${elapsed()})`);
  const code = await runStep(`ci ${label}`, command, args, { cwd: ROOT, env });
  if (code !== 0) {
    failedSteps++;
    console.error(`ci: ${label} failed (exit ${code})`);
  }
}
console.log(`ci: done in ${elapsed()}`);
const summary = await runStep('ci summary', process.execPath, ['scripts/test-summary.mjs'], { cwd: ROOT, env });
process.exit(summary !== 0 ? summary : failedSteps > 0 ? 1 : 0);

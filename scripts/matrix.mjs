#!/usr/bin/env node
// The runtime matrix: every package's own tests, and the conformance suite with them, on each runtime where they make
// sense. The machine's Node (20.19+) runs everything through turbo as before, workerd and Chromium included; Node 22,
// 24 and 26, Bun and Deno (scripts/runtimes.mjs installs them) run the same vitest projects with that runtime's own
// binary, so the tests execute inside it (vitest's workers are started with the runtime that started vitest).
// `firefox` runs every package's `test:firefox` script: the same browser tests as Chromium's, in Debian's Firefox ESR
// (scripts/vitest-firefox-provider.ts; scripts/bootstrap.sh installs the browser, and a missing one fails the run).
//
//   node scripts/matrix.mjs [runtime...]     all runtimes by default; expects built packages (`pnpm build`)
//
// Each vitest run writes its JSON report into $GRANTKIT_TEST_RESULTS as <suite>@<runtime>.json when that is set, for
// scripts/test-summary.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { childEnv, runStep } from './progress.mjs';
import { binaryOf, installRuntimes, ROOT, RUNTIMES } from './runtimes.mjs';

const NODES = ['node22', 'node24', 'node26'];

/**
 * Which vitest project runs where (node20 runs every package's `test` and `test:browser` scripts instead).
 * - @grantkit/node is a Node package; Bun runs it too (it implements node:http and node:sqlite). Deno is left out: its
 *   tests lay out throwaway projects the way npm and pnpm do, which Deno's resolver does not follow outside a project.
 * - edge's Node-side project drives Miniflare/workerd from Node; its fetch-runtime project serves the package with
 *   Bun.serve / Deno.serve, which Node does not have.
 */
const SUITES = [
  { name: 'core', dir: 'packages/core', config: 'vitest.config.ts', on: [...NODES, 'bun', 'deno'] },
  { name: 'client', dir: 'packages/client', config: 'vitest.config.ts', on: [...NODES, 'bun', 'deno'] },
  { name: 'node', dir: 'packages/node', config: 'vitest.config.ts', on: [...NODES, 'bun'] },
  { name: 'edge-node', dir: 'packages/edge', config: 'vitest.node.config.ts', on: NODES },
  { name: 'edge-fetch-runtime', dir: 'packages/edge', config: 'vitest.fetch.config.ts', on: ['bun', 'deno'] },
  { name: 'example-node-server', dir: 'examples/node-server', config: 'vitest.config.ts', on: NODES },
];

/** Browsers besides Chromium, each run through the packages' `test:<id>` scripts on the machine's Node. */
// The executable's default matches scripts/vitest-firefox-provider.ts, which launches it.
const BROWSERS = [
  { id: 'firefox', script: 'test:firefox', executable: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr' },
];

const MATRIX_IDS = [...RUNTIMES.map((runtime) => runtime.id), ...BROWSERS.map((browser) => browser.id)];

/** Workspace folders (packages/*, examples/*) whose package.json has the script. */
function foldersWithScript(script) {
  return ['packages', 'examples'].flatMap((parent) =>
    readdirSync(join(ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(ROOT, parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}`)
      .filter((dir) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).scripts?.[script]),
  );
}

/** What the browser binary says of itself; a missing one is reported, and its runs fail in the provider. */
function browserVersion(browser) {
  try {
    const stdio = ['ignore', 'pipe', 'ignore'];
    return execFileSync(browser.executable, ['--version'], { encoding: 'utf8', stdio }).trim();
  } catch {
    return `not installed at ${browser.executable}`;
  }
}

/** The command line that runs vitest inside a runtime. */
function vitestCommand(runtime, suite) {
  const vitest = join(ROOT, suite.dir, 'node_modules', 'vitest', 'vitest.mjs');
  const args = ['run', '-c', suite.config];
  switch (runtime.kind) {
    case 'node':
      return [binaryOf(runtime), [vitest, ...args]];
    case 'bun':
      // --bun: run vitest's `#!/usr/bin/env node` entry, and the workers it forks, in Bun rather than Node.
      return [binaryOf(runtime), ['--bun', vitest, ...args]];
    case 'deno':
      return [binaryOf(runtime), ['run', '--allow-all', '--no-lock', vitest, ...args]];
  }
  throw new Error(`unknown runtime kind ${runtime.kind}`);
}

function runtimeEnv(runtime) {
  return childEnv({
    GRANTKIT_RUNTIME: runtime.id,
    // Child processes that tests start by name ("node") get the same Node.
    PATH: runtime.kind === 'node' ? `${dirname(binaryOf(runtime))}${delimiter}${process.env.PATH}` : process.env.PATH,
    // cbor-x (a test dependency) loads cbor-extract, compiled here for the machine's Node; Bun crashes loading
    // another runtime's addon, so Bun and Deno use cbor-x's JavaScript decoder.
    ...(runtime.kind === 'node' ? {} : { CBOR_NATIVE_ACCELERATION_DISABLED: 'true' }),
    // The fuzz targets run their full 100,000 inputs in the node20 run; on the other runtimes 10,000 each show the same
    // properties hold there, without multiplying the suite's longest step by six. An explicit FUZZ_RUNS wins.
    FUZZ_RUNS: process.env.FUZZ_RUNS ?? '10000',
  });
}

export async function runMatrix(ids = MATRIX_IDS) {
  const unknown = ids.filter((id) => !MATRIX_IDS.includes(id));
  if (unknown.length > 0) throw new Error(`matrix: unknown runtime ${unknown.join(', ')} (known: ${MATRIX_IDS.join(', ')})`);
  for (const suite of SUITES) {
    if (!existsSync(join(ROOT, suite.dir, 'node_modules', 'vitest'))) throw new Error(`matrix: ${suite.dir} has no vitest; run pnpm install`);
  }
  installRuntimes(ids);
  const results = [];
  for (const runtime of RUNTIMES.filter((candidate) => ids.includes(candidate.id))) {
    if (runtime.id === 'node20') {
      const started = Date.now();
      // --continue: one failing package must not hide the results of the others.
      console.log(`matrix: node20 (${process.version}): every package's test and test:browser scripts (Node, workerd, Chromium)`);
      const code = await runStep('matrix node20', 'pnpm', [
        'turbo', 'run', 'test', 'test:browser', '--only', '--continue', '--concurrency=1', '--output-logs=new-only', '--env-mode=loose',
      ], { cwd: ROOT, env: childEnv({ TURBO_TELEMETRY_DISABLED: '1' }) });
      results.push({ runtime: 'node20', suite: 'all packages', code, seconds: (Date.now() - started) / 1000 });
      continue;
    }
    for (const suite of SUITES.filter((candidate) => candidate.on.includes(runtime.id))) {
      const started = Date.now();
      console.log(`matrix: ${runtime.id} (${runtime.version}): ${suite.name} (${suite.dir}, ${suite.config})`);
      const [command, args] = vitestCommand(runtime, suite);
      const code = await runStep(`matrix ${runtime.id} ${suite.name}`, command, args, { cwd: join(ROOT, suite.dir), env: runtimeEnv(runtime) });
      results.push({ runtime: runtime.id, suite: suite.name, code, seconds: (Date.now() - started) / 1000 });
    }
  }
  for (const browser of BROWSERS.filter((candidate) => ids.includes(candidate.id))) {
    const folders = foldersWithScript(browser.script);
    if (folders.length === 0) throw new Error(`matrix: no package has a ${browser.script} script`);
    const version = browserVersion(browser);
    for (const dir of folders) {
      const started = Date.now();
      console.log(`matrix: ${browser.id} (${version}): ${dir} (${browser.script})`);
      const code = await runStep(`matrix ${browser.id} ${dir}`, 'pnpm', ['run', browser.script], {
        cwd: join(ROOT, dir),
        env: childEnv(),
      });
      results.push({ runtime: browser.id, suite: dir.replace(/^packages\//, ''), code, seconds: (Date.now() - started) / 1000 });
    }
  }
  console.log('matrix: results');
  for (const result of results) {
    console.log(`  ${result.runtime.padEnd(7)} ${result.suite.padEnd(20)} ${result.code === 0 ? 'ok    ' : 'FAILED'} ${result.seconds.toFixed(0).padStart(4)} s`);
  }
  return results.every((result) => result.code === 0) ? 0 : 1;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  try {
    const ids = process.argv.slice(2);
    process.exit(await runMatrix(ids.length > 0 ? ids : undefined));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}

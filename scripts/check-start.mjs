#!/usr/bin/env node
// `npm start` as a user runs it: it must answer /health, and SIGTERM to the npm process must stop the service (npm
// forwards the signal to its script; the script must stay the service's parent, or the service outlives it).
// Uses a free port and a scratch data directory; prints "check-start: N passed, N failed".
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv } from './progress.mjs';
import { ROOT } from './runtimes.mjs';

const port = await new Promise((resolve, reject) => {
  const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
});
const dataDir = mkdtempSync(join(tmpdir(), 'grantkit-start-'));
const health = () => fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) }).then((response) => response.status, () => 0);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const npm = spawn('npm', ['start', '--', '--port', String(port), '--data-dir', dataDir], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
npm.stdout.on('data', (chunk) => { output += chunk; });
npm.stderr.on('data', (chunk) => { output += chunk; });
const exited = new Promise((resolve) => npm.on('exit', (code, signal) => resolve(code ?? signal)));

const failures = [];
let answered = false;
for (let waited = 0; waited < 180_000 && !answered; waited += 1_000) {
  if (await Promise.race([exited.then(() => true), sleep(1_000).then(() => false)])) break;
  answered = (await health()) === 200;
  if (waited > 0 && waited % 9_000 === 0) console.log(`check-start: waiting for /health (${waited / 1000} s)`);
}
if (!answered) failures.push(`npm start never answered /health on port ${port}:\n${output.trim().split('\n').slice(-15).join('\n')}`);
if (/Failed to create bin/.test(output)) failures.push('npm start printed "Failed to create bin"');
npm.kill('SIGTERM');
let stopped = false;
for (let waited = 0; waited < 15_000 && !stopped; waited += 500) {
  await sleep(500);
  stopped = (await health()) === 0;
}
if (!stopped) failures.push('the service still answers 15 s after SIGTERM to npm start');
await Promise.race([exited, sleep(5_000)]);
rmSync(dataDir, { recursive: true, force: true });

for (const failure of failures) console.error(`check-start: ${failure}`);
const passed = 2 - Math.min(2, failures.length);
console.log(`check-start: ${passed} passed, ${2 - passed} failed`);
if (process.env.GRANTKIT_TEST_RESULTS) {
  mkdirSync(process.env.GRANTKIT_TEST_RESULTS, { recursive: true });
  writeFileSync(join(process.env.GRANTKIT_TEST_RESULTS, 'npm-start.json'), `${JSON.stringify({ numPassedTests: passed, numFailedTests: 2 - passed, numPendingTests: 0 })}\n`);
}
process.exit(failures.length === 0 ? 0 : 1);

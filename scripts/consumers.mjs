#!/usr/bin/env node
// Consumer tests from the tarballs, as a new user meets the packages: pack all four, install the tarballs into fresh
// npm and pnpm projects (pnpm with its default settings: dependency build scripts blocked, strict layout) in a
// temporary folder outside the workspace, then in each project:
//   - ESM `import` and CommonJS `require` of every package, one token minted, verified and parsed through them;
//   - TypeScript (the workspace's tsc) under module nodenext, node16 as ESM and as CommonJS, bundler, and node10;
//   - `npx grantkit serve` (pnpm: `pnpm exec grantkit serve`) answering /health, started and stopped by pid: on Node
//     24 with its built-in node:sqlite, and on the machine's Node 20, where it must say which driver to install;
//   - a Worker bundled from the edge tarball, answering in workerd (the workspace's Miniflare);
//   - a browser bundle of the client, its size reported.
// Prints one "consumers: ok/FAILED <check>" line per check, and a closing "N passed, N failed" line.
//
//   node scripts/consumers.mjs [npm|pnpm]    expects built packages (`pnpm build`)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { childEnv } from './progress.mjs';
import { binaryOf, installRuntimes, ROOT, RUNTIMES } from './runtimes.mjs';

const PACKAGES = ['core', 'node', 'edge', 'client'];
const managers = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['npm', 'pnpm'];
const workspaceRequire = createRequire(join(ROOT, 'packages', 'edge', 'package.json'));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TYPES_NODE_VERSION = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')).version;

let passed = 0;
let failed = 0;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: childEnv(options.env), cwd: options.cwd, timeout: options.timeout ?? 300_000 });
  return { code: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

function runAsync(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', (error) => resolve({ code: 127, output: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function check(name, body) {
  const started = Date.now();
  try {
    const note = await body();
    passed++;
    console.log(`consumers: ok     ${name}${note ? ` — ${note}` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    failed++;
    console.log(`consumers: FAILED ${name}: ${error.message}`);
  }
}

function expectSuccess({ code, output }, what) {
  if (code !== 0) throw new Error(`${what} exited ${code}:\n${output.trim().split('\n').slice(-25).join('\n')}`);
  return output;
}

/** A free loopback port (bound, read, released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function write(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

// ---- 1. the tarballs ---------------------------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'grantkit-consumers-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
console.log(`consumers: packing ${PACKAGES.map((name) => `@grantkit/${name}`).join(', ')} into ${tarballs}`);
for (const name of PACKAGES) {
  expectSuccess(run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', name) }), `pnpm pack (${name})`);
}
const tarballOf = Object.fromEntries(PACKAGES.map((name) => [name, join(tarballs, readdirSync(tarballs).find((file) => file.startsWith(`grantkit-${name}-`)))]));
installRuntimes(['node24']);
const node24 = binaryOf(RUNTIMES.find((runtime) => runtime.id === 'node24'));

// ---- 2. the consumer code ----------------------------------------------------------------------------------------
const USE_ALL = `
const key = importKey('sec-c-consumer');
const token = mintToken({ ttl: 15, authorizedUuid: 'alice', channels: [Channel.id('room-1').read()] }, key);
const verified = verifyToken(token, key);
const decision = authorize(verified, { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'read' });
if (!decision.allowed) throw new Error('not allowed');
if (clientParse(token).authorized_uuid !== 'alice') throw new Error('client parseToken');
if (typeof createEdgeHandler !== 'function' || typeof AccessManager !== 'function') throw new Error('exports missing');
try { verifyToken(token, importKey('another secret')); throw new Error('verified with the wrong key'); }
catch (error) { if (!isGrantkitError(error) || error.code !== 'ERR_TOKEN_SIGNATURE_INVALID') throw error; }
console.log('ok', token.length);
`;
const ESM_SOURCE = `import { Channel, authorize, isGrantkitError, mintToken, verifyToken } from '@grantkit/core';
import { AccessManager, importKey } from '@grantkit/node';
import { createEdgeHandler } from '@grantkit/edge';
import { parseToken as clientParse } from '@grantkit/client';
${USE_ALL}`;
const CJS_SOURCE = `const { Channel, authorize, isGrantkitError, mintToken, verifyToken } = require('@grantkit/core');
const { AccessManager, importKey } = require('@grantkit/node');
const { createEdgeHandler } = require('@grantkit/edge');
const { parseToken: clientParse } = require('@grantkit/client');
${USE_ALL}`;
const TS_SOURCE = `import { Channel, authorize, mintToken, verifyToken, type GrantkitErrorCode, type VerifiedToken } from '@grantkit/core';
import { AccessManager, importKey, type AccessManagerOptions } from '@grantkit/node';
import { createEdgeHandler, type EdgeHandler } from '@grantkit/edge';
import { TokenClient, parseToken } from '@grantkit/client';

const key = importKey('sec-c-consumer');
const token: string = mintToken({ ttl: 15, channels: [Channel.id('room-1').read()] }, key);
const verified: VerifiedToken = verifyToken(token, key);
const allowed: boolean = authorize(verified, { resource: { channel: 'room-1' }, permission: 'read' }).allowed;
const code: GrantkitErrorCode = 'ERR_TOKEN_EXPIRED';
const options: AccessManagerOptions = { subscribeKey: 's', publishKey: 'p', secretKey: 'k', userId: 'u' };
const handler: EdgeHandler = createEdgeHandler();
export const used = [allowed, code, new AccessManager(options), handler, TokenClient, parseToken(token).ttl];
`;
/** TypeScript setups: [folder, package.json "type", compilerOptions, source file name]. */
const TS_SETUPS = [
  ['ts-nodenext', 'module', { module: 'nodenext', moduleResolution: 'nodenext' }, 'index.ts'],
  ['ts-node16-esm', 'module', { module: 'node16', moduleResolution: 'node16' }, 'index.ts'],
  ['ts-node16-cjs', 'commonjs', { module: 'node16', moduleResolution: 'node16' }, 'index.ts'],
  ['ts-bundler', 'module', { module: 'esnext', moduleResolution: 'bundler' }, 'index.ts'],
  ['ts-node10', 'commonjs', { module: 'commonjs', moduleResolution: 'node10' }, 'index.ts'],
];
const WORKER_SOURCE = `import { createEdgeHandler } from '@grantkit/edge';
export { RevocationDurableObject } from '@grantkit/edge';
export default createEdgeHandler();
`;
const BROWSER_SOURCE = `import { TokenClient, checkPermission, parseToken } from '@grantkit/client';
export { TokenClient, checkPermission, parseToken };
`;

function projectManifest(manager) {
  const spec = (name) => `file:${tarballOf[name]}`;
  const dependencies = Object.fromEntries(PACKAGES.map((name) => [`@grantkit/${name}`, spec(name)]));
  const manifest = { name: `grantkit-consumer-${manager}`, private: true, version: '1.0.0', dependencies, devDependencies: { '@types/node': TYPES_NODE_VERSION } };
  // The packages depend on each other by version (0.0.0), which no registry has: point those at the tarballs too.
  if (manager === 'npm') manifest.overrides = Object.fromEntries(PACKAGES.map((name) => [`@grantkit/${name}`, `$@grantkit/${name}`]));
  else manifest.pnpm = { overrides: dependencies };
  return manifest;
}

async function serveAndCheckHealth(project, manager, nodeBinary, extraArgs) {
  const port = await freePort();
  const [command, args] = manager === 'npm' ? ['npx', ['--no-install', 'grantkit']] : ['pnpm', ['exec', 'grantkit']];
  const env = childEnv({ PATH: `${dirname(nodeBinary)}${delimiter}${process.env.PATH}` });
  delete env.npm_config_user_agent;
  // A process group of its own, so the service (a grandchild of npx) is stopped with it by pid.
  const child = spawn(command, [...args, 'serve', '--port', String(port), '--data-dir', join(project, '.grantkit-data'), ...extraArgs], {
    cwd: project, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const early = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('running'), 250))]);
      if (early !== 'running') throw new Error(`grantkit serve exited ${early}:\n${output.trim()}`);
      const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      if (response !== undefined) {
        const body = await response.text();
        if (response.status !== 200) throw new Error(`/health answered ${response.status}: ${body}`);
        return `/health 200 ${body.slice(0, 60)}`;
      }
    }
    throw new Error(`/health never answered:\n${output.trim()}`);
  } finally {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
}

async function consumer(manager) {
  const project = join(work, `${manager}-project`);
  mkdirSync(project);
  write(join(project, 'package.json'), `${JSON.stringify(projectManifest(manager), null, 2)}\n`);
  const installed = await (async () => {
    let ok = false;
    await check(`${manager}: install the four tarballs into a fresh project`, () => {
      const args = manager === 'npm' ? ['install', '--no-fund', '--no-audit'] : ['install'];
      const output = expectSuccess(run(manager, args, { cwd: project, env: { npm_config_user_agent: undefined } }), `${manager} install`);
      if (/better-sqlite3|ioredis/.test(readdirSync(join(project, 'node_modules')).join(' '))) throw new Error('installed an optional driver');
      ok = true;
      const warnings = output.split('\n').filter((line) => /warn/i.test(line) && !/deprecated/i.test(line));
      return warnings.length === 0 ? 'no warnings' : `warnings: ${warnings.join(' | ')}`;
    });
    return ok;
  })();
  if (!installed) return;

  await check(`${manager}: ESM import of every package`, () => {
    write(join(project, 'esm.mjs'), ESM_SOURCE);
    return expectSuccess(run(process.execPath, ['esm.mjs'], { cwd: project }), 'node esm.mjs').trim();
  });
  await check(`${manager}: CommonJS require of every package`, () => {
    write(join(project, 'cjs.cjs'), CJS_SOURCE);
    return expectSuccess(run(process.execPath, ['cjs.cjs'], { cwd: project }), 'node cjs.cjs').trim();
  });
  // Two compilers at a time (two cores); each setup reports on its own line.
  const compiled = new Map();
  const compile = async (folder) => compiled.set(folder, await runAsync(process.execPath, [TSC, '-p', folder], { cwd: project }));
  for (const [folder, type, options, file] of TS_SETUPS) {
    write(join(project, folder, 'package.json'), `${JSON.stringify({ type })}\n`);
    write(join(project, folder, file), TS_SOURCE);
    const compilerOptions = { target: 'es2022', strict: true, skipLibCheck: true, noEmit: true, types: ['node'], lib: ['es2022', 'dom'], ...options };
    write(join(project, folder, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, include: [file] }, null, 2)}\n`);
  }
  const queue = TS_SETUPS.map(([folder]) => folder);
  await Promise.all([0, 1].map(async () => {
    while (queue.length > 0) await compile(queue.shift());
  }));
  for (const [folder] of TS_SETUPS) {
    await check(`${manager}: TypeScript ${folder.slice(3)}`, () => void expectSuccess(compiled.get(folder), `tsc (${folder})`));
  }
  await check(`${manager}: grantkit serve on Node 24 (node:sqlite) answers /health`, () => serveAndCheckHealth(project, manager, node24, []));
  await check(`${manager}: grantkit serve on Node 20 without better-sqlite3 names the package and command`, async () => {
    const env = { PATH: process.env.PATH, npm_config_user_agent: undefined };
    const [command, args] = manager === 'npm' ? ['npx', ['--no-install', 'grantkit']] : ['pnpm', ['exec', 'grantkit']];
    const result = run(command, [...args, 'serve', '--port', '0', '--data-dir', join(project, '.grantkit-data-20')], { cwd: project, env, timeout: 30_000 });
    const expected = manager === 'npm' ? '`npm install better-sqlite3`' : '`pnpm add better-sqlite3`, then `pnpm approve-builds`';
    if (result.code !== 1 || !result.output.includes(expected) || !/cause: .*better-sqlite3/.test(result.output)) {
      throw new Error(`expected exit 1 naming ${expected} and the cause, got ${result.code}:\n${result.output.trim()}`);
    }
    return result.output.trim().split('\n')[0].slice(0, 160);
  });
  await check(`${manager}: grantkit serve on Node 20 with an unbuilt better-sqlite3 names the build command`, async () => {
    // What a default pnpm install leaves (build scripts blocked), and an npm install with --ignore-scripts.
    const add = manager === 'npm' ? ['install', '--no-save', '--ignore-scripts', '--no-fund', '--no-audit', 'better-sqlite3@12.11.1'] : ['add', 'better-sqlite3@12.11.1'];
    expectSuccess(run(manager, add, { cwd: project, env: { npm_config_user_agent: undefined } }), `${manager} ${add.join(' ')}`);
    const [command, args] = manager === 'npm' ? ['npx', ['--no-install', 'grantkit']] : ['pnpm', ['exec', 'grantkit']];
    const result = run(command, [...args, 'serve', '--port', '0', '--data-dir', join(project, '.grantkit-data-20')], { cwd: project, env: { npm_config_user_agent: undefined }, timeout: 30_000 });
    const expected = manager === 'npm' ? '`npm rebuild better-sqlite3`' : '`pnpm approve-builds`';
    if (result.code !== 1 || !result.output.includes(expected) || !/cause: Could not locate the bindings file/.test(result.output)) {
      throw new Error(`expected exit 1 naming ${expected} and the cause, got ${result.code}:\n${result.output.trim()}`);
    }
    return expected;
  });
  await check(`${manager}: grantkit serve on Node 20 with --store memory answers /health`, () => serveAndCheckHealth(project, manager, process.execPath, ['--store', 'memory']));
  await check(`${manager}: a Worker bundled from the edge tarball answers in workerd`, async () => {
    write(join(project, 'worker.js'), WORKER_SOURCE);
    const { build } = workspaceRequire('esbuild');
    const { Miniflare } = workspaceRequire('miniflare');
    const bundle = await build({
      entryPoints: [join(project, 'worker.js')], bundle: true, write: false, format: 'esm', platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'], absWorkingDir: project, logLevel: 'silent',
    });
    const miniflare = new Miniflare({
      modules: true, script: bundle.outputFiles[0].text, compatibilityDate: '2026-04-01',
      bindings: { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-consumer', GRANTKIT_PUBLISH_KEY: 'pub-c-consumer', GRANTKIT_SECRET_KEY: 'sec-c-consumer' },
      durableObjects: { GRANTKIT_REVOCATIONS: 'RevocationDurableObject' },
    });
    try {
      const health = await miniflare.dispatchFetch('http://localhost/health');
      if (health.status !== 200) throw new Error(`/health answered ${health.status}`);
      await health.text();
      const unsigned = await miniflare.dispatchFetch('http://localhost/v3/pam/sub-c-consumer/grant', { method: 'POST', body: '{}' });
      const body = await unsigned.json();
      if (unsigned.status !== 400 || body.service !== 'Access Manager') throw new Error(`unsigned grant answered ${unsigned.status} ${JSON.stringify(body)}`);
      return `/health 200, unsigned grant 400 in PubNub's shape (${(bundle.outputFiles[0].contents.byteLength / 1024).toFixed(1)} kB worker)`;
    } finally {
      await miniflare.dispose();
    }
  });
  await check(`${manager}: browser bundle of @grantkit/client`, async () => {
    write(join(project, 'browser.js'), BROWSER_SOURCE);
    const { build } = workspaceRequire('esbuild');
    const bundle = await build({
      entryPoints: [join(project, 'browser.js')], bundle: true, write: false, format: 'esm', platform: 'browser', minify: true,
      absWorkingDir: project, logLevel: 'silent',
    });
    const bytes = bundle.outputFiles[0].contents;
    const text = bundle.outputFiles[0].text;
    if (/createHmac|importKey\(["']raw/.test(text)) throw new Error('signing code reached the browser bundle');
    return `${(bytes.byteLength / 1024).toFixed(2)} kB minified, ${(gzipSync(bytes).byteLength / 1024).toFixed(2)} kB gzip`;
  });
}

try {
  for (const manager of managers) await consumer(manager);
} finally {
  if (failed === 0) rmSync(work, { recursive: true, force: true });
  else console.log(`consumers: left ${work} for inspection`);
}
console.log(`consumers: ${passed} passed, ${failed} failed`);
// For scripts/test-summary.mjs, in the shape of vitest's JSON report.
if (process.env.GRANTKIT_TEST_RESULTS) {
  mkdirSync(process.env.GRANTKIT_TEST_RESULTS, { recursive: true });
  const report = { numPassedTests: passed, numFailedTests: failed, numPendingTests: 0, numTodoTests: 0, numFailedTestSuites: 0 };
  writeFileSync(join(process.env.GRANTKIT_TEST_RESULTS, `consumers-${managers.join('-')}.json`), `${JSON.stringify(report)}\n`);
}
process.exit(failed === 0 ? 0 : 1);

#!/usr/bin/env node
/**
 * The service under load, against bare node:http servers on the same machine in the same run:
 *   - hello: reads the request body, answers a constant JSON (the HTTP floor);
 *   - hmac: one HMAC-SHA256 over the body and a JSON.stringify per request;
 *   - `grantkit serve` itself (the built CLI, SQLite store with fsync, JSON access logs to a file, metrics on).
 * Load comes from autocannon on loopback; rounds interleave the cases and each figure is the median round.
 * Usage: node bench/http.mjs [--duration <s per case>] [--rounds <n>] [--connections <n>] [--json <file>]
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import * as core from '@grantkit/core';
import { importKey } from '@grantkit/node';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { duration: { type: 'string' }, rounds: { type: 'string' }, connections: { type: 'string' }, json: { type: 'string' } },
});
const duration = Number(values.duration ?? 3);
const rounds = Number(values.rounds ?? 3);
const connections = Number(values.connections ?? 50);
// The revoke flood: this many connections revoking back to back while authorize is measured.
const FLOOD_CONNECTIONS = 4;

const SUB = 'sub-c-bench';
const PUB = 'pub-c-bench';
const SECRET = 'sec-c-bench-0123456789abcdef0123456789abcdef';
const key = importKey(SECRET);
const grant = core.normalizeGrant({
  ttl: 60,
  authorizedUuid: 'user-42',
  channels: [core.Channel.id('room-1').read().write(), core.Channel.pattern('^lobby-[0-9]+$').read()],
  uuids: [core.UUID.id('user-42').get().update()],
});
const grantBody = core.grantToRequestBody(grant);
const token = core.mintToken(grant, key);
const authorizePath = `/grantkit/v1/${SUB}/authorize?token=${encodeURIComponent(token)}&uuid=user-42&channel=lobby-7&permission=read`;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

async function waitForHealth(url, child, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server at ${url} did not answer /health in ${timeoutMs} ms`);
}

const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('@grantkit/node')), 'cli.js');
const dataDir = mkdtempSync(join(tmpdir(), 'grantkit-bench-'));

async function startBare(script) {
  const port = await freePort();
  const child = fork(fileURLToPath(new URL(`servers/${script}`, import.meta.url)), [String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child);
  return { url, child };
}

async function startGrantkit() {
  const port = await freePort();
  const log = openSync(join(dataDir, 'access.log'), 'a');
  const child = spawn(process.execPath, [cli, 'serve', '--port', String(port), '--data-dir', dataDir, '--store', 'sqlite', '--log-level', 'info'], {
    env: { PATH: process.env.PATH ?? '', GRANTKIT_SUBSCRIBE_KEY: SUB, GRANTKIT_PUBLISH_KEY: PUB, GRANTKIT_SECRET_KEY: SECRET },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child);
  return { url, child };
}

function signed(method, path, body = '') {
  const query = { uuid: 'bench', timestamp: String(Math.floor(Date.now() / 1000)) };
  const signature = core.signRequestV2(key, { method, publishKey: PUB, path, query, body });
  return `${path}?uuid=bench&timestamp=${query.timestamp}&signature=${signature}`;
}

/** Signed revoke paths for distinct tokens (distinct ttl and time), made just before each run (the window is 60 s). */
function distinctRevokePaths(count) {
  const paths = [];
  const now = Math.floor(Date.now() / 1000);
  for (let index = 0; index < count; index++) {
    const revoked = core.mintToken(core.validateGrant({ ...grant, ttl: 1 + (index % 40_000) }), key, { timestamp: now - Math.floor(index / 40_000) });
    paths.push(signed('DELETE', `/v3/pam/${SUB}/grant/${encodeURIComponent(revoked)}`));
  }
  return paths;
}

function load(origin, { path = '/', ...options }) {
  return new Promise((resolve, reject) => {
    // autocannon takes the path as part of the url (a top-level `path` option is ignored).
    autocannon({ url: origin + path, connections, duration, pipelining: 1, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const value = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
    return { rss: value('VmRSS'), peak: value('VmHWM') };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** CPU time (user + system, all threads) a process has used, in ms, from /proc. */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
  } catch {
    return NaN;
  }
}

const summary = (result, cpuMs) => ({
  rps: result.requests.average,
  // Server CPU per answered request: on a shared machine, what a request costs the server even when req/s swings.
  cpuUsPerRequest: (cpuMs * 1000) / Math.max(1, result.requests.total),
  p50: result.latency.p50,
  p99: result.latency.p99,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
});

const servers = {
  hello: await startBare('hello.mjs'),
  hmac: await startBare('hmac.mjs'),
  grantkit: await startGrantkit(),
};

// Each case: which server, and the autocannon options (built fresh per run for signatures).
const CASES = {
  'hello-post': ['hello', () => ({ method: 'POST', path: '/v3/pam/sub/grant', body: grantBody, headers: { 'content-type': 'application/json' } })],
  'hello-get': ['hello', () => ({ method: 'GET', path: authorizePath })],
  'hmac-post': ['hmac', () => ({ method: 'POST', path: '/v3/pam/sub/grant', body: grantBody, headers: { 'content-type': 'application/json' } })],
  'gk-health': ['grantkit', () => ({ method: 'GET', path: '/health' })],
  'gk-grant': ['grantkit', () => ({ method: 'POST', path: signed('POST', `/v3/pam/${SUB}/grant`, grantBody), body: grantBody, headers: { 'content-type': 'application/json' } })],
  'gk-authorize': ['grantkit', () => ({ method: 'GET', path: authorizePath })],
  'gk-revoke': ['grantkit', () => {
    const paths = distinctRevokePaths(Math.ceil(40_000 * duration / 3));
    let next = 0;
    return { requests: [{ method: 'DELETE', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) }] };
  }],
};

const runs = {};
for (const id of Object.keys(CASES)) runs[id] = [];
runs['gk-authorize-flood'] = [];
runs['gk-revoke-flood'] = [];
const memory = {};

// Warm up every server and route once (JIT, SQLite pages), briefly.
for (const [id, [server, options]] of Object.entries(CASES)) await load(servers[server].url, { ...options(), duration: 1, connections: 10 });

for (let round = 0; round < rounds; round++) {
  for (const [id, [server, options]] of Object.entries(CASES)) {
    const before = cpuMsOf(servers[server].child.pid);
    const result = await load(servers[server].url, options());
    runs[id].push(summary(result, cpuMsOf(servers[server].child.pid) - before));
    memory[server] = rssOf(servers[server].child.pid);
  }
  // Authorize while a few connections revoke back to back.
  const floodOptions = CASES['gk-revoke'][1]();
  const floodCpu = cpuMsOf(servers.grantkit.child.pid);
  const [authorizeResult, floodResult] = await Promise.all([
    load(servers.grantkit.url, CASES['gk-authorize'][1]()),
    load(servers.grantkit.url, { ...floodOptions, connections: FLOOD_CONNECTIONS }),
  ]);
  const floodUsed = cpuMsOf(servers.grantkit.child.pid) - floodCpu;
  runs['gk-authorize-flood'].push(summary(authorizeResult, floodUsed));
  runs['gk-revoke-flood'].push(summary(floodResult, floodUsed));
}

for (const { child } of Object.values(servers)) child.kill('SIGTERM');
await new Promise((resolve) => setTimeout(resolve, 300));
rmSync(dataDir, { recursive: true, force: true });

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const results = {};
for (const [id, list] of Object.entries(runs)) {
  results[id] = {
    rps: median(list.map((run) => run.rps)),
    p50: median(list.map((run) => run.p50)),
    p99: median(list.map((run) => run.p99)),
    cpuUsPerRequest: median(list.map((run) => run.cpuUsPerRequest)),
    non2xx: list.reduce((sum, run) => sum + run.non2xx, 0),
    errors: list.reduce((sum, run) => sum + run.errors, 0),
    runs: list.map((run) => Math.round(run.rps)),
  };
}
const output = { connections, duration, rounds, floodConnections: FLOOD_CONNECTIONS, results, memory };
if (values.json) writeFileSync(values.json, JSON.stringify(output));
else console.log(JSON.stringify(output, null, 2));

#!/usr/bin/env node
/**
 * `npm run bench` at the root (it builds first): every figure of docs/performance.md's goal table, each a ratio
 * against its peer measured in the same run, plus memory. Runs bench/tokens.mjs, bench/patterns.mjs and
 * bench/http.mjs one after another (each in its own process, so they do not compete for the CPU), prints the table
 * as Markdown, and writes the charts and raw results to docs/performance/.
 *   --smoke   a few seconds per part, checks that every figure came out as a number, writes nothing (CI runs this)
 *   --only <tokens|patterns|http>   one part
 *   --no-docs                        print only
 *   --from <results.json>            re-render the table and charts from a previous run's raw results
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { barChart, lineChart } from './lib/svg.mjs';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { smoke: { type: 'boolean' }, only: { type: 'string' }, 'no-docs': { type: 'boolean' }, from: { type: 'string' } },
});
const smoke = values.smoke === true;
const PARTS = {
  tokens: { args: smoke ? ['--time', '15'] : ['--time', '1500'], node: ['--expose-gc', '--max-semi-space-size=64'] },
  patterns: { args: smoke ? ['--time', '15', '--users', '2000'] : ['--time', '1000'], node: [] },
  http: { args: smoke ? ['--duration', '1', '--rounds', '1', '--connections', '8'] : ['--duration', '3', '--rounds', '4'], node: [] },
};
const scratch = mkdtempSync(join(tmpdir(), 'grantkit-bench-results-'));
const raw = values.from === undefined ? {} : JSON.parse(readFileSync(values.from, 'utf8'));
const started = Date.now();
for (const [part, { args, node }] of Object.entries(PARTS)) {
  if (values.from !== undefined || (values.only !== undefined && values.only !== part)) continue;
  const out = join(scratch, `${part}.json`);
  console.error(`bench: ${part}...`);
  const result = spawnSync(process.execPath, [...node, fileURLToPath(new URL(`${part}.mjs`, import.meta.url)), ...args, '--json', out], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bench/${part}.mjs failed (exit ${result.status})`);
    process.exit(1);
  }
  raw[part] = JSON.parse(readFileSync(out, 'utf8'));
}
rmSync(scratch, { recursive: true, force: true });

const tokens = raw.tokens?.results ?? {};
const patterns = raw.patterns?.results ?? {};
const http = raw.http?.results ?? {};
const ns = (id) => tokens[id]?.nsPerOp;
const over = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
const rps = (id) => http[id]?.rps;
// autocannon records latency in whole milliseconds: a p99 under 1 ms reads 0, and counts as 1 here (its resolution).
const p99 = (id) => (http[id] === undefined ? undefined : Math.max(1, http[id].p99));

/** [figure, value, goal text, test(value) → met?, part] */
const FIGURES = [
  ['grant req/s ÷ hello-world (POST)', over(rps('gk-grant'), rps('hello-post')), '≥ 0.6', (v) => v >= 0.6, 'http'],
  ['authorize req/s ÷ hello-world (GET)', over(rps('gk-authorize'), rps('hello-get')), '≥ 0.6', (v) => v >= 0.6, 'http'],
  ['revoke req/s ÷ hello-world (SQLite, durable)', over(rps('gk-revoke'), rps('hello-get')), '≥ 0.3', (v) => v >= 0.3, 'http'],
  ['authorize during a revoke flood ÷ authorize alone', over(rps('gk-authorize-flood'), rps('gk-authorize')), '≥ 0.8', (v) => v >= 0.8, 'http'],
  ['grant p99 ÷ hello-world p99', over(p99('gk-grant'), p99('hello-post')), '≤ 2', (v) => v <= 2, 'http'],
  ['authorize p99 ÷ hello-world p99', over(p99('gk-authorize'), p99('hello-get')), '≤ 2', (v) => v <= 2, 'http'],
  ['revoke p99 ÷ hello-world p99', over(p99('gk-revoke'), p99('hello-get')), '≤ 2', (v) => v <= 2, 'http'],
  ['verify + authorize, first sight ÷ raw HMAC', over(ns('gk-verify-authorize-first'), ns('hmac')), '≤ 2.0', (v) => v <= 2, 'tokens'],
  ['  ÷ fast-jwt verify without cache', over(ns('gk-verify-authorize-first'), ns('fastjwt-verify-nocache')), '< 1', (v) => v < 1, 'tokens'],
  ['verify + authorize, seen before ÷ raw HMAC', over(ns('gk-verify-authorize-seen'), ns('hmac')), '≤ 1.05', (v) => v <= 1.05, 'tokens'],
  ['  ÷ fast-jwt verify with cache', over(ns('gk-verify-authorize-seen'), ns('fastjwt-verify-cache')), '< 1', (v) => v < 1, 'tokens'],
  ['mint from builder input ÷ raw HMAC', over(ns('gk-mint-builder'), ns('hmac')), '≤ 2.0', (v) => v <= 2, 'tokens'],
  ['mint from the REST body ÷ raw HMAC', over(ns('gk-mint-rest'), ns('hmac')), '≤ 2.0', (v) => v <= 2, 'tokens'],
  ['  mint from builder input ÷ fast-jwt sign', over(ns('gk-mint-builder'), ns('fastjwt-sign')), '< 1', (v) => v < 1, 'tokens'],
  ['  mint from the REST body ÷ fast-jwt sign', over(ns('gk-mint-rest'), ns('fastjwt-sign')), '< 1', (v) => v < 1, 'tokens'],
  ['authorize, 1,000 patterns ÷ 1 pattern', over(patterns['count-1000']?.nsPerOp, patterns['count-1']?.nsPerOp), '≤ 3', (v) => v <= 3, 'patterns'],
  ['authorize, 100,000 per-user patterns ÷ shared', over(patterns['users-distinct']?.nsPerOp, patterns['users-shared']?.nsPerOp), '≤ 1.5', (v) => v <= 1.5, 'patterns'],
  ['  same, with a class tail (`[a-z]+$`)', over(patterns['users-distinct-class']?.nsPerOp, patterns['users-shared-class']?.nsPerOp), '≤ 1.5', (v) => v <= 1.5, 'patterns'],
  ['WebCrypto mint ÷ raw subtle.sign', over(ns('gk-webcrypto-mint'), ns('subtle-sign')), '≤ 1.1', (v) => v <= 1.1, 'tokens'],
  ['WebCrypto verify ÷ raw subtle.verify', over(ns('gk-webcrypto-verify'), ns('subtle-verify')), '≤ 1.1', (v) => v <= 1.1, 'tokens'],
];
const cpu = (id) => http[id]?.cpuUsPerRequest;
const CONTEXT = [
  ['hello-world server CPU per request ÷ grant\'s (the req/s ratio a CPU-bound server would reach)', over(cpu('hello-post'), cpu('gk-grant')), 'http'],
  ['hello-world server CPU per request ÷ authorize\'s', over(cpu('hello-get'), cpu('gk-authorize')), 'http'],
  ['hello-world server CPU per request ÷ revoke\'s', over(cpu('hello-get'), cpu('gk-revoke')), 'http'],
  ['bare HMAC + JSON.stringify server ÷ hello-world', over(rps('hmac-post'), rps('hello-post')), 'http'],
  ['grantkit /health ÷ hello-world', over(rps('gk-health'), rps('hello-get')), 'http'],
  ['authorize, 100 patterns ÷ 1 pattern', over(patterns['count-100']?.nsPerOp, patterns['count-1']?.nsPerOp), 'patterns'],
  ['mint, validated grant ÷ raw HMAC', over(ns('gk-mint-validated'), ns('hmac')), 'tokens'],
  ['verify, first sight ÷ raw HMAC', over(ns('gk-verify-first'), ns('hmac')), 'tokens'],
  ['official SDK parseToken ÷ grantkit parseToken', over(ns('pubnub-parse'), ns('gk-parse')), 'tokens'],
  ['jose SignJWT ÷ grantkit mint', over(ns('jose-sign'), ns('gk-mint-validated-async')), 'tokens'],
  ['jose jwtVerify ÷ grantkit mint', over(ns('jose-verify'), ns('gk-mint-validated-async')), 'tokens'],
  ['jsonwebtoken sign ÷ grantkit mint from builder input', over(ns('jsonwebtoken-sign'), ns('gk-mint-builder')), 'tokens'],
  ['jsonwebtoken verify ÷ grantkit verify + authorize, first sight', over(ns('jsonwebtoken-verify'), ns('gk-verify-authorize-first')), 'tokens'],
];

const fmt = (value) => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(2));
const lines = [];
lines.push(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB` +
  (raw.http ? `; HTTP: autocannon, ${raw.http.connections} connections, ${raw.http.rounds} × ${raw.http.duration} s per case (median), revoke flood ${raw.http.floodConnections} connections` : ''));
lines.push('', '| figure | this run | goal | met |', '|---|---|---|---|');
for (const [label, value, goal, test, part] of FIGURES) {
  if (raw[part] === undefined) continue;
  lines.push(`| ${label} | ${fmt(value)} | ${goal} | ${value !== undefined && test(value) ? 'yes' : '**no**'} |`);
}
lines.push('', '| context | this run |', '|---|---|');
for (const [label, value, part] of CONTEXT) if (raw[part] !== undefined) lines.push(`| ${label} | ${fmt(value)}× |`);
if (raw.http) {
  lines.push('', '| HTTP case | req/s | p50 ms | p99 ms | server CPU µs/request | non-2xx | req/s per round |', '|---|---|---|---|---|---|---|');
  for (const [id, result] of Object.entries(http)) lines.push(`| ${id} | ${Math.round(result.rps).toLocaleString('en-US')} | ${result.p50} | ${result.p99} | ${Math.round(result.cpuUsPerRequest)} | ${result.non2xx} | ${result.runs.join(', ')} |`);
  lines.push('', '| server | RSS after load | peak RSS |', '|---|---|---|');
  for (const [server, { rss, peak }] of Object.entries(raw.http.memory)) lines.push(`| ${server} | ${(rss / 2 ** 20).toFixed(0)} MiB | ${(peak / 2 ** 20).toFixed(0)} MiB |`);
}
if (raw.tokens) {
  lines.push('', '| token case | ns/op | spread | bytes allocated/op |', '|---|---|---|---|');
  for (const result of Object.values(tokens)) {
    lines.push(`| ${result.label} | ${Math.round(result.nsPerOp).toLocaleString('en-US')} | ±${Math.round(result.spread * 100)}% | ${result.bytesPerOp === undefined ? 'n/a' : Math.round(result.bytesPerOp).toLocaleString('en-US')} |`);
  }
}
if (raw.patterns) {
  lines.push('', '| authorize case | ns/op |', '|---|---|');
  for (const [id, result] of Object.entries(patterns)) lines.push(`| ${id} | ${Math.round(result.nsPerOp).toLocaleString('en-US')} |`);
}
lines.push('', `(${Math.round((Date.now() - started) / 1000)} s)`);
console.log(lines.join('\n'));

// Every figure must have come out as a number; no timing is asserted anywhere.
const missing = [...FIGURES, ...CONTEXT].filter((figure) => raw[figure.at(-1)] !== undefined && !Number.isFinite(figure[1]));
const failures = Object.entries(http).filter(([, result]) => result.errors > 0 || (result.non2xx > 0));
if (missing.length > 0 || failures.length > 0) {
  for (const [label] of missing) console.error(`bench: no figure for "${label}"`);
  for (const [id, result] of failures) console.error(`bench: ${id} had ${result.errors} errors and ${result.non2xx} non-2xx answers`);
  process.exit(1);
}

if (!smoke && values['no-docs'] !== true && values.only === undefined) {
  const docs = fileURLToPath(new URL('../docs/performance/', import.meta.url));
  mkdirSync(docs, { recursive: true });
  writeFileSync(join(docs, 'results.json'), `${JSON.stringify(raw, null, 1)}\n`);
  writeFileSync(join(docs, 'table.md'), `${lines.join('\n')}\n`);
  writeFileSync(join(docs, 'http-vs-hello-world.svg'), barChart({
    title: 'req/s (and server CPU per request) ÷ bare node:http hello-world, same run',
    goal: 0.6,
    bars: [
      { label: 'bare HMAC + JSON.stringify', value: over(rps('hmac-post'), rps('hello-post')), goal: false },
      { label: 'grantkit /health', value: over(rps('gk-health'), rps('hello-get')), goal: false },
      { label: 'grant (POST, signed)', value: over(rps('gk-grant'), rps('hello-post')) },
      { label: 'authorize (GET)', value: over(rps('gk-authorize'), rps('hello-get')) },
      { label: 'revoke (SQLite, durable; goal 0.3)', value: over(rps('gk-revoke'), rps('hello-get')), goal: false },
      { label: 'authorize during a revoke flood', value: over(rps('gk-authorize-flood'), rps('hello-get')) },
      { label: 'grant, by server CPU/request', value: over(cpu('hello-post'), cpu('gk-grant')) },
      { label: 'authorize, by server CPU/request', value: over(cpu('hello-get'), cpu('gk-authorize')) },
      { label: 'revoke, by server CPU/request', value: over(cpu('hello-get'), cpu('gk-revoke')), goal: false },
    ],
  }));
  writeFileSync(join(docs, 'authorize-vs-patterns.svg'), lineChart({
    title: 'authorize cost vs number of patterns in the token',
    xLabel: 'patterns in the token (the name matches the last one)', yLabel: 'ns per authorize', logX: true,
    series: [{ label: 'authorize', points: raw.patterns.counts.map((count) => [count, patterns[`count-${count}`].nsPerOp]) }],
  }));
  writeFileSync(join(docs, 'authorize-vs-name-length.svg'), lineChart({
    title: 'authorize cost vs resource name length',
    xLabel: 'name length (characters), pattern ^room-[a-z0-9-]*$', yLabel: 'ns per authorize',
    series: [{ label: 'authorize', points: raw.patterns.lengths.map((length) => [length, patterns[`length-${length}`].nsPerOp]) }],
  }));
  console.error('bench: wrote docs/performance/{table.md,results.json,*.svg}');
}

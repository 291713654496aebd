#!/usr/bin/env node
/**
 * Token mint/verify speed on Node, against the two baselines the project set itself:
 *   - one raw HMAC-SHA256 (node:crypto, cached KeyObject) over the same token bytes: the floor. Goal: within 2x.
 *   - jose HS256 SignJWT / jwtVerify with equivalent claims: the usual alternative. Goal: at least 5x faster.
 *
 * Runs against the built packages (`pnpm --filter @grantkit/node build` first), resolving them and jose through
 * packages/node, where they are dependencies:  cd packages/node && pnpm bench   (or: node bench/node-tokens.mjs)
 * Options: --time <ms per case, default 1000; cases run interleaved within each group>  --only <case name substring>
 * Every loop is bounded by time and by count.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const nodePackage = new URL('../packages/node/package.json', import.meta.url);
const require = createRequire(nodePackage);
const load = async (specifier) => import(pathToFileURL(require.resolve(specifier)).href);
const core = await load('@grantkit/core');
const node = await import(new URL('../packages/node/dist/index.js', import.meta.url).href).catch(() => {
  console.error('packages/node/dist is missing: run `pnpm --filter @grantkit/node build` first');
  process.exit(1);
});
const jose = await load('jose');

// pnpm forwards a literal `--`; drop it.
const { values } = parseArgs({ args: process.argv.slice(2).filter((argument) => argument !== '--'), options: { time: { type: 'string' }, only: { type: 'string' } } });
const budgetMs = Number(values.time ?? 1000);
const MAX_ITERATIONS = 5_000_000;

const SECRET = 'sec-c-bench-0123456789abcdef0123456789abcdef';
const key = node.importKey(SECRET);
const { Channel, Group, UUID } = core;
const input = {
  ttl: 60,
  authorizedUuid: 'user-42',
  channels: [Channel.id('room-1').read().write(), Channel.id('room-2').read(), Channel.pattern('^lobby-[0-9]+$').read()],
  groups: [Group.id('cg-rooms').read()],
  uuids: [UUID.id('user-42').get().update()],
  meta: { role: 'member', tier: 2 },
};
const grant = core.normalizeGrant(input);
const timestamp = Math.floor(Date.now() / 1000);
const token = core.mintToken(grant, key, { timestamp });
// More distinct tokens than verifyToken remembers (it counts up to 4,096 and keeps 1,024), cycled: every verify sees
// its token for the first time as far as the caches know. (ttl 200 min so the oldest is still valid; same size.)
const freshGrant = core.normalizeGrant({ ...input, ttl: 200 });
const freshTokens = Array.from({ length: 10_000 }, (_, index) => core.mintToken(freshGrant, key, { timestamp: timestamp - index }));
let freshIndex = 0;
const nextFresh = () => freshTokens[(freshIndex = (freshIndex + 1) % freshTokens.length)];
const tokenBytes = core.base64UrlDecode(token);

// The floor: what any HMAC-signed token must cost at least.
const rawKey = createSecretKey(Buffer.from(SECRET));
const rawHmac = () => createHmac('sha256', rawKey).update(tokenBytes).digest();

// jose: the same claims as a JWT.
const joseSecret = new TextEncoder().encode(SECRET);
const claims = {
  sub: 'user-42',
  res: { chan: { 'room-1': 3, 'room-2': 1 }, grp: { 'cg-rooms': 1 }, uuid: { 'user-42': 96 } },
  pat: { chan: { '^lobby-[0-9]+$': 1 } },
  meta: { role: 'member', tier: 2 },
};
const jwt = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(timestamp).setExpirationTime(timestamp + 3600).sign(joseSecret);

const cases = [
  ['raw HMAC-SHA256 over the token bytes', () => rawHmac()],
  ['grantkit mint (validated grant)', () => core.mintToken(grant, key, { timestamp })],
  ['grantkit mint (from input: validate + encode + sign)', () => core.mintToken(input, key, { timestamp })],
  ['grantkit verify (first sight)', () => core.verifyToken(nextFresh(), key, { now: timestamp })],
  ['grantkit verify (token seen before)', () => core.verifyToken(token, key, { now: timestamp })],
  ['grantkit verify + authorize', () => core.authorize(core.verifyToken(token, key, { now: timestamp }), { uuid: 'user-42', resource: { channel: 'lobby-7' }, permission: 'read', now: timestamp })],
  ['jose HS256 SignJWT', () => new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(timestamp).setExpirationTime(timestamp + 3600).sign(joseSecret), true],
  ['jose HS256 jwtVerify', () => jose.jwtVerify(jwt, joseSecret, { currentDate: new Date(timestamp * 1000) }), true],
];

// Cases run interleaved, one batch of each per round, so load from other processes on a shared machine hits every
// case alike; each case reports its median batch rate.
async function batch(run, isAsync, size) {
  const started = performance.now();
  if (isAsync) for (let index = 0; index < size; index++) await run();
  else for (let index = 0; index < size; index++) run();
  return size / (performance.now() - started);
}

// Two groups, each measured on its own: grantkit against the raw HMAC floor, and grantkit against jose. Keeping jose
// out of the first group keeps its garbage (it allocates far more) from being collected during grantkit's batches.
const GROUPS = [
  ['raw HMAC-SHA256 over the token bytes', 'grantkit mint (validated grant)', 'grantkit mint (from input: validate + encode + sign)', 'grantkit verify (first sight)', 'grantkit verify (token seen before)', 'grantkit verify + authorize'],
  ['grantkit mint (validated grant)', 'grantkit mint (from input: validate + encode + sign)', 'grantkit verify (first sight)', 'jose HS256 SignJWT', 'jose HS256 jwtVerify'],
];

async function measure(selected) {
  for (const [, run, isAsync] of selected) await batch(run, isAsync, 2_000); // warm up (JIT)
  const rates = new Map(selected.map(([name]) => [name, []]));
  const deadline = performance.now() + budgetMs * selected.length;
  let rounds = 0;
  while (performance.now() < deadline && rounds * 1_000 < MAX_ITERATIONS) {
    for (const [name, run, isAsync] of selected) rates.get(name).push(await batch(run, isAsync, isAsync ? 100 : 1_000));
    rounds++;
  }
  const measured = new Map();
  for (const [name, list] of rates) {
    list.sort((left, right) => left - right);
    const perMs = list[Math.floor(list.length / 2)];
    measured.set(name, { name, opsPerSecond: perMs * 1000, nsPerOp: 1e6 / perMs });
  }
  return { measured, rounds };
}

const groupResults = [];
let rounds = 0;
for (const names of GROUPS) {
  const selected = cases.filter(([name]) => names.includes(name) && (values.only === undefined || name.includes(values.only)));
  if (selected.length === 0) continue;
  const group = await measure(selected);
  groupResults.push(group.measured);
  rounds = Math.max(rounds, group.rounds);
}
// Per case, the figure from the first group it ran in.
const results = new Map();
for (const measured of groupResults) for (const [name, result] of measured) if (!results.has(name)) results.set(name, result);
const inGroup = (index, name) => groupResults[index]?.get(name);

console.log(`Node ${process.version}, token ${token.length} chars (${tokenBytes.length} bytes), JWT ${jwt.length} chars, median of ${rounds} interleaved rounds\n`);
console.log('case'.padEnd(56) + 'ops/s'.padStart(12) + 'ns/op'.padStart(10));
for (const result of results.values()) {
  console.log(result.name.padEnd(56) + Math.round(result.opsPerSecond).toLocaleString('en-US').padStart(12) + Math.round(result.nsPerOp).toLocaleString('en-US').padStart(10));
}

// Each ratio compares two cases measured in the same group (the same run, interleaved).
const ratioIn = (index) => (slow, fast) =>
  inGroup(index, slow) && inGroup(index, fast) ? inGroup(index, slow).nsPerOp / inGroup(index, fast).nsPerOp : undefined;
const ratio = ratioIn(0);
const versusJose = ratioIn(1);
const lines = [
  ['mint (validated) / raw HMAC', ratio('grantkit mint (validated grant)', 'raw HMAC-SHA256 over the token bytes'), 'goal <= 2'],
  ['mint (from input) / raw HMAC', ratio('grantkit mint (from input: validate + encode + sign)', 'raw HMAC-SHA256 over the token bytes'), ''],
  ['verify, first sight / raw HMAC', ratio('grantkit verify (first sight)', 'raw HMAC-SHA256 over the token bytes'), 'goal <= 2'],
  ['verify, token seen before / raw HMAC', ratio('grantkit verify (token seen before)', 'raw HMAC-SHA256 over the token bytes'), 'goal <= 2'],
  ['jose SignJWT / grantkit mint (validated)', versusJose('jose HS256 SignJWT', 'grantkit mint (validated grant)'), 'goal >= 5'],
  ['jose SignJWT / grantkit mint (from input)', versusJose('jose HS256 SignJWT', 'grantkit mint (from input: validate + encode + sign)'), ''],
  ['jose jwtVerify / grantkit verify (first sight)', versusJose('jose HS256 jwtVerify', 'grantkit verify (first sight)'), 'goal >= 5'],
];
console.log('\nratios (time per operation)');
for (const [label, value, goal] of lines) {
  if (value === undefined) continue;
  console.log(`  ${label.padEnd(44)} ${value.toFixed(2).padStart(7)}x  ${goal}`);
}

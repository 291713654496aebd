/**
 * Fuzz target: HTTP request parsing in the shared REST handler (paths, percent-encoding, query strings, headers,
 * bodies) with hostile tokens and names. Property: a PubNub-shaped JSON 4xx or a 2xx, never a 5xx, never a throw.
 */
import { expect, it } from 'vitest';
import { Channel } from '../../src/grant/builders.js';
import { normalizeGrant } from '../../src/grant/grant-input.js';
import { grantToRequestBody } from '../../src/grant/rest-body.js';
import { createGrantHandler } from '../../src/http/handler.js';
import { signRequestV2 } from '../../src/signature-v2.js';
import { base64UrlDecode, base64UrlEncode } from '../../src/token/base64url.js';
import { mintToken } from '../../src/token/mint.js';
import { FUZZ_NOW, FUZZ_RUNS, FUZZ_TIMEOUT_MS, Random, Stopwatch, fuzzKey, randomMutation, report } from './support.js';

const handler = createGrantHandler({
  keysets: new Map([['sub-c-f', { subscribeKey: 'sub-c-f', publishKey: 'pub-c-f', keys: [fuzzKey] }]]),
  clock: () => FUZZ_NOW,
  revocations: { revoke: () => undefined, isRevoked: () => false },
});
const token = mintToken({ ttl: 15, authorizedUuid: 'alice', channels: [Channel.pattern('^room-[0-9]+$').read(), Channel.id('a').write()] }, fuzzKey, { timestamp: FUZZ_NOW });
const tokenBytes = base64UrlDecode(token);
const grantBody = grantToRequestBody(normalizeGrant({ ttl: 15, channels: [Channel.id('a').read()] }));
const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'];
const SEGMENTS = ['', 'v3', 'pam', 'sub-c-f', 'sub-c-x', 'grant', 'grantkit', 'v1', 'authorize', 'health', '%', '%E0%A4%A', '%ED%A0%80', '%FF', 'é', '..', '%2F', token];
const PARAMETERS = ['token', 'auth', 'uuid', 'channel', 'group', 'space', 'user', 'target-uuid', 'permission', 'timestamp', 'signature', ''];
const VALUES = ['alice', 'read', 'write', 'room-1', 'a', '', '%', '%FF', '%ED%A0%80', 'x'.repeat(300), String(FUZZ_NOW), 'v2.AAAA', '+', '%2B'];

function request(random: Random): Request {
  const roll = random.below(4);
  let path: string;
  if (roll === 0) path = `/${Array.from({ length: 1 + random.below(6) }, () => random.pick(SEGMENTS)).join('/')}`;
  else if (roll === 1) path = '/v3/pam/sub-c-f/grant';
  else path = '/grantkit/v1/sub-c-f/authorize';
  const query: string[] = [];
  for (let count = random.below(6); count > 0; count--) {
    const name = random.pick(PARAMETERS);
    const value = name === 'token' || name === 'auth' ? (random.below(3) === 0 ? token : base64UrlEncode(randomMutation(random, tokenBytes))) : random.pick(VALUES);
    query.push(`${name}=${value}`);
  }
  if (roll === 1 && random.below(2) === 0) {
    const parts = { uuid: 'server', timestamp: String(FUZZ_NOW) };
    query.push(`uuid=server&timestamp=${FUZZ_NOW}&signature=${signRequestV2(fuzzKey, { method: 'POST', publishKey: 'pub-c-f', path, query: parts, body: grantBody })}`);
  }
  const method = roll === 1 ? 'POST' : random.pick(METHODS);
  const headers = new Headers();
  if (random.below(4) === 0) headers.set('authorization', `Bearer ${random.below(2) === 0 ? token : random.pick(VALUES)}`);
  let body: Uint8Array<ArrayBuffer> | string | undefined;
  if (method !== 'GET' && method !== 'HEAD' && random.below(2) === 0) {
    const kind = random.below(4);
    body = kind === 0 ? grantBody : kind === 1 ? `\ufeff${grantBody}` : kind === 2 ? JSON.stringify({ token, channel: random.pick(VALUES), permission: 'read', uuid: 'al\ud800' })
      : Uint8Array.from({ length: random.below(64) }, () => random.below(256));
  }
  return new Request(`http://localhost${path}?${query.join('&')}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

it(`answers ${FUZZ_RUNS} hostile requests with a 2xx or a PubNub-shaped 4xx`, async () => {
  const random = new Random();
  const watch = new Stopwatch();
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  for (let index = 0; index < FUZZ_RUNS; index++) {
    let input: Request;
    try {
      input = request(random);
    } catch {
      continue; // the URL or method cannot even form a Request: no server would see it
    }
    const started = performance.now();
    try {
      const response = await handler(input);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const body = await response.json() as { service?: string };
      if (response.status >= 500 || body.service !== 'Access Manager') failures.push(`${input.method} ${input.url} -> ${response.status}`);
    } catch (error) {
      failures.push(`${input.method} ${input.url} threw ${String(error)}`);
    }
    watch.inputs++;
    const elapsed = performance.now() - started;
    if (watch.inputs > 1_000 && elapsed > watch.worstMs) watch.worstMs = elapsed;
  }
  report({ target: 'http-handler', inputs: watch.inputs, crashes: failures.length, worstMs: watch.worstMs, statuses: JSON.stringify(Object.fromEntries(statuses)) });
  expect(failures.slice(0, 10)).toEqual([]);
}, FUZZ_TIMEOUT_MS);

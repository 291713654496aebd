/**
 * PubNub's own recordings as grantkit's tests: every grant and revoke exchange that PubNub's Python SDK recorded
 * against PubNub's live service (`@grantkit/conformance`'s `vectors/pubnub-recorded-exchanges.json`), replayed byte
 * for byte (the Python SDK's body and query encoding, re-signed for this keyset) against a real `grantkit serve`.
 *
 * - `pubnub` mode (the default): the same status, content type and body, and a token with the same content as the
 *   one PubNub issued (its version, ttl, authorized uuid, every slot and meta; only the time and signature differ).
 * - `strict` mode: the same, except the documented 400s for what strict refuses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeToken, grantFromRequestBody, mintToken, type TokenPayload } from '@grantkit/core';
import recordings from '@grantkit/conformance/vectors/pubnub-recorded-exchanges.json';
import { importKey } from '../src/crypto.js';
import { pythonRevokePath, sendAsPython, type WireAnswer, type WireKeyset } from './helpers/pubnub-wire.js';
import { startService, type RunningService } from './helpers/spawn-service.js';

const SECRET = 'sec-c-recordings-secret';
const PUBNUB: WireKeyset = { subscribeKey: 'sub-c-recordings', publishKey: 'pub-c-recordings', secretKey: SECRET };
const STRICT: WireKeyset = { subscribeKey: 'sub-c-recordings-strict', publishKey: 'pub-c-recordings', secretKey: SECRET };

type Exchange = (typeof recordings.exchanges)[number];
const grants = recordings.exchanges.filter((exchange) => exchange.request.method === 'POST');
const revokes = recordings.exchanges.filter((exchange) => exchange.request.method === 'DELETE');

let service: RunningService;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'grantkit-recordings-'));
  const config = join(dir, 'grantkit.json');
  writeFileSync(config, JSON.stringify({ keysets: [PUBNUB, { ...STRICT, validation: 'strict' }] }));
  service = await startService(['--config', config, '--store', 'memory', '--data-dir', dir]);
});

afterAll(async () => {
  const code = await service?.stop();
  rmSync(dir, { recursive: true, force: true });
  expect(code).toBe(0);
});

const grantPath = (keyset: WireKeyset) => `/v3/pam/${keyset.subscribeKey}/grant`;
const tokenIn = (text: string) => (JSON.parse(text) as { data?: { token?: string } }).data?.token;

/** Everything a token carries except when it was issued and its signature. */
function content(token: string): Omit<TokenPayload, 'timestamp' | 'signature'> {
  const { timestamp: _timestamp, signature: _signature, ...rest } = decodeToken(token);
  return rest;
}

/** Our answer matches PubNub's recorded one: status, content type, body (with our token), token content. */
function expectSameAnswer(answer: WireAnswer, exchange: Exchange): void {
  expect(answer.status, exchange.id).toBe(exchange.response.status);
  expect(answer.contentType, exchange.id).toBe(exchange.response.contentType);
  const theirs = tokenIn(exchange.response.body);
  if (theirs === undefined) {
    expect(answer.text, exchange.id).toBe(exchange.response.body);
    return;
  }
  const ours = tokenIn(answer.text)!;
  expect(answer.text, exchange.id).toBe(exchange.response.body.replace(theirs, ours));
  expect(content(ours), exchange.id).toEqual(content(theirs));
}

describe('PubNub’s recorded grant exchanges', () => {
  it('covers every recorded grant and revoke', () => {
    expect(grants.length).toBe(32);
    expect(revokes.length).toBe(3);
  });

  it.each(grants.map((exchange) => [exchange.id, exchange] as const))('%s: identical answer in pubnub mode', async (_id, exchange) => {
    expectSameAnswer(await sendAsPython(service.url, PUBNUB, 'POST', grantPath(PUBNUB), exchange.request.body), exchange);
  });

  // What strict refuses among them, with its documented answer; every other exchange is answered as in pubnub mode.
  const STRICT_REFUSES: Record<string, string> = {
    'python-grant_token_large_metadata-0':
      '{"error":{"message":"Invalid meta","source":"grant","details":[{"message":"meta values must be scalar: string, number or boolean","location":"permissions.meta.app_data","locationType":"body"}]},"service":"Access Manager","status":400}',
  };

  it.each(grants.map((exchange) => [exchange.id, exchange] as const))('%s: strict mode answers as documented', async (id, exchange) => {
    const answer = await sendAsPython(service.url, STRICT, 'POST', grantPath(STRICT), exchange.request.body);
    if (STRICT_REFUSES[id] === undefined) {
      expectSameAnswer(answer, exchange);
    } else {
      expect(answer).toEqual({ status: 400, contentType: 'text/javascript; charset=UTF-8', text: STRICT_REFUSES[id] });
    }
  });
});

describe('PubNub’s recorded revoke exchanges', () => {
  it.each(revokes.map((exchange) => [exchange.id, exchange] as const))('%s: identical answer', async (_id, exchange) => {
    // The grant recorded just before it, re-issued here: its token is the one revoked.
    const grant = recordings.exchanges.find((candidate) => candidate.source.path === exchange.source.path && candidate.request.method === 'POST')!;
    let token: string;
    if (exchange.response.body.includes('Token is expired.')) {
      // PubNub's test slept 61 s past a 1-minute ttl; mint the same grant as issued 2 minutes ago instead.
      token = mintToken(grantFromRequestBody(JSON.parse(grant.request.body)), importKey(SECRET), { timestamp: Math.floor(Date.now() / 1000) - 120 });
    } else {
      const granted = await sendAsPython(service.url, PUBNUB, 'POST', grantPath(PUBNUB), grant.request.body);
      token = tokenIn(granted.text)!;
    }
    expectSameAnswer(await sendAsPython(service.url, PUBNUB, 'DELETE', pythonRevokePath(PUBNUB.subscribeKey, token), ''), exchange);
  });
});

describe('what PubNub’s service accepts beyond its documentation (issue reports, SDK unit-test tokens)', () => {
  const body = (resources: Record<string, Record<string, number>>, extra: Record<string, unknown> = {}) => JSON.stringify({
    ttl: 60,
    permissions: {
      resources: { channels: {}, groups: {}, uuids: {}, users: {}, spaces: {}, ...resources },
      patterns: { channels: {}, groups: {}, uuids: {}, users: {}, spaces: {} },
      meta: {},
      ...extra,
    },
  });
  const manyChannels = Object.fromEntries(Array.from({ length: 251 }, (_, index) => [`channel-${index}`, 1]));
  const cases: Array<[string, string, number, string]> = [
    ['a write bit on a group', body({ groups: { g: 3 } }), 400, 'Invalid permissions'],
    ['255 on a uuid (and a user)', body({ uuids: { u: 255 }, users: { u: 255 } }), 400, 'Invalid permissions'],
    ['User.id().read(), as the Python SDK sends it', body({ uuids: { u: 1 }, users: { u: 1 } }), 400, 'Invalid permissions'],
    ['Space().create(), as the Python SDK sends it', body({ channels: { s: 16 }, spaces: { s: 16 } }), 400, 'Invalid permissions'],
    ['251 channels, sent twice by the Python SDK (502 entries)', body({ channels: manyChannels, spaces: manyChannels }), 413, 'Request Entity Too Large'],
    ['a 300-character name', body({ channels: { ['n'.repeat(300)]: 1 } }), 413, 'Request Entity Too Large'],
    ['a None meta value', body({ channels: { c: 1 } }, { meta: { nothing: null } }), 400, 'Invalid meta'],
    ['65 meta entries', body({ channels: { c: 1 } }, { meta: Object.fromEntries(Array.from({ length: 65 }, (_, index) => [`k${index}`, index])) }), 413, 'Request Entity Too Large'],
  ];

  it.each(cases)('%s: pubnub mode grants it with that content, strict answers the documented error', async (_name, text, status, message) => {
    const accepted = await sendAsPython(service.url, PUBNUB, 'POST', grantPath(PUBNUB), text);
    expect(accepted.status).toBe(200);
    const expected = grantFromRequestBody(JSON.parse(text));
    expect(content(tokenIn(accepted.text)!)).toMatchObject({ resources: expected.resources, meta: expected.meta });
    const refused = await sendAsPython(service.url, STRICT, 'POST', grantPath(STRICT), text);
    expect(refused.status).toBe(status);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { message, source: 'grant' }, service: 'Access Manager', status });
  });

  it('logs a warning naming what strict would refuse, in pubnub mode', () => {
    const warnings = service.stdout().split('\n').filter((line) => line.includes('grant accepted that strict validation refuses'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.join('\n')).toContain('"rule":"permission-not-for-type","field":"permissions.resources.groups.g"');
    expect(warnings.join('\n')).not.toContain(SECRET);
  });
});

describe('signature v2 with the Python SDK’s byte sequences', () => {
  const text = body1();
  function body1(): string {
    return JSON.stringify({ ttl: 15, permissions: { resources: { channels: { a: 1 } }, patterns: {}, meta: {} } });
  }
  it.each([
    ['a raw + (signed as %2B)', 'a+b'],
    ['a space (sent %20 by httpx)', 'a b'],
    ['~ and * sent raw', 'a~b*c'],
    ["! ' ( ) sent raw", "a!b'c(d)"],
    ['unicode (sent as UTF-8 escapes)', 'ü€😀'],
    ['a slash and a colon', 'a/b:c'],
  ])('verifies a uuid with %s', async (_name, uuid) => {
    const answer = await sendAsPython(service.url, PUBNUB, 'POST', grantPath(PUBNUB), text, { uuid });
    expect(answer.status, answer.text).toBe(200);
  });

  it('verifies empty parameter values', async () => {
    const answer = await sendAsPython(service.url, PUBNUB, 'POST', grantPath(PUBNUB), text, { auth: '', uuid: 'u' });
    expect(answer.status, answer.text).toBe(200);
  });
});

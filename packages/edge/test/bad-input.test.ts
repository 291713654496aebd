/**
 * Hostile and broken requests against the test Worker: every one gets a PubNub-shaped 4xx, never a 500.
 */
import { env, exports } from 'cloudflare:workers';
import { verifyToken } from '@grantkit/core';
import { createEdgeHandler, importHmacKey } from '@grantkit/edge';
import { describe, expect, it } from 'vitest';
import { EDGE } from './helpers/keysets.js';
import { grantBody, signedRequest } from './helpers/signed-request.js';

const worker = (request: Request) => exports.default.fetch(request);
const GRANT_PATH = `/v3/pam/${EDGE.subscribeKey}/grant`;

function signedGrant(body: string): Promise<Request> {
  return signedRequest({ method: 'POST', path: GRANT_PATH, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey, body });
}

async function expectPubNubError(response: Response, status: number): Promise<any> {
  expect(response.status).toBe(status);
  const json = await response.json<any>();
  expect(json).toMatchObject({ status, service: 'Access Manager', error: { message: expect.any(String), details: expect.any(Array) } });
  return json;
}

/** mulberry32: a seeded generator, so a failing case reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['ttl', 'permissions', 'resources', 'patterns', 'channels', 'groups', 'uuids', 'users', 'spaces', 'meta', 'uuid', 'ch1', '__proto__', 'constructor', '.*', '(a)', ''];
const LEAVES: unknown[] = [0, 1, -1, 15, 43200, 43201, 1.5, 2 ** 53, -(2 ** 60), 255, 256, '', 'x', '15', null, true, false, [], {}];

function garbage(next: () => number, depth = 0): unknown {
  const roll = next();
  if (depth > 4 || roll < 0.35) return LEAVES[Math.floor(next() * LEAVES.length)];
  if (roll < 0.5) return Array.from({ length: Math.floor(next() * 4) }, () => garbage(next, depth + 1));
  const record: Record<string, unknown> = {};
  for (let index = Math.floor(next() * 5); index > 0; index--) {
    Object.defineProperty(record, WORDS[Math.floor(next() * WORDS.length)]!, { value: garbage(next, depth + 1), enumerable: true, configurable: true, writable: true });
  }
  return record;
}

describe('oversize bodies', () => {
  it('answers 413 for a body over 32 KiB, signed or not', async () => {
    const body = JSON.stringify({ ttl: 15, permissions: { resources: { channels: { ['x'.repeat(40_000)]: 1 } } } });
    await expectPubNubError(await worker(await signedGrant(body)), 413);
    await expectPubNubError(await worker(new Request(`http://grantkit.test${GRANT_PATH}`, { method: 'POST', body })), 413);
  });

  it('answers 413 for a streamed body without Content-Length, and stops reading it', async () => {
    // Unit style (handler.fetch in this isolate): a stream crossing the service binding would be piped, and the
    // pipe, not the handler, would see the cancellation.
    const chunk = new Uint8Array(8192).fill(0x20);
    let sent = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 64) controller.enqueue(chunk);
        else controller.close();
      },
      cancel() {
        cancelled = true;
      },
    });
    const request = new Request(`http://grantkit.test${GRANT_PATH}?timestamp=1`, { method: 'POST', body: stream });
    await expectPubNubError(await createEdgeHandler().fetch(request, env), 413);
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThan(64);
  });

  it('answers 413 when Content-Length claims too much', async () => {
    const request = new Request(`http://grantkit.test${GRANT_PATH}`, { method: 'POST', body: '{}', headers: { 'content-length': '999999' } });
    await expectPubNubError(await worker(request), 413);
  });
});

describe('malformed bodies', () => {
  it('answers 400 for a correctly signed body that is not JSON', async () => {
    for (const body of ['', '{', 'ttl=15', '{"ttl":15,}', '\u0000']) {
      const json = await expectPubNubError(await worker(await signedGrant(body)), 400);
      expect(json.error.details[0].location).toBe('body');
    }
  });

  it('answers 400 for bytes that are not UTF-8', async () => {
    const request = new Request(`http://grantkit.test${GRANT_PATH}`, { method: 'POST', body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) });
    await expectPubNubError(await worker(request), 400);
  });

  it('answers 400 for JSON of the wrong shape', async () => {
    const bodies: unknown[] = [
      null, [], 15, 'grant', {}, { ttl: 15 }, { ttl: '15', permissions: {} }, { ttl: 15, permissions: null },
      { ttl: 15, permissions: { resources: [] } }, { ttl: 15, permissions: { resources: { channels: { a: 'read' } } } },
      { ttl: 15, permissions: { resources: { channels: { a: -1 } } } }, { ttl: 15, permissions: { resources: { channels: { a: 2 ** 40 } } } },
      { ttl: 15.5, permissions: { resources: { channels: { a: 1 } } } },
      { ttl: 15, permissions: { resources: { channels: { a: 1 } }, uuid: 42 } },
      { ttl: 15, permissions: { patterns: { channels: { '[': 1 } } } },
    ];
    for (const body of bodies) {
      await expectPubNubError(await worker(await signedGrant(JSON.stringify(body))), 400);
    }
  });

  it('grants what PubNub’s service grants in the default pubnub mode: a write bit on a group, nested meta', async () => {
    for (const body of [
      { ttl: 15, permissions: { resources: { groups: { g: 2 } } } },
      { ttl: 15, permissions: { resources: { channels: { a: 1 } }, meta: { nested: { deep: true }, none: null } } },
    ]) {
      expect((await worker(await signedGrant(JSON.stringify(body)))).status).toBe(200);
    }
  });

  it('never answers 500 to random signed JSON (seeded)', async () => {
    const next = random(0x5eed);
    const key = await importHmacKey(EDGE.secretKey);
    for (let round = 0; round < 150; round++) {
      const body = JSON.stringify(garbage(next)) ?? 'null';
      const response = await worker(await signedGrant(body));
      expect([200, 400, 413], body).toContain(response.status);
      const json = await response.json<any>();
      if (response.status === 200) await verifyToken(json.data.token, key);
      else expect(json.error.message, body).toEqual(expect.any(String));
    }
  });

  it('never answers 500 to random bytes (seeded)', async () => {
    const next = random(0xb17e5);
    for (let round = 0; round < 100; round++) {
      const bytes = Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256));
      const response = await worker(new Request(`http://grantkit.test${GRANT_PATH}?timestamp=${Math.floor(Date.now() / 1000)}`, { method: 'POST', body: bytes }));
      expect([400, 403]).toContain(response.status);
      await response.body?.cancel();
    }
  });
});

describe('malformed paths and methods', () => {
  it('answers 400, 404 or 405, never 500', async () => {
    const cases: Array<[string, string, number]> = [
      ['POST', '/v3/pam/%zz/grant', 400],
      ['DELETE', `/v3/pam/${EDGE.subscribeKey}/grant/%E0%A4%A`, 400],
      ['DELETE', `/v3/pam/${EDGE.subscribeKey}/grant/`, 400],
      ['GET', GRANT_PATH, 405],
      ['PUT', `/grantkit/v1/${EDGE.subscribeKey}/authorize`, 405],
      ['GET', '/v3/pam', 404],
      ['GET', '/', 404],
      ['GET', '/v3/pam/a/grant/b/c', 404],
    ];
    for (const [method, path, status] of cases) {
      const response = await worker(new Request(`http://grantkit.test${path}`, { method }));
      expect(response.status, `${method} ${path}`).toBe(status);
      expect(await response.json<any>()).toMatchObject({ status, service: 'Access Manager' });
    }
  });

  it('answers 400 for an authorize POST with a body that is not a JSON object', async () => {
    for (const body of ['{', '"token"', 'null', '[1,2]']) {
      const response = await worker(new Request(`http://grantkit.test/grantkit/v1/${EDGE.subscribeKey}/authorize`, { method: 'POST', body }));
      expect(response.status, body).toBe(400);
    }
  });

  it('answers 400 when the signed grant body is fine but the path is not', async () => {
    const response = await worker(await signedRequest({
      method: 'POST', path: '/v3/pam/%F0%9F/grant', publishKey: EDGE.publishKey, secretKey: EDGE.secretKey, body: grantBody({ channels: { a: 1 } }),
    }));
    expect(response.status).toBe(400);
  });
});

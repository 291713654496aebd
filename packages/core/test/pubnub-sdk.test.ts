/**
 * Conformance with the official `pubnub` SDK (the real npm package): its parseToken reads our tokens exactly as
 * ours does, our fixture of its output cannot drift, and its signed grant/revoke calls are accepted by our handler.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrantHandler, mintToken, normalizeGrant, parseToken, signRequestV2, type RevocationStore } from '@grantkit/core';
import expected from '@grantkit/conformance/vectors/pubnub-parse-expected.json';
import pubnubTokens from '@grantkit/conformance/vectors/pubnub-tokens.json';
import { validGrant } from './arbitraries.js';
import { nodeCrypto } from './ports/node-crypto.js';

const sdk = new PubNub({ subscribeKey: 'sub-c-test', userId: 'reader' });
const normalize = (parsed: { signature: Uint8Array }) => ({ ...parsed, signature: Buffer.from(parsed.signature).toString('hex') });

describe('the official SDK parses what we parse', () => {
  it('fixture of the SDK’s output is current', () => {
    for (const vector of pubnubTokens.tokens) {
      expect(JSON.parse(JSON.stringify(normalize(sdk.parseToken(vector.token) as never)))).toEqual(
        (expected.parsed as Record<string, unknown>)[vector.id],
      );
    }
  });

  it('parses any token we mint to the same object as our parseToken', () => {
    const key = nodeCrypto.importKey('sec-c-test');
    fc.assert(
      fc.property(validGrant, fc.integer({ min: 0, max: 2 ** 32 }), (input, timestamp) => {
        const token = mintToken(normalizeGrant(input), key, { timestamp });
        const theirs = sdk.parseToken(token) as never;
        const ours = parseToken(token);
        // Compared as JSON: same keys in the same order (a name like "constructor" confuses deep-equality helpers).
        expect(JSON.stringify(normalize(ours))).toBe(JSON.stringify(normalize(theirs)));
        expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      }),
      { numRuns: 300 },
    );
  });

  it('throws a raw error on garbage where we throw a typed one', () => {
    expect(() => sdk.parseToken('garbage')).toThrow(RangeError);
    expect(() => parseToken('garbage')).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MALFORMED' }));
  });
});

describe('the official SDK’s signed calls against our handler', () => {
  const revoked = new Map<string, number>();
  const store: RevocationStore = { revoke: (id, expiresAt) => void revoked.set(id, expiresAt), isRevoked: (id) => revoked.has(id) };
  let server: Server;
  let origin: string;
  const seen: string[] = [];
  const captured: Array<{ method: string; url: string; body: string }> = [];

  beforeAll(async () => {
    const handler = createGrantHandler({
      keysets: new Map([['sub-c-test', { subscribeKey: 'sub-c-test', publishKey: 'pub-c-test', keys: [nodeCrypto.importKey('sec-c-test')] }]]),
      revocations: store,
    });
    // A minimal bridge for this test; @grantkit/node ships the real adapter.
    server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      seen.push(`${request.method} ${request.url}`);
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      captured.push({ method: request.method!, url: request.url!, body: body?.toString('utf8') ?? '' });
      const reply = await handler(new Request(`http://${request.headers.host}${request.url}`, { method: request.method!, ...(body ? { body } : {}) }));
      response.writeHead(reply.status, Object.fromEntries(reply.headers));
      response.end(Buffer.from(await reply.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (secretKey = 'sec-c-test') =>
    new PubNub({ publishKey: 'pub-c-test', subscribeKey: 'sub-c-test', secretKey, userId: 'server-1', origin, ssl: false, logVerbosity: false });

  it('grants every resource type, patterns, authorized uuid and meta, and the SDK parses the result', async () => {
    const token = await client().grantToken({
      ttl: 15,
      authorized_uuid: 'client-1',
      resources: { channels: { ch1: { read: true, write: true } }, groups: { cg1: { read: true, manage: true } }, uuids: { u1: { get: true, update: true } } },
      patterns: { channels: { '^room-[0-9]+$': { read: true } } },
      meta: { role: 'member', level: 2 },
    });
    expect(seen.at(-1)).toMatch(/^POST \/v3\/pam\/sub-c-test\/grant\?.*signature=v2\./);
    const parsed = client().parseToken(token)!;
    expect(parsed).toMatchObject({ ttl: 15, authorized_uuid: 'client-1', meta: { role: 'member', level: 2 } });
    expect(parsed.resources?.channels?.ch1).toMatchObject({ read: true, write: true, manage: false });
    expect(parsed.patterns?.channels?.['^room-[0-9]+$']?.read).toBe(true);
  });

  it('computes exactly the signature v2 the SDK sends, for grant and for revoke (encoded token path)', async () => {
    const token = await client().grantToken({ ttl: 15, resources: { channels: { 'ch ~*': { read: true } } } });
    await client().revokeToken(token);
    const key = nodeCrypto.importKey('sec-c-test');
    for (const request of captured.slice(-2)) {
      const url = new URL(request.url, 'http://localhost');
      const ours = signRequestV2(key, { method: request.method, publishKey: 'pub-c-test', path: url.pathname, query: url.searchParams, body: request.body });
      expect(ours, request.method).toBe(url.searchParams.get('signature'));
    }
    expect(captured.at(-1)!.url).toContain(encodeURIComponent(token).replace(/=/g, '%3D'));
  });

  it('maps spaces/users like the SDK and lands them in channel/uuid slots', async () => {
    const token = await client().grantToken({ ttl: 5, authorizedUserId: 'u', resources: { spaces: { s1: { read: true } }, users: { u1: { get: true } } } } as never) as unknown as string;
    expect(parseToken(token).resources).toMatchObject({ channels: { s1: { read: true } }, uuids: { u1: { get: true } } });
  });

  it('revokes, and the SDK reports our errors with PubNub’s status codes', async () => {
    const token = await client().grantToken({ ttl: 15, resources: { channels: { ch1: { read: true } } } });
    const before = revoked.size;
    await expect(client().revokeToken(token)).resolves.toBeDefined();
    expect(revoked.size).toBe(before + 1);
    await expect(client().grantToken({ ttl: 43_201, resources: { channels: { ch1: { read: true } } } })).rejects.toMatchObject({ status: { statusCode: 400 } });
    // A write bit on a group: PubNub's service grants it, and so does the default (pubnub) validation mode.
    await expect(client().grantToken({ ttl: 5, resources: { groups: { g: { write: true } } } } as never)).resolves.toBeTypeOf('string');
    await expect(client().grantToken({ ttl: 5, resources: { uuids: { u: { get: false } } } })).rejects.toMatchObject({ status: { statusCode: 400 } });
    await expect(client().grantToken({ ttl: 5, patterns: { channels: { '(a)': { read: true } } } })).rejects.toMatchObject({ status: { statusCode: 400 } });
    await expect(client('sec-c-wrong').grantToken({ ttl: 5, resources: { channels: { ch1: { read: true } } } })).rejects.toMatchObject({ status: { statusCode: 403 } });
    await expect(client().revokeToken('garbage')).rejects.toMatchObject({ status: { statusCode: 400 } });
  });
});

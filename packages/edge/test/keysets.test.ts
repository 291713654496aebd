/**
 * Keysets from bindings, in workerd: core's reader (its parsing and validation rules are tested in core's
 * keysets.test.ts) behind the per-isolate cache, and what the handler does when the bindings are wrong.
 */
import { env } from 'cloudflare:workers';
import { createEdgeHandler, importHmacKey, importKeysets, keysetsFromEnv, type GrantkitEnv } from '@grantkit/edge';
import { describe, expect, it, vi } from 'vitest';
import { EDGE } from './helpers/keysets.js';
import { signedRequest } from './helpers/signed-request.js';

const SINGLE = { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-1', GRANTKIT_PUBLISH_KEY: 'pub-c-1', GRANTKIT_SECRET_KEY: 'sec-c-1' };

describe('importKeysets and keysetsFromEnv', () => {
  it('puts the current secret first, then previous secrets, keyed by subscribe key', async () => {
    const keysets = await importKeysets([{ subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-new', previousSecretKeys: ['sec-c-old'] }]);
    const keyset = keysets.get('sub-c-1')!;
    expect(keyset.publishKey).toBe('pub-c-1');
    expect(keyset.keys).toEqual([await importHmacKey('sec-c-new'), await importHmacKey('sec-c-old')]);
  });

  it('carries each keyset’s validation mode: its own, else GRANTKIT_VALIDATION, else pubnub', async () => {
    expect((await keysetsFromEnv({ ...SINGLE })).get('sub-c-1')!.validation).toBe('pubnub');
    expect((await keysetsFromEnv({ ...SINGLE, GRANTKIT_VALIDATION: 'strict' })).get('sub-c-1')!.validation).toBe('strict');
    const second = { subscribeKey: 'sub-c-2', publishKey: 'pub-c-2', secretKey: 'sec-c-2', validation: 'pubnub' as const };
    expect((await keysetsFromEnv({ ...SINGLE, GRANTKIT_VALIDATION: 'strict', GRANTKIT_KEYSETS: [second] })).get('sub-c-2')!.validation).toBe('pubnub');
    await expect(keysetsFromEnv({ ...SINGLE, GRANTKIT_VALIDATION: 'lax' })).rejects.toMatchObject({ code: 'ERR_KEY_INVALID', field: 'GRANTKIT_VALIDATION' });
  });

  it('parses and imports once per env object', async () => {
    const bindings = { ...SINGLE };
    expect(keysetsFromEnv(bindings)).toBe(keysetsFromEnv(bindings));
    const keysets = await keysetsFromEnv(env);
    expect([...keysets.keys()]).toEqual([EDGE.subscribeKey, 'sub-c-second']);
    expect(keysets.get(EDGE.subscribeKey)!.keys).toHaveLength(3);
  });

  it('rejects naming the binding when nothing is configured', async () => {
    await expect(keysetsFromEnv({})).rejects.toMatchObject({ code: 'ERR_KEY_INVALID', field: 'GRANTKIT_SECRET_KEY' });
    await expect(keysetsFromEnv({ ...SINGLE, GRANTKIT_KEYSETS: '[{"secretKey":"sec-c-leak' })).rejects.toMatchObject({ field: 'GRANTKIT_KEYSETS' });
  });

  it('trims keys from a custom source as from the bindings', async () => {
    const keysets = await importKeysets([{ subscribeKey: ' sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-1\n' }]);
    expect(keysets.get('sub-c-1')!.keys).toEqual([await importHmacKey('sec-c-1')]);
  });

  it('rejects, and retries next time, when the bindings are wrong', async () => {
    const bindings: GrantkitEnv = { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-1' };
    await expect(keysetsFromEnv(bindings)).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' });
    Object.assign(bindings, { GRANTKIT_PUBLISH_KEY: 'pub-c-1', GRANTKIT_SECRET_KEY: 'sec-c-1' });
    await expect(keysetsFromEnv(bindings)).resolves.toBeInstanceOf(Map);
  });
});

describe('the handler with broken bindings', () => {
  it('answers a generic 500 on keyset routes, logs the binding name only, and still answers /health', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const handler = createEdgeHandler();
      const broken: GrantkitEnv = { GRANTKIT_SUBSCRIBE_KEY: EDGE.subscribeKey, GRANTKIT_PUBLISH_KEY: EDGE.publishKey, GRANTKIT_KEYSETS: '{"secretKey":"sec-c-leak"' };
      const response = await handler.fetch(await signedRequest({
        method: 'POST', path: `/v3/pam/${EDGE.subscribeKey}/grant`, publishKey: EDGE.publishKey, secretKey: EDGE.secretKey, body: '{}',
      }), broken);
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ status: 500, error: { message: 'Internal Server Error' } });
      expect(text).not.toContain('sec-c-leak');
      expect(errors).toHaveBeenCalledTimes(1);
      expect(String(errors.mock.calls[0]![0])).toContain('GRANTKIT_SECRET_KEY');
      expect(String(errors.mock.calls[0]![0])).not.toContain('sec-c-leak');
      expect((await handler.fetch(new Request('http://grantkit.test/health'), broken)).status).toBe(200);
    } finally {
      errors.mockRestore();
    }
  });

  it('takes keysets from a custom source, e.g. an asynchronous secrets binding', async () => {
    const handler = createEdgeHandler({
      keysets: async () => [{ subscribeKey: 'sub-c-custom', publishKey: 'pub-c-custom', secretKey: await Promise.resolve('sec-c-custom') }],
      revocations: false,
    });
    const response = await handler.fetch(await signedRequest({
      method: 'POST', path: '/v3/pam/sub-c-custom/grant', publishKey: 'pub-c-custom', secretKey: 'sec-c-custom',
      body: JSON.stringify({ ttl: 5, permissions: { resources: { channels: { a: 1 } } } }),
    }), {});
    expect(response.status).toBe(200);
  });

  it('reports every request to onEvent with the env and context, never the token', async () => {
    const events: unknown[] = [];
    const handler = createEdgeHandler({ onEvent: (event, bindings, context) => events.push({ event, bindings, context }) });
    const context = { waitUntil: () => undefined };
    await handler.fetch(new Request('http://grantkit.test/health'), env, context);
    expect(events).toEqual([{ event: expect.objectContaining({ route: 'health', status: 200, outcome: 'success' }), bindings: env, context }]);
  });
});

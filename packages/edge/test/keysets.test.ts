/**
 * Keysets from bindings: parsing, validation (errors name the binding, never quote a secret), caching, and what the
 * handler does when they are wrong.
 */
import { env } from 'cloudflare:workers';
import { isGrantkitError } from '@grantkit/core';
import { createEdgeHandler, importHmacKey, importKeysets, keysetsFromEnv, readKeysetBindings, type GrantkitEnv } from '@grantkit/edge';
import { describe, expect, it, vi } from 'vitest';
import { EDGE } from './helpers/keysets.js';
import { signedRequest } from './helpers/signed-request.js';

const SINGLE = { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-1', GRANTKIT_PUBLISH_KEY: 'pub-c-1', GRANTKIT_SECRET_KEY: 'sec-c-1' };

function failure(configured: GrantkitEnv): { code: string; field: string | undefined; message: string } {
  try {
    readKeysetBindings(configured);
  } catch (error) {
    if (isGrantkitError(error)) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected readKeysetBindings to throw');
}

describe('readKeysetBindings', () => {
  it('reads the single-keyset variables, with trimmed previous secrets', () => {
    expect(readKeysetBindings({ ...SINGLE, GRANTKIT_PREVIOUS_SECRET_KEYS: ' sec-c-0 ,, sec-c-00 ' })).toEqual([
      { subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-1', previousSecretKeys: ['sec-c-0', 'sec-c-00'] },
    ]);
    expect(readKeysetBindings(SINGLE)).toEqual([{ subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-1' }]);
  });

  it('reads GRANTKIT_KEYSETS as JSON text, a parsed array or a single object, after the single keyset', () => {
    const second = { subscribeKey: 'sub-c-2', publishKey: 'pub-c-2', secretKey: 'sec-c-2', previousSecretKeys: ['sec-c-2-old'] };
    expect(readKeysetBindings({ ...SINGLE, GRANTKIT_KEYSETS: JSON.stringify([second]) }).map((keyset) => keyset.subscribeKey)).toEqual(['sub-c-1', 'sub-c-2']);
    expect(readKeysetBindings({ GRANTKIT_KEYSETS: [second] })).toEqual([second]);
    expect(readKeysetBindings({ GRANTKIT_KEYSETS: JSON.stringify(second) })).toEqual([second]);
  });

  it('names the binding at fault', () => {
    expect(failure({})).toMatchObject({ code: 'ERR_KEY_INVALID', field: 'GRANTKIT_SECRET_KEY' });
    expect(failure({ ...SINGLE, GRANTKIT_PUBLISH_KEY: undefined })).toMatchObject({ field: 'GRANTKIT_PUBLISH_KEY' });
    expect(failure({ ...SINGLE, GRANTKIT_SECRET_KEY: '  ' })).toMatchObject({ field: 'GRANTKIT_SECRET_KEY' });
    expect(failure({ GRANTKIT_KEYSETS: '[{"subscribeKey":"s","publishKey":"p"}]' })).toMatchObject({ field: 'GRANTKIT_KEYSETS[0].secretKey' });
    expect(failure({ GRANTKIT_KEYSETS: '[42]' })).toMatchObject({ field: 'GRANTKIT_KEYSETS[0]' });
    expect(failure({ GRANTKIT_KEYSETS: '[{"subscribeKey":"s","publishKey":"p","secretKey":"k","previousSecretKeys":"old"}]' }))
      .toMatchObject({ field: 'GRANTKIT_KEYSETS[0].previousSecretKeys' });
    expect(failure({ ...SINGLE, GRANTKIT_KEYSETS: JSON.stringify([{ subscribeKey: 'sub-c-1', publishKey: 'p', secretKey: 'k' }]) }))
      .toMatchObject({ field: 'GRANTKIT_KEYSETS', message: 'a subscribe key is configured twice' });
  });

  it('never quotes a secret when GRANTKIT_KEYSETS is not JSON', () => {
    const error = failure({ GRANTKIT_KEYSETS: '[{"secretKey":"sec-c-leak' });
    expect(error).toMatchObject({ code: 'ERR_KEY_INVALID', field: 'GRANTKIT_KEYSETS' });
    expect(error.message).not.toContain('sec-c-leak');
  });
});

describe('importKeysets and keysetsFromEnv', () => {
  it('puts the current secret first, then previous secrets, keyed by subscribe key', async () => {
    const keysets = await importKeysets([{ subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-new', previousSecretKeys: ['sec-c-old'] }]);
    const keyset = keysets.get('sub-c-1')!;
    expect(keyset.publishKey).toBe('pub-c-1');
    expect(keyset.keys).toEqual([await importHmacKey('sec-c-new'), await importHmacKey('sec-c-old')]);
  });

  it('parses and imports once per env object', async () => {
    const bindings = { ...SINGLE };
    expect(keysetsFromEnv(bindings)).toBe(keysetsFromEnv(bindings));
    const keysets = await keysetsFromEnv(env);
    expect([...keysets.keys()]).toEqual([EDGE.subscribeKey, 'sub-c-second']);
    expect(keysets.get(EDGE.subscribeKey)!.keys).toHaveLength(3);
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

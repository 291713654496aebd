import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../test/ports/node-crypto.js';
import { webCrypto } from '../test/ports/web-crypto.js';
import { isGrantkitError } from './errors.js';
import { importKeyset, importSecretKeys, normalizeKeyset, readKeysetsFromEnv, type KeysetEnv } from './keysets.js';

const SINGLE = { GRANTKIT_SUBSCRIBE_KEY: 'sub-c-1', GRANTKIT_PUBLISH_KEY: 'pub-c-1', GRANTKIT_SECRET_KEY: 'sec-c-1' };

function failure(work: () => unknown): { code: string; field: string | undefined; message: string } {
  try {
    work();
  } catch (error) {
    if (isGrantkitError(error)) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a grantkit error');
}

describe('readKeysetsFromEnv', () => {
  it('reads the single-keyset variables; nothing set is no keyset', () => {
    expect(readKeysetsFromEnv(SINGLE)).toEqual([{ subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-1' }]);
    expect(readKeysetsFromEnv({})).toEqual([]);
    expect(readKeysetsFromEnv({ GRANTKIT_KEYSETS: '' })).toEqual([]);
  });

  it('trims every key, whatever the source: a secret saved with a trailing newline is the same secret', () => {
    const padded = { GRANTKIT_SUBSCRIBE_KEY: ' sub-c-1', GRANTKIT_PUBLISH_KEY: 'pub-c-1\t', GRANTKIT_SECRET_KEY: 'sec-c-1\n', GRANTKIT_PREVIOUS_SECRET_KEYS: ' sec-c-0 ,, sec-c-00 \n' };
    expect(readKeysetsFromEnv(padded)).toEqual([{ subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-1', previousSecretKeys: ['sec-c-0', 'sec-c-00'] }]);
    const json = JSON.stringify([{ subscribeKey: 'sub-c-2 ', publishKey: ' pub-c-2', secretKey: 'sec-c-2\r\n', previousSecretKeys: [' old\n'] }]);
    expect(readKeysetsFromEnv({ GRANTKIT_KEYSETS: json })).toEqual([{ subscribeKey: 'sub-c-2', publishKey: 'pub-c-2', secretKey: 'sec-c-2', previousSecretKeys: ['old'] }]);
  });

  it('reads GRANTKIT_KEYSETS as JSON text, a parsed array or a single object, after the single keyset', () => {
    const second = { subscribeKey: 'sub-c-2', publishKey: 'pub-c-2', secretKey: 'sec-c-2', previousSecretKeys: ['sec-c-2-old'] };
    expect(readKeysetsFromEnv({ ...SINGLE, GRANTKIT_KEYSETS: JSON.stringify([second]) }).map((keyset) => keyset.subscribeKey)).toEqual(['sub-c-1', 'sub-c-2']);
    expect(readKeysetsFromEnv({ GRANTKIT_KEYSETS: [second] })).toEqual([second]);
    expect(readKeysetsFromEnv({ GRANTKIT_KEYSETS: JSON.stringify(second) })).toEqual([second]);
  });

  it('names the variable at fault', () => {
    const fail = (env: KeysetEnv) => failure(() => readKeysetsFromEnv(env));
    expect(fail({ ...SINGLE, GRANTKIT_PUBLISH_KEY: undefined })).toMatchObject({ code: 'ERR_KEY_INVALID', field: 'GRANTKIT_PUBLISH_KEY' });
    expect(fail({ GRANTKIT_SUBSCRIBE_KEY: 'sub-c-only' })).toMatchObject({ field: 'GRANTKIT_PUBLISH_KEY' });
    expect(fail({ ...SINGLE, GRANTKIT_SECRET_KEY: ' \n' })).toMatchObject({ field: 'GRANTKIT_SECRET_KEY' });
    expect(fail({ ...SINGLE, GRANTKIT_PREVIOUS_SECRET_KEYS: ['old'] as unknown as string })).toMatchObject({ field: 'GRANTKIT_PREVIOUS_SECRET_KEYS' });
    expect(fail({ GRANTKIT_KEYSETS: '[{"subscribeKey":"s","publishKey":"p"}]' })).toMatchObject({ field: 'GRANTKIT_KEYSETS[0].secretKey' });
    expect(fail({ GRANTKIT_KEYSETS: '[42]' })).toMatchObject({ field: 'GRANTKIT_KEYSETS[0]' });
    expect(fail({ GRANTKIT_KEYSETS: '[{"subscribeKey":"s","publishKey":"p","secretKey":"k","previousSecretKeys":"old"}]' }))
      .toMatchObject({ field: 'GRANTKIT_KEYSETS[0].previousSecretKeys' });
    expect(fail({ GRANTKIT_KEYSETS: '[{"subscribeKey":"s","publishKey":"p","secretKey":"k","previousSecretKeys":[" "]}]' }))
      .toMatchObject({ field: 'GRANTKIT_KEYSETS[0].previousSecretKeys[0]' });
    expect(fail({ ...SINGLE, GRANTKIT_KEYSETS: JSON.stringify([{ subscribeKey: 'sub-c-1 ', publishKey: 'p', secretKey: 'k' }]) }))
      .toMatchObject({ field: 'GRANTKIT_KEYSETS', message: 'a subscribe key is configured twice' });
  });

  it('reads the validation mode: a keyset’s own, else GRANTKIT_VALIDATION for every keyset that sets none', () => {
    const second = { subscribeKey: 'sub-c-2', publishKey: 'pub-c-2', secretKey: 'sec-c-2', validation: 'pubnub' };
    expect(readKeysetsFromEnv({ ...SINGLE, GRANTKIT_VALIDATION: 'strict', GRANTKIT_KEYSETS: [second] as never }).map((keyset) => keyset.validation))
      .toEqual(['strict', 'pubnub']);
    expect(readKeysetsFromEnv(SINGLE)[0]).not.toHaveProperty('validation');
    const fail = (env: KeysetEnv) => failure(() => readKeysetsFromEnv(env));
    expect(fail({ ...SINGLE, GRANTKIT_VALIDATION: 'lax' })).toMatchObject({ code: 'ERR_KEY_INVALID', field: 'GRANTKIT_VALIDATION' });
    expect(fail({ GRANTKIT_KEYSETS: [{ ...second, validation: 'lax' }] as never })).toMatchObject({ field: 'GRANTKIT_KEYSETS[0].validation' });
  });

  it('never quotes a secret when GRANTKIT_KEYSETS is not JSON', () => {
    const error = failure(() => readKeysetsFromEnv({ GRANTKIT_KEYSETS: '[{"secretKey":"sec-c-leak' }));
    expect(error).toMatchObject({ code: 'ERR_KEY_INVALID', field: 'GRANTKIT_KEYSETS' });
    expect(error.message).not.toContain('sec-c-leak');
  });
});

describe('normalizeKeyset', () => {
  it('names fields under the given prefix', () => {
    expect(failure(() => normalizeKeyset({ subscribeKey: 's', publishKey: '', secretKey: 'k' }, 'keysets[3]'))).toMatchObject({ field: 'keysets[3].publishKey' });
    expect(failure(() => normalizeKeyset('sec-c-1', 'keysets[0]'))).toMatchObject({ field: 'keysets[0]' });
    expect(normalizeKeyset({ subscribeKey: 's', publishKey: 'p', secretKey: 'k', previousSecretKeys: [] })).toEqual({ subscribeKey: 's', publishKey: 'p', secretKey: 'k' });
  });
});

describe('importKeyset', () => {
  const data = new TextEncoder().encode('the same bytes');

  it('imports current then previous secrets, synchronously with a synchronous port', () => {
    const keyset = importKeyset({ subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-new', previousSecretKeys: ['sec-c-old'] }, nodeCrypto);
    expect(keyset).not.toBeInstanceOf(Promise);
    expect(keyset.subscribeKey).toBe('sub-c-1');
    expect(keyset.keys.map((key) => key.sign(data))).toEqual([nodeCrypto.importKey('sec-c-new').sign(data), nodeCrypto.importKey('sec-c-old').sign(data)]);
  });

  it('applies the whitespace rule on the way in, for every port', async () => {
    const padded = { subscribeKey: 'sub-c-1', publishKey: 'pub-c-1', secretKey: 'sec-c-1\n' };
    const expected = nodeCrypto.importKey('sec-c-1').sign(data);
    expect(importKeyset(padded, nodeCrypto).keys[0]!.sign(data)).toEqual(expected);
    const asynchronous = importKeyset(padded, webCrypto);
    expect(asynchronous).toBeInstanceOf(Promise);
    expect(await (await asynchronous).keys[0]!.sign(data)).toEqual(expected);
    expect(importSecretKeys({ secretKey: ' sec-c-1 ' }, nodeCrypto)[0]!.sign(data)).toEqual(expected);
  });

  it('refuses an empty secret', () => {
    expect(failure(() => importKeyset({ subscribeKey: 's', publishKey: 'p', secretKey: '' }, nodeCrypto))).toMatchObject({ code: 'ERR_KEY_INVALID' });
    expect(failure(() => importSecretKeys({ secretKey: 'k', previousSecretKeys: [' '] }, nodeCrypto))).toMatchObject({ field: 'previousSecretKeys[0]' });
  });
});

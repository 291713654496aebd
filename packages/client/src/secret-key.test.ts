import { KeyInvalidError } from '@grantkit/core';
import { describe, expect, it } from 'vitest';
import { refuseSecretKey, refuseSecretOptions } from './secret-key.js';

const SECRET = 'sec-c-MzQ5YjQ3NjktOWYyZi00ZjA2LTk2YTQtNGM4ZjA3NGM4NzVh';

describe('secret key refusal', () => {
  it('throws KeyInvalidError naming the field, never echoing the key', () => {
    let caught: unknown;
    try {
      refuseSecretKey(SECRET, 'token');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KeyInvalidError);
    expect(caught).toMatchObject({ code: 'ERR_KEY_INVALID', field: 'token' });
    expect((caught as Error).message).toContain('token');
    expect((caught as Error).message).not.toContain(SECRET);
    expect(String(caught)).not.toContain('MzQ5');
  });

  it('accepts tokens, publish/subscribe keys and non-strings', () => {
    for (const value of ['qEF2AkF0GmFtet9D', 'pub-c-123', 'sub-c-123', undefined, 42, {}, () => SECRET]) {
      expect(() => refuseSecretKey(value, 'token')).not.toThrow();
    }
  });

  it('finds a secret anywhere in a URL option', () => {
    expect(() => refuseSecretKey(`https://app.example/token?key=${SECRET}`, 'authUrl')).toThrow(KeyInvalidError);
    expect(() => refuseSecretKey(new URL(`https://app.example/${SECRET}`), 'authUrl')).toThrow(KeyInvalidError);
    expect(() => refuseSecretKey('https://app.example/token', 'authUrl')).not.toThrow();
  });

  it('refuses an option named secretKey, whatever its value, and a secret in any string option', () => {
    expect(() => refuseSecretOptions({ secretKey: 'anything' })).toThrow(expect.objectContaining({ field: 'secretKey' }));
    expect(() => refuseSecretOptions({ secretKey: undefined })).toThrow(KeyInvalidError);
    expect(() => refuseSecretOptions({ token: SECRET })).toThrow(expect.objectContaining({ field: 'token' }));
    expect(() => refuseSecretOptions({ uuid: SECRET })).toThrow(expect.objectContaining({ field: 'uuid' }));
    expect(() => refuseSecretOptions({ uuid: 'alice', authUrl: '/token' })).not.toThrow();
  });
});

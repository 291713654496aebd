// A secret key must never live in a browser: the client refuses one wherever it shows up, says so in a typed error
// that names the field, and never echoes (or logs) the key or any token.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkPermission, KeyInvalidError, parseToken, refuseSecretKey, TokenClient, TokenRefreshError,
  type TokenClientOptions,
} from '@grantkit/client';
import { mint } from './support/browser-mint.js';

const SECRET = 'sec-c-ZjE4YjVkNDEtMzE2Yy00ZjZkLWJlN2QtMGY2ZTRlNzY5ZTNh';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function expectRefusal(error: unknown, field: string): void {
  expect(error).toBeInstanceOf(KeyInvalidError);
  expect(error).toMatchObject({ code: 'ERR_KEY_INVALID', field });
  expect(JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack })).not.toContain(SECRET.slice(6));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('secret key refusal', () => {
  it.each<[string, TokenClientOptions]>([
    ['secretKey', { secretKey: 'sec-c-anything' } as TokenClientOptions],
    ['secretKey', { secretKey: '' } as TokenClientOptions],
    ['token', { token: SECRET }],
    ['authUrl', { authUrl: `/token?secret=${SECRET}` }],
    ['authUrl', { authUrl: new URL(`https://app.example/${SECRET}`) }],
    ['uuid', { uuid: SECRET }],
  ])('new TokenClient refuses option %s', (field, options) => {
    expectRefusal(thrown(() => new TokenClient(options)), field);
  });

  it('setToken, parseToken, checkPermission and refuseSecretKey refuse it', () => {
    const client = new TokenClient();
    expectRefusal(thrown(() => client.setToken(SECRET)), 'token');
    expectRefusal(thrown(() => client.parseToken(SECRET)), 'token');
    expectRefusal(thrown(() => parseToken(SECRET)), 'token');
    expectRefusal(thrown(() => checkPermission(SECRET, { channel: 'a' }, 'read')), 'token');
    expectRefusal(thrown(() => refuseSecretKey(SECRET, 'apiKey')), 'apiKey');
    expect(client.getToken()).toBeUndefined();
  });

  it('a token source handing out a secret key fails permanently and the key is not kept', async () => {
    const good = await mint(Date.now() / 1000, 10);
    const fetchToken = vi.fn(async () => SECRET);
    const client = new TokenClient({ token: good, fetchToken });
    const error = await client.refresh().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRefreshError);
    expect(error).toMatchObject({ retryable: false, cause: expect.any(KeyInvalidError) });
    expect(fetchToken).toHaveBeenCalledTimes(1);
    expect(client.getToken()).toBe(good);
    client.dispose();
  });

  it('never writes to the console, and no error carries a token', async () => {
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    const spies = methods.map((method) => vi.spyOn(console, method));
    const token = await mint(Date.now() / 1000, 1);
    const errors: unknown[] = [];
    const client = new TokenClient({
      token,
      fetchToken: async () => {
        throw Object.assign(new Error('upstream down'), { status: 503 });
      },
      retry: { attempts: 2, initialDelay: 0.01 },
    });
    client.on('refresh-error', ({ error }) => errors.push(error));
    errors.push(await client.refresh().catch((error: unknown) => error));
    errors.push(thrown(() => client.setToken(`${token}x`)));
    client.can({ channel: 'room-1' }, 'read');
    client.dispose();
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    expect(errors).toHaveLength(4);
    for (const error of errors) expect(`${(error as Error).message} ${(error as Error).stack}`).not.toContain(token.slice(0, 16));
  });
});

/**
 * The OpenAPI document is the service's contract: it describes every route the service answers, the service serves
 * it unchanged, and the suite-wide contract check (test/helpers/openapi-contract.ts) really rejects answers that
 * break it.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type GrantkitServer } from '../src/service/server.js';
import { checkResponse, contractStats } from './helpers/openapi-contract.js';

const document = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
let server: GrantkitServer;

beforeAll(async () => {
  server = await startServer({ keysets: [{ subscribeKey: 'sub-c-doc', publishKey: 'pub-c-doc', secretKey: 'sec-c-doc' }], port: 0 });
});

afterAll(async () => {
  await server.close();
});

describe('openapi.json', () => {
  it('documents every route of the service, with the methods it answers', () => {
    expect(Object.fromEntries(Object.entries(document.paths).map(([path, operations]) => [path, Object.keys(operations).sort()]))).toEqual({
      '/v3/pam/{subscribeKey}/grant': ['post'],
      '/v3/pam/{subscribeKey}/grant/{token}': ['delete'],
      '/grantkit/v1/{subscribeKey}/authorize': ['get', 'post'],
      '/health': ['get'],
      '/ready': ['get'],
      '/metrics': ['get'],
      '/openapi.json': ['get'],
    });
  });

  it('is what the service serves at /openapi.json, and every documented GET route answers (not 404)', async () => {
    expect(await (await fetch(`${server.url}/openapi.json`)).json()).toEqual(document);
    for (const [path, operations] of Object.entries(document.paths)) {
      if (!('get' in operations)) continue;
      const response = await fetch(`${server.url}${path.replace('{subscribeKey}', 'sub-c-doc')}`);
      expect(response.status, path).not.toBe(404);
    }
    expect(contractStats.checked).toBeGreaterThan(0);
  });

  it('the contract check accepts a documented answer and rejects undocumented statuses, media types and bodies', () => {
    const ok = JSON.stringify({ status: 200, message: 'OK', service: 'Access Manager' });
    expect(checkResponse('GET', 'http://x/health', 200, 'application/json; charset=utf-8', ok)).toEqual([]);
    expect(checkResponse('GET', 'http://x/rooms/1', 200, 'text/html', '<p>')).toBeUndefined();
    expect(checkResponse('GET', 'http://x/health', 418, 'application/json', ok)?.[0]).toContain('status 418 is not documented');
    expect(checkResponse('GET', 'http://x/health', 200, 'text/html', ok)?.[0]).toContain("content type 'text/html' is not documented");
    expect(checkResponse('GET', 'http://x/health', 200, 'application/json', JSON.stringify({ status: 200, message: 'OK', service: 'Access Manager', extra: 1 }))?.[0])
      .toContain('must NOT have additional properties');
    expect(checkResponse('PUT', 'http://x/ready', 200, 'application/json', ok)?.[0]).toContain('must be 405');
    const denied = { error: true, allowed: false, reason: 'revoked', message: 'Token is revoked', status: 403, service: 'Access Manager' };
    expect(checkResponse('GET', 'http://x/grantkit/v1/sub-c-1/authorize', 403, 'application/json', JSON.stringify(denied))).toEqual([]);
    expect(checkResponse('GET', 'http://x/grantkit/v1/sub-c-1/authorize', 403, 'application/json', JSON.stringify({ ...denied, reason: 'because' }))?.[0])
      .toContain('/reason must be equal to one of the allowed values');
  });
});

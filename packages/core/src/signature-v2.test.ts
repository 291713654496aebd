import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../test/ports/node-crypto.js';
import captures from '@grantkit/conformance/vectors/sdk-wire-captures.json';
import { canonicalQuery, percentEncode, signRequestV2, verifyRequestSignatureV2, type SignatureV2Parts } from './signature-v2.js';

const key = nodeCrypto.importKey('sec-c-test');
const NOW = 1_795_353_361;
const parts = (query: Record<string, string> = {}): SignatureV2Parts => ({
  method: 'POST', publishKey: 'pub-c-test', path: '/v3/pam/sub-c-test/grant',
  query: { uuid: 'server-1', requestid: 'r-1', timestamp: String(NOW), ...query }, body: '{"ttl":15}',
});

describe('signature v2', () => {
  it('percent-encodes all but A-Z a-z 0-9 - _ . in UTF-8 uppercase hex', () => {
    expect(percentEncode("admin ~!*()' ü/€,;:@&=+$#")).toBe('admin%20%7E%21%2A%28%29%27%20%C3%BC%2F%E2%82%AC%2C%3B%3A%40%26%3D%2B%24%23');
    expect(percentEncode('AZaz09-_.')).toBe('AZaz09-_.');
  });

  it('sorts parameters and leaves out the signature', () => {
    expect(canonicalQuery({ b: '2', a: '1', signature: 'v2.x' })).toBe('a=1&b=2');
    expect(canonicalQuery(new URLSearchParams('z=1&a=2'))).toBe('a=2&z=1');
  });

  it('verifies what it signs, within the window, with rotation', () => {
    const signature = signRequestV2(key, parts());
    expect(signature).toMatch(/^v2\.[A-Za-z0-9_-]{43}$/);
    expect(() => verifyRequestSignatureV2(key, parts({ signature }), { now: NOW + 60 })).not.toThrow();
    expect(() => verifyRequestSignatureV2([nodeCrypto.importKey('new'), key], parts({ signature }), { now: NOW })).not.toThrow();
  });

  it('refuses a stale or missing timestamp as an invalid request (400), field timestamp', () => {
    const signature = signRequestV2(key, parts());
    expect(() => verifyRequestSignatureV2(key, parts({ signature }), { now: NOW + 61 })).toThrow(
      expect.objectContaining({ code: 'ERR_REQUEST_INVALID', field: 'timestamp' }),
    );
    expect(() => verifyRequestSignatureV2(key, parts({ signature, timestamp: 'soon' }), { now: NOW })).toThrow(
      expect.objectContaining({ field: 'timestamp' }),
    );
  });

  it('refuses a wrong secret, a changed body, a changed parameter and a malformed signature (403)', () => {
    const signature = signRequestV2(key, parts());
    const refused = expect.objectContaining({ code: 'ERR_REQUEST_SIGNATURE_INVALID', field: 'signature' });
    expect(() => verifyRequestSignatureV2(nodeCrypto.importKey('other'), parts({ signature }), { now: NOW })).toThrow(refused);
    expect(() => verifyRequestSignatureV2(key, { ...parts({ signature }), body: '{"ttl":16}' }, { now: NOW })).toThrow(refused);
    expect(() => verifyRequestSignatureV2(key, parts({ signature, uuid: 'other' }), { now: NOW })).toThrow(refused);
    expect(() => verifyRequestSignatureV2(key, parts({ signature: 'v1.abc' }), { now: NOW })).toThrow(refused);
    expect(() => verifyRequestSignatureV2(key, parts({ signature: `v2.${'%'.repeat(43)}` }), { now: NOW })).toThrow(refused);
    expect(() => verifyRequestSignatureV2(key, parts(), { now: NOW })).toThrow(refused);
  });
});

describe('verifyRequestSignatureV2 with the SDKs’ captured bytes', () => {
  const capturedKey = nodeCrypto.importKey(captures.keyset.secretKey);
  const partsOf = (capture: (typeof captures.requests)[number], query: SignatureV2Parts['query']) => ({
    method: capture.method, publishKey: captures.keyset.publishKey, path: capture.path, query, body: capture.body,
  });
  const at = (capture: (typeof captures.requests)[number]) => ({ now: Number(new URLSearchParams(capture.queryAsSent).get('timestamp')) });

  it.each(captures.requests.map((capture) => [`${capture.sdk}: ${capture.queryAsSent.slice(0, 60)}`, capture] as const))(
    'verifies %s from the query as received',
    (_name, capture) => {
      expect(() => verifyRequestSignatureV2(capturedKey, partsOf(capture, capture.queryAsSent), at(capture))).not.toThrow();
    },
  );

  it('needed it: read as a form (+ as a space), the Python SDK’s raw + does not verify', () => {
    const python = captures.requests.find((capture) => capture.sdk === 'python' && capture.queryAsSent.includes('+'))!;
    expect(() => verifyRequestSignatureV2(capturedKey, partsOf(python, new URLSearchParams(python.queryAsSent)), at(python))).toThrow(
      expect.objectContaining({ code: 'ERR_REQUEST_SIGNATURE_INVALID' }),
    );
  });

  it('still refuses a captured request whose query was changed', () => {
    const js = captures.requests.find((capture) => capture.sdk === 'js')!;
    expect(() => verifyRequestSignatureV2(capturedKey, partsOf(js, js.queryAsSent.replace('uuid=', 'uuid=x')), at(js))).toThrow(
      expect.objectContaining({ code: 'ERR_REQUEST_SIGNATURE_INVALID' }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import bodies from '@grantkit/conformance/vectors/grant-request-bodies.json';
import { grantFromRequestBody, grantToRequestBody } from './rest-body.js';
import { normalizeGrant } from './grant-input.js';
import { Channel } from './builders.js';

describe('REST bodies', () => {
  const withInput = bodies.bodies.filter((body) => 'sdk_input' in body && body.id.startsWith('js-'));

  it('serializes exactly the body the JS SDK sends', () => {
    const body = grantToRequestBody(normalizeGrant({ ttl: 15, channels: [Channel.id('ch1').read()] }));
    expect(body).toBe(
      '{"ttl":15,"permissions":{"resources":{"channels":{"ch1":1},"groups":{},"uuids":{},"users":{},"spaces":{}},"patterns":{"channels":{},"groups":{},"uuids":{},"users":{},"spaces":{}},"meta":{}}}',
    );
    const bound = grantToRequestBody(normalizeGrant({ ttl: 15, authorizedUuid: 'client-1', channels: [Channel.id('ch1').read()] }));
    expect(bound).toContain('"permissions":{"uuid":"client-1","resources"');
  });

  it('reads every SDK body in the vectors: pubnub mode refuses only what PubNub refused, strict today’s rules', () => {
    const outcome = (validation: 'pubnub' | 'strict') => {
      const rejected: Record<string, string> = {};
      for (const vector of bodies.bodies) {
        try {
          const grant = grantFromRequestBody(JSON.parse(vector.exact_body), { validation });
          if (vector.id.startsWith('js-') || vector.id.startsWith('sdk-capture-js')) {
            expect(grantToRequestBody(grant), vector.id).toBe(vector.exact_body);
          }
        } catch (error) {
          rejected[vector.id] = `${(error as { code: string }).code}: ${(error as { title?: string }).title}`;
        }
      }
      return rejected;
    };
    // ttl 43201: PubNub answered 400 Invalid ttl.
    expect(outcome('pubnub')).toEqual({ 'sdk-capture-js-12.0.3-grant_error_400': 'ERR_GRANT_INVALID: Invalid ttl' });
    expect(outcome('strict')).toEqual({
      'js-vsp-translation': 'ERR_GRANT_INVALID: Invalid permissions', // read bit on a uuid
      'sdk-capture-js-12.0.3-grant_error_400': 'ERR_GRANT_INVALID: Invalid ttl',
      'python-live-grant_token_large_metadata-0': 'ERR_GRANT_INVALID: Invalid meta', // nested meta
    });
    expect(withInput.length).toBeGreaterThan(0);
  });

  it('keeps spaces and users in their own slots, as PubNub’s server does', () => {
    const grant = grantFromRequestBody({ ttl: 5, permissions: { resources: { spaces: { s: 1 }, users: { u: 32 } }, patterns: {}, meta: {} } });
    expect(grant.resources.spaces).toEqual({ s: 1 });
    expect(grant.resources.users).toEqual({ u: 32 });
    expect(grant.resources.channels).toEqual({});
  });

  it('accepts a numeric-string ttl like PubNub, and rejects other strings', () => {
    expect(grantFromRequestBody({ ttl: '15', permissions: { resources: { channels: { a: 1 } } } }).ttl).toBe(15);
    expect(() => grantFromRequestBody({ ttl: '15m', permissions: { resources: { channels: { a: 1 } } } })).toThrow(
      expect.objectContaining({ field: 'ttl' }),
    );
  });

  it.each([null, [], 'x', 5])('refuses a body of %s', (body) => {
    expect(() => grantFromRequestBody(body)).toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }));
  });

  it('refuses missing permissions and a non-string uuid', () => {
    expect(() => grantFromRequestBody({ ttl: 5 })).toThrow(expect.objectContaining({ field: 'permissions' }));
    expect(() => grantFromRequestBody({ ttl: 5, permissions: { uuid: 5, resources: { channels: { a: 1 } } } })).toThrow(
      expect.objectContaining({ field: 'permissions.uuid' }),
    );
  });
});


// The local hint in the browser (Chromium and Firefox): native RegExp stands in for RE2, with the same answers as
// core's authorize (which runs re2js) for the patterns grants use.
import { authorize, decodeToken, type Permission, type ResourceRef } from '@grantkit/core';
import { describe, expect, it } from 'vitest';
import { checkPermission, TokenClient } from '@grantkit/client';
import { mint } from './support/browser-mint.js';

const T0 = Math.floor(Date.now() / 1000);

describe('can() in the browser', () => {
  it('agrees with core authorize, reason, message and match, across exact names and patterns', async () => {
    const token = await mint(T0, 60, {
      resources: {
        channels: { 'room-1': { read: true, write: true }, lobby: { read: true } },
        groups: { 'cg-1': { read: true } },
        uuids: { alice: { get: true, update: true } },
      },
      patterns: {
        channels: { '^public-[a-z]+$': { read: true }, 'news': { read: true, write: true }, '^ops-(?:eu|us)-\\d+$': { manage: true } },
        uuids: { '^bot-.*$': { get: true } },
      },
    });
    const payload = decodeToken(token);
    const client = new TokenClient({ token, uuid: 'alice' });
    const cases: Array<[ResourceRef, Permission]> = [
      [{ channel: 'room-1' }, 'write'], [{ channel: 'lobby' }, 'write'], [{ channel: 'public-chat' }, 'read'],
      [{ channel: 'public-chat' }, 'write'], [{ channel: 'public-Chat' }, 'read'], [{ channel: 'breaking-news-1' }, 'write'],
      [{ channel: 'ops-eu-12' }, 'manage'], [{ channel: 'ops-asia-1' }, 'manage'], [{ group: 'cg-1' }, 'read'],
      [{ group: 'cg-2' }, 'read'], [{ uuid: 'alice' }, 'update'], [{ user: 'bot-9' }, 'get'], [{ uuid: 'bot-9' }, 'delete'],
      [{ space: 'room-1' }, 'read'],
    ];
    for (const [resource, permission] of cases) {
      const expected = authorize(payload, { uuid: 'alice', resource, permission, now: T0 + 1 });
      expect(checkPermission(token, resource, permission, { uuid: 'alice', now: T0 + 1 }), JSON.stringify(resource)).toEqual(expected);
      expect(client.can(resource, permission)).toEqual(expected);
    }
    expect(cases.map(([resource, permission]) => client.can(resource, permission).reason)).toEqual([
      'granted', 'permission-missing', 'granted', 'permission-missing', 'no-grant', 'granted', 'granted', 'no-grant',
      'granted', 'no-grant', 'granted', 'granted', 'permission-missing', 'granted',
    ]);
    client.dispose();
  });
});

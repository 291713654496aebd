import * as core from '@grantkit/core';
import { importKey } from '@grantkit/node';
const key = importKey('sec-c-bench-0123456789abcdef0123456789abcdef');
const input = { ttl: 1000, authorizedUuid: 'user-42', channels: [core.Channel.id('room-1').read().write(), core.Channel.id('room-2').read(), core.Channel.pattern('^lobby-[0-9]+$').read()], groups: [core.Group.id('cg-rooms').read()], uuids: [core.UUID.id('user-42').get().update()], meta: { role: 'member', tier: 2 } };
const grant = core.normalizeGrant(input);
const ts = Math.floor(Date.now() / 1000);
const tokens = Array.from({ length: 20000 }, (_, i) => core.mintToken(grant, key, { timestamp: ts - i }));
const request = { uuid: 'user-42', resource: { channel: 'lobby-7' }, permission: 'read', now: ts };
const mode = process.argv[2];
const body = core.grantToRequestBody(grant);
const t = performance.now();
let n = 0;
while (performance.now() - t < 4000) {
  for (let i = 0; i < 1000; i++, n++) {
    if (mode === 'first') core.authorize(core.verifyToken(tokens[n % 20000], key, { now: ts }), request);
    else if (mode === 'builder') core.mintToken(input, key, { timestamp: ts });
    else if (mode === 'rest') core.mintToken(core.grantFromRequestBody(JSON.parse(body)), key, { timestamp: ts });
    else if (mode === 'seen') core.authorize(core.verifyToken(tokens[0], key, { now: ts }), request);
  }
}
console.log(mode, (performance.now() - t) / n * 1e6, 'ns/op');

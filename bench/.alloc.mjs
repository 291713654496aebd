import * as core from '@grantkit/core';
import { importKey } from '@grantkit/node';
import { createHmac, createSecretKey } from 'node:crypto';
import { bytesPerOp } from './lib/measure.mjs';
import { readToken, signedBytesOf } from '../packages/core/dist/token/reader.js';
const key = importKey('sec-c-bench-0123456789abcdef0123456789abcdef');
const input = { ttl: 1000, authorizedUuid: 'user-42', channels: [core.Channel.id('room-1').read().write(), core.Channel.id('room-2').read(), core.Channel.pattern('^lobby-[0-9]+$').read()], groups: [core.Group.id('cg-rooms').read()], uuids: [core.UUID.id('user-42').get().update()], meta: { role: 'member', tier: 2 } };
const grant = core.normalizeGrant(input);
const ts = Math.floor(Date.now() / 1000);
const tokens = Array.from({ length: 20000 }, (_, i) => core.mintToken(grant, key, { timestamp: ts - i }));
let n = 0; const next = () => tokens[(n = (n + 1) % 20000)];
const bytes = core.base64UrlDecode(tokens[0]);
const raw = createSecretKey(Buffer.from('sec-c-bench-0123456789abcdef0123456789abcdef'));
const sig = core.decodeToken(tokens[0]).signature;
const signed = bytes.subarray(0, bytes.length - 38);
const request = { uuid: 'user-42', resource: { channel: 'lobby-7' }, permission: 'read', now: ts };
const verified = core.verifyToken(tokens[5], key, { now: ts });
const body = core.grantToRequestBody(grant);
const parsed = JSON.parse(body);
const cases = {
  hmac: () => createHmac('sha256', raw).update(bytes).digest(),
  'key.verify': () => key.verify(signed, sig),
  'key.sign': () => key.sign(signed),
  b64decode: () => core.base64UrlDecode(next()),
  readToken: () => readToken(next()),
  'verify-first': () => core.verifyToken(next(), key, { now: ts }),
  'verify-seen': () => core.verifyToken(tokens[0], key, { now: ts }),
  authorize: () => core.authorize(verified, request),
  tokenId: () => core.tokenId({ signature: sig }),
  'mint-validated': () => core.mintToken(grant, key, { timestamp: ts }),
  normalizeGrant: () => core.normalizeGrant(input),
  'grantFromRequestBody': () => core.grantFromRequestBody(parsed),
  'JSON.parse body': () => JSON.parse(body),
  'encodeUnsigned': () => core.encodeUnsignedToken(grant, ts),
};
core.verifyToken(tokens[0], key, { now: ts }); core.verifyToken(tokens[0], key, { now: ts });
for (const [k, f] of Object.entries(cases)) console.log(k.padEnd(22), Math.round(await bytesPerOp(f, false, 4000)));

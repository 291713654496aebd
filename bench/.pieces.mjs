import * as core from '@grantkit/core';
import { importKey } from '@grantkit/node';
import { createHmac, createSecretKey } from 'node:crypto';
import { measureInterleaved } from './lib/measure.mjs';
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
const cases = [
  { name: 'hmac', run: () => createHmac('sha256', raw).update(bytes).digest() },
  { name: 'key.verify', run: () => key.verify(bytes.subarray(0, bytes.length - 38), sig) },
  { name: 'b64decode', run: () => core.base64UrlDecode(next()) },
  { name: 'readToken', run: () => readToken(next()) },
  { name: 'verify-first', run: () => core.verifyToken(next(), key, { now: ts }) },
  { name: 'tokenId', run: () => core.tokenId({ signature: sig }) },
];
const r = await measureInterleaved(cases, { budgetMs: 1000 });
for (const [k, v] of r) console.log(k.padEnd(14), Math.round(v.nsPerOp), '±' + Math.round(v.spread * 100) + '%');

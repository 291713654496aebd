#!/usr/bin/env node
/**
 * Token paths on Node, each as a ratio against its peer measured in the same run, cases interleaved:
 *   - the floor: one raw HMAC-SHA256 (node:crypto, cached KeyObject) over the token bytes;
 *   - fast-jwt (signer; verifier with and without its cache), jsonwebtoken (KeyObject), jose: JWTs carrying the same
 *     permissions as claims;
 *   - the official SDK's parseToken;
 *   - raw crypto.subtle.sign / verify for the WebCrypto port.
 * Usage: node bench/tokens.mjs [--time <ms per case>] [--json <file>]; run with --expose-gc for bytes per op.
 */
import { createHmac, createSecretKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as core from '@grantkit/core';
import { importKey } from '@grantkit/node';
import { importHmacKey } from '@grantkit/edge';
import { createSigner, createVerifier } from 'fast-jwt';
import jsonwebtoken from 'jsonwebtoken';
import * as jose from 'jose';
import PubNub from 'pubnub';
import { bytesPerOp, measureInterleaved } from './lib/measure.mjs';

const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), options: { time: { type: 'string' }, json: { type: 'string' } } });
const budgetMs = Number(values.time ?? 1_000);

const SECRET = 'sec-c-bench-0123456789abcdef0123456789abcdef';
const key = importKey(SECRET);
const { Channel, Group, UUID } = core;
const timestamp = Math.floor(Date.now() / 1000);
const builderInput = {
  ttl: 60,
  authorizedUuid: 'user-42',
  channels: [Channel.id('room-1').read().write(), Channel.id('room-2').read(), Channel.pattern('^lobby-[0-9]+$').read()],
  groups: [Group.id('cg-rooms').read()],
  uuids: [UUID.id('user-42').get().update()],
  meta: { role: 'member', tier: 2 },
};
const grant = core.normalizeGrant(builderInput);
// What the official SDKs POST to /v3/pam/{sub}/grant for the same grant, parsed (the grant route parses it once).
const restBodyText = core.grantToRequestBody(grant);
const restBody = () => JSON.parse(restBodyText);
const token = core.mintToken(grant, key, { timestamp });
const tokenBytes = core.base64UrlDecode(token);
// More distinct tokens than any verify cache remembers, cycled: each is seen for the first time as far as caches know.
const FRESH = 20_000;
const freshGrant = core.normalizeGrant({ ...builderInput, ttl: 1_000 });
const freshTokens = Array.from({ length: FRESH }, (_, index) => core.mintToken(freshGrant, key, { timestamp: timestamp - index }));
let freshIndex = 0;
const nextFresh = () => freshTokens[(freshIndex = (freshIndex + 1) % FRESH)];
const request = { uuid: 'user-42', resource: { channel: 'lobby-7' }, permission: 'read', now: timestamp };

// The floor.
const rawKey = createSecretKey(Buffer.from(SECRET));
const rawHmac = () => createHmac('sha256', rawKey).update(tokenBytes).digest();

// The same permissions as JWT claims.
const claims = {
  sub: 'user-42',
  res: { chan: { 'room-1': 3, 'room-2': 1 }, grp: { 'cg-rooms': 1 }, uuid: { 'user-42': 96 } },
  pat: { chan: { '^lobby-[0-9]+$': 1 } },
  meta: { role: 'member', tier: 2 },
};
const fastSign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });
const jwt = fastSign(claims);
const freshJwts = Array.from({ length: FRESH }, (_, index) => fastSign({ ...claims, n: index }));
let jwtIndex = 0;
const nextJwt = () => freshJwts[(jwtIndex = (jwtIndex + 1) % FRESH)];
const fastVerifyNoCache = createVerifier({ key: SECRET, algorithms: ['HS256'], cache: false });
const fastVerifyCache = createVerifier({ key: SECRET, algorithms: ['HS256'], cache: true });
const jwtKey = createSecretKey(Buffer.from(SECRET));
const joseSecret = new TextEncoder().encode(SECRET);
const joseJwt = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(timestamp).setExpirationTime(timestamp + 3_600).sign(joseSecret);

// WebCrypto: the edge port against raw subtle calls on the same bytes.
const webKey = await importHmacKey(SECRET);
const subtleKey = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
// The signed bytes of a canonical token: its map header one entry smaller, without the last entry (`sig`, 38 bytes).
const tokenMap = core.base64UrlDecode(token);
const unsigned = Uint8Array.from([tokenMap[0] - 1, ...tokenMap.subarray(1, tokenMap.length - 38)]);
const signatureBytes = core.decodeToken(token).signature;
if (!createHmac('sha256', SECRET).update(unsigned).digest().equals(Buffer.from(signatureBytes))) throw new Error('bench setup: unsigned bytes');
core.verifyToken(token, key, { now: timestamp }); // seen before from here on
core.verifyToken(token, key, { now: timestamp });

const sdk = new PubNub({ subscribeKey: 'sub-c-bench', userId: 'bench' });

/** Cases by id: [label, run, isAsync]. */
const CASES = {
  'hmac': ['raw HMAC-SHA256 over the token bytes (floor)', rawHmac],
  'gk-verify-first': ['grantkit verify, first sight', () => core.verifyToken(nextFresh(), key, { now: timestamp })],
  'gk-verify-authorize-first': ['grantkit verify + authorize, first sight', () => core.authorize(core.verifyToken(nextFresh(), key, { now: timestamp }), request)],
  'gk-verify-authorize-seen': ['grantkit verify + authorize, seen before', () => core.authorize(core.verifyToken(token, key, { now: timestamp }), request)],
  'gk-mint-validated': ['grantkit mint, validated grant', () => core.mintToken(grant, key, { timestamp })],
  'gk-mint-builder': ['grantkit mint from builder input', () => core.mintToken(builderInput, key, { timestamp })],
  'gk-mint-rest': ['grantkit mint from the REST body (parsed)', () => core.mintToken(core.grantFromRequestBody(restBody()), key, { timestamp })],
  'fastjwt-sign': ['fast-jwt sign', () => fastSign(claims)],
  'fastjwt-verify-nocache': ['fast-jwt verify, no cache (first sight)', () => fastVerifyNoCache(nextJwt())],
  'fastjwt-verify-cache': ['fast-jwt verify, cache (seen before)', () => fastVerifyCache(jwt)],
  'jsonwebtoken-sign': ['jsonwebtoken sign (KeyObject)', () => jsonwebtoken.sign(claims, jwtKey, { algorithm: 'HS256', expiresIn: 3_600 })],
  'jsonwebtoken-verify': ['jsonwebtoken verify (KeyObject)', () => jsonwebtoken.verify(nextJwt(), jwtKey, { algorithms: ['HS256'] })],
  'jose-sign': ['jose SignJWT', () => new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(timestamp).setExpirationTime(timestamp + 3_600).sign(joseSecret), true],
  'jose-verify': ['jose jwtVerify', () => jose.jwtVerify(joseJwt, joseSecret, { currentDate: new Date(timestamp * 1000) }), true],
  'gk-mint-validated-async': ['grantkit mint, validated grant (in the async group)', async () => core.mintToken(grant, key, { timestamp }), true],
  'subtle-sign': ['raw crypto.subtle.sign over the unsigned bytes', () => crypto.subtle.sign('HMAC', subtleKey, unsigned), true],
  'gk-webcrypto-mint': ['grantkit mint, WebCrypto key', () => core.mintToken(grant, webKey, { timestamp }), true],
  'subtle-verify': ['raw crypto.subtle.verify over the unsigned bytes', () => crypto.subtle.verify('HMAC', subtleKey, signatureBytes, unsigned), true],
  'gk-webcrypto-verify': ['grantkit verify, WebCrypto key (first sight)', () => core.verifyToken(nextFresh(), webKey, { now: timestamp }), true],
  'gk-parse': ['grantkit parseToken', () => core.parseToken(token)],
  'pubnub-parse': ['official SDK parseToken', () => sdk.parseToken(token)],
};

// Groups measured one after another; cases interleave within a group. Async and garbage-heavy peers (jose) get their
// own group so their collections do not land in the synchronous cases' batches.
const GROUPS = [
  ['hmac', 'gk-verify-first', 'gk-verify-authorize-first', 'gk-verify-authorize-seen', 'gk-mint-validated', 'gk-mint-builder', 'gk-mint-rest',
    'fastjwt-sign', 'fastjwt-verify-nocache', 'fastjwt-verify-cache', 'jsonwebtoken-sign', 'jsonwebtoken-verify'],
  ['gk-mint-validated-async', 'jose-sign', 'jose-verify', 'subtle-sign', 'gk-webcrypto-mint', 'subtle-verify', 'gk-webcrypto-verify'],
  ['gk-parse', 'pubnub-parse'],
];

const results = {};
for (const group of GROUPS) {
  const cases = group.map((id) => ({ name: id, run: CASES[id][1], isAsync: CASES[id][2] === true }));
  const measured = await measureInterleaved(cases, { budgetMs });
  for (const [id, result] of measured) results[id] = { label: CASES[id][0], ...result };
}
for (const id of Object.keys(results)) results[id].bytesPerOp = await bytesPerOp(CASES[id][1], CASES[id][2] === true);

const output = { node: process.version, tokenChars: token.length, tokenBytes: tokenBytes.length, jwtChars: jwt.length, results };
if (values.json) writeFileSync(values.json, JSON.stringify(output));
else {
  for (const [id, result] of Object.entries(results)) {
    console.log(`${result.label.padEnd(56)} ${Math.round(result.nsPerOp).toLocaleString('en-US').padStart(9)} ns/op  ±${(result.spread * 100).toFixed(0)}%  ${result.bytesPerOp === undefined ? '' : `${Math.round(result.bytesPerOp)} B/op`}  (${id})`);
  }
}

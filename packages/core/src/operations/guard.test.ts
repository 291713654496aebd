import { describe, expect, it } from 'vitest';
import { nodeCrypto } from '../../test/ports/node-crypto.js';
import { Channel, Group, UUID } from '../grant/builders.js';
import type { Keyset } from '../keysets.js';
import type { RevocationStore } from '../ports.js';
import { signRequestV2 } from '../signature-v2.js';
import { mintToken } from '../token/mint.js';
import { tokenId } from '../token/reader.js';
import { decodeToken } from '../token/reader.js';
import { decideOperation } from './decide-operation.js';
import { operationDenial } from './denial.js';
import { explainToken } from './explain.js';
import { createOperationGuard, guardNeedsBody } from './guard.js';
import { matchOperation, operationRequest } from './match-request.js';

const NOW = 1_795_353_361;
const SUB = 'sub-c-g';
const PUB = 'pub-c-g';
const key = nodeCrypto.importKey('sec-c-guard');
const keyset: Keyset = { subscribeKey: SUB, publishKey: PUB, keys: [key] };

class Store implements RevocationStore {
  readonly ids = new Set<string>();
  lookups = 0;
  down = false;
  revoke(id: string) { this.ids.add(id); }
  isRevoked(id: string) {
    this.lookups += 1;
    return this.down ? Promise.reject(new Error('down')) : this.ids.has(id);
  }
}

const token = mintToken({
  ttl: 10, authorizedUuid: 'alice',
  channels: [Channel.id('room-1').read().write(), Channel.pattern('^lobby-[0-9]+$').read(), Channel.id('chat.*').read(), Channel.id('news').read()],
  groups: [Group.id('cg').read()],
  uuids: [UUID.id('alice').get().update()],
}, key, { timestamp: NOW - 60 });

function setup(options: { store?: Store } = {}) {
  const store = options.store ?? new Store();
  const guard = createOperationGuard({ keysets: new Map([[SUB, keyset]]), revocations: store, clock: () => NOW });
  return { store, guard };
}

const url = (path: string, query: Record<string, string> = {}) => `http://localhost${path}?${new URLSearchParams({ uuid: 'alice', ...query })}`;

describe('decideOperation', () => {
  const payload = decodeToken(token);
  const decide = (path: string, query: Record<string, string> = {}, uuid = 'alice') =>
    decideOperation(matchOperation({ method: 'GET', path, query: { uuid, ...query } }), { kind: 'token', token: payload, signature: 'verified', revoked: false }, { now: NOW });

  it('allows when every check passes, naming the entry that matched each', () => {
    const decision = decide(`/v2/subscribe/${SUB}/room-1,lobby-7/0`, { 'channel-group': 'cg' });
    expect(decision.allowed).toBe(true);
    expect(decision.reason).toBe('granted');
    expect(decision.checks.map((check) => check.match?.key)).toEqual(['room-1', '^lobby-[0-9]+$', 'cg']);
  });

  it('denies when one check fails and names every failing check with its reason', () => {
    const decision = decide(`/v2/subscribe/${SUB}/room-1,room-1-pnpres,secret/0`, { 'channel-group': 'cg,cg-pnpres' });
    expect(decision.allowed).toBe(false);
    expect(decision.failures.map((failure) => [failure.name, failure.reason])).toEqual([
      ['room-1-pnpres', 'no-grant'], ['secret', 'no-grant'], ['cg-pnpres', 'no-grant'],
    ]);
    expect(decision.checks.filter((check) => check.allowed).map((check) => check.name)).toEqual(['room-1', 'cg']);
    expect(decision.message).toMatch(/and 2 more failing check/);
  });

  it('reports permission-missing with the entry that lacked it, and uuid-mismatch for every check', () => {
    const missing = decide(`/publish/${PUB}/${SUB}/0/news/0/1`);
    expect(missing).toMatchObject({ allowed: false, reason: 'permission-missing', failures: [{ match: { key: 'news' } }] });
    const mismatch = decide(`/v2/subscribe/${SUB}/room-1,news/0`, {}, 'mallory');
    expect(mismatch.failures.map((failure) => failure.reason)).toEqual(['uuid-mismatch', 'uuid-mismatch']);
  });

  it('lets open operations through without a token, and refuses the secret-key and keyset-setting ones to tokens', () => {
    const none = { kind: 'none' } as const;
    expect(decideOperation(matchOperation({ method: 'GET', path: `/v2/presence/sub-key/${SUB}/uuid/alice`, query: {} }), none)).toMatchObject({ allowed: true, reason: 'open' });
    expect(decideOperation(matchOperation({ method: 'GET', path: `/v2/presence/sub-key/${SUB}`, query: {} }), none)).toMatchObject({ allowed: false, reason: 'secret-key-required' });
    const all = matchOperation({ method: 'GET', path: `/v2/objects/${SUB}/channels`, query: {} });
    expect(decideOperation(all, none)).toMatchObject({ allowed: false, reason: 'keyset-disallows' });
    expect(decideOperation(all, none, { allowGetAllChannelMetadata: true })).toMatchObject({ allowed: true });
    expect(decideOperation(all, { kind: 'secret-key' })).toMatchObject({ allowed: true, reason: 'secret-key' });
    expect(decideOperation(operationRequest('subscribe', {}), none)).toMatchObject({ allowed: false, reason: 'no-resource' });
    expect(decideOperation({ known: false, message: 'Unknown operation: GET /x' }, { kind: 'secret-key' })).toMatchObject({ allowed: false, reason: 'unknown-operation' });
  });
});

describe('operationDenial', () => {
  it('answers in PubNub\'s shapes: Forbidden with the failing resources, revoked, expired', () => {
    const payload = decodeToken(token);
    const matched = matchOperation({ method: 'GET', path: `/v2/subscribe/${SUB}/secret,room-1/0`, query: { uuid: 'alice', 'channel-group': 'other' } });
    const forbidden = operationDenial(decideOperation(matched, { kind: 'token', token: payload, signature: 'verified', revoked: false }, { now: NOW }));
    expect(forbidden.status).toBe(403);
    expect(JSON.stringify(forbidden.body)).toBe('{"message":"Forbidden","payload":{"channels":["secret"],"channel-groups":[":other"]},"error":true,"service":"Access Manager","status":403}');
    expect(forbidden.headers).toMatchObject({ 'x-grantkit-reason': 'no-grant', 'x-grantkit-operation': 'subscribe', 'content-type': 'text/javascript; charset=UTF-8' });
    const revoked = operationDenial(decideOperation(matched, { kind: 'token', token: payload, signature: 'verified', revoked: true }, { now: NOW }));
    expect(JSON.stringify(revoked.body)).toBe('{"error":true,"status":403,"service":"Access Manager","message":"Token is revoked"}');
    expect(revoked.headers['x-pn-cause']).toBe('4001');
    const expired = operationDenial(decideOperation(matched, { kind: 'token', token: payload, signature: 'verified', revoked: false }, { now: NOW + 3_600 }));
    expect(expired.body).toEqual({ error: true, status: 403, service: 'Access Manager', message: 'Token is expired' });
    const missing = operationDenial(decideOperation(matched, { kind: 'none' }));
    expect(missing.body.payload).toEqual({ channels: ['secret', 'room-1'], 'channel-groups': [':other'] });
    expect(missing.headers['x-grantkit-reason']).toBe('missing');
  });
});

describe('createOperationGuard', () => {
  it('allows a granted request and denies one that is not, with PubNub\'s 403', async () => {
    const { guard } = setup();
    const allowed = await guard.check({ method: 'GET', url: url(`/publish/${PUB}/${SUB}/0/room-1/0/1`, { auth: token }) });
    expect(allowed.allowed).toBe(true);
    const denied = await guard.check({ method: 'GET', url: url(`/publish/${PUB}/${SUB}/0/lobby-1/0/1`, { auth: token }) });
    expect(denied.allowed).toBe(false);
    if (denied.allowed) return;
    expect(denied.response.status).toBe(403);
    expect(await denied.response.json()).toEqual({ message: 'Forbidden', payload: { channels: ['lobby-1'] }, error: true, service: 'Access Manager', status: 403 });
  });

  it('reads the token from auth, token or a Bearer header', async () => {
    const { guard } = setup();
    const path = `/v2/subscribe/${SUB}/room-1/0`;
    expect((await guard.check({ method: 'GET', url: url(path, { token }) })).allowed).toBe(true);
    expect((await guard.check({ method: 'GET', url: url(path), headers: new Headers({ authorization: `Bearer ${token}` }) })).allowed).toBe(true);
    const missing = await guard.check({ method: 'GET', url: url(path) });
    expect(!missing.allowed && missing.decision?.reason).toBe('missing');
  });

  it('denies a revoked token and fails closed when the store is down, but skips the store for an expired token', async () => {
    const store = new Store();
    const { guard } = setup({ store });
    const path = url(`/v2/subscribe/${SUB}/room-1/0`, { auth: token });
    store.ids.add(tokenId(decodeToken(token)));
    const revoked = await guard.check({ method: 'GET', url: path });
    expect(!revoked.allowed && revoked.decision?.reason).toBe('revoked');
    store.down = true;
    const down = await guard.check({ method: 'GET', url: path });
    expect(!down.allowed && down.response.status).toBe(503);
    const old = mintToken({ ttl: 1, channels: [Channel.id('room-1').read()] }, key, { timestamp: NOW - 3_600 });
    const lookups = store.lookups;
    const expired = await guard.check({ method: 'GET', url: url(`/v2/subscribe/${SUB}/room-1/0`, { auth: old }) });
    expect(!expired.allowed && expired.decision?.reason).toBe('expired');
    expect(store.lookups).toBe(lookups);
  });

  it('accepts a request signed with the secret key (signature v2), body included, and refuses a bad signature', async () => {
    const { guard } = setup();
    const path = `/publish/${PUB}/${SUB}/0/anything/0`;
    const query = new URLSearchParams({ uuid: 'server', timestamp: String(NOW) });
    const body = '{"text":"hi"}';
    query.set('signature', signRequestV2(key, { method: 'POST', publishKey: PUB, path, query, body }));
    const signed = await guard.check({ method: 'POST', url: `http://localhost${path}?${query}`, body });
    expect(signed.allowed && signed.decision.reason).toBe('secret-key');
    const tampered = await guard.check({ method: 'POST', url: `http://localhost${path}?${query}`, body: '{"text":"evil"}' });
    expect(!tampered.allowed && tampered.response.status).toBe(403);
    expect(guardNeedsBody('POST', `http://localhost${path}?${query}`)).toBe(true);
    expect(guardNeedsBody('POST', `http://localhost${path}`)).toBe(false);
    expect(guardNeedsBody('PATCH', `http://localhost${path}`)).toBe(true);
  });

  it('answers bad input with a PubNub-style 4xx, never a throw', async () => {
    const { guard } = setup();
    const cases: Array<[string, string, number, string?]> = [
      ['GET', url('/v9/nothing', { auth: token }), 403],
      ['GET', url(`/v2/subscribe/sub-c-other/room-1/0`, { auth: token }), 400],
      ['GET', url(`/v2/subscribe/${SUB}/%E0%A4/0`, { auth: token }), 400],
      ['PATCH', url(`/v2/objects/${SUB}/uuids/alice/channels`, { auth: token }), 400, 'not json'],
      ['GET', url(`/v2/subscribe/${SUB}/room-1/0`, { auth: 'garbage' }), 403],
      ['GET', url(`/v2/subscribe/${SUB}/${Array.from({ length: 1_001 }, (_, index) => `c${index}`).join(',')}/0`, { auth: token }), 413],
    ];
    for (const [method, target, status, body] of cases) {
      const result = await guard.check({ method, url: target, ...(body === undefined ? {} : { body }) });
      expect(result.allowed, target).toBe(false);
      if (result.allowed) continue;
      expect(result.response.status, target).toBe(status);
      expect(await result.response.json()).toMatchObject({ error: true, status, service: 'Access Manager' });
    }
  });

  it('reads a PATCH body from a web Request and decides memberships on it', async () => {
    const { guard } = setup();
    const request = (channel: string) => new Request(url(`/v2/objects/${SUB}/uuids/alice/channels`, { auth: token }), {
      method: 'PATCH', body: JSON.stringify({ set: [{ channel: { id: channel } }] }),
    });
    const denied = await guard.checkRequest(request('room-1'));
    expect(!denied.allowed && denied.decision?.failures.map((failure) => [failure.name, failure.permission])).toEqual([['room-1', 'join']]);
    const req = request('room-1');
    await guard.checkRequest(req);
    expect(await req.text()).toContain('room-1'); // the body is still there for the upstream
  });
});

describe('explainToken', () => {
  it('verifies a grantkit token and hints at what would fix each denial', async () => {
    const explanation = await explainToken(token, { url: `/v2/subscribe/${SUB}/room-1-pnpres,chat.1,cg/0?uuid=alice` }, { keys: [key], now: NOW });
    expect(explanation.signature).toBe('verified');
    expect(explanation.enforced).toBe(false);
    expect(explanation.hints.map((hint) => [hint.check?.name, hint.code])).toEqual([
      ['room-1-pnpres', 'presence-channel-not-granted'],
      ['chat.1', 'literal-looks-like-pattern'],
      ['cg', 'granted-as-other-type'],
    ]);
    const missing = await explainToken(token, { operation: 'publish', channels: ['news'] }, { uuid: 'alice', now: NOW });
    expect(missing.hints[1]).toMatchObject({ code: 'permission-missing' });
    expect(missing.hints[1]!.message).toContain("add 'write'");
  });

  it('explains a PubNub-issued token: signature not verifiable, ttl, uuid and grants still evaluated', async () => {
    // pubnub/javascript test/integration/components/token_manager.test.ts: channel1 read, pattern .* read; issued 2021, ttl 60.
    const pubnub = 'p0F2AkF0GmEK-4NDdHRsGDxDcmVzpURjaGFuoWhjaGFubmVsMQFDZ3JwoWZncm91cDEBQ3VzcqBDc3BjoER1dWlkoWV1c2VyMQFDcGF0pURjaGFuoWIuKgFDZ3JwoWIuKgFDdXNyoENzcGOgRHV1aWShYi4qAURtZXRhoENzaWdYII5bQpWLi6Z-l5jbShWxZ7QL6o8Dz6_vxluhxrMGzQCN';
    const during = 1_628_109_699 + 60;
    const explanation = await explainToken(pubnub, { operation: 'subscribe', channels: ['channel1', 'other'] }, { keys: [key], now: during, uuid: 'anyone' });
    expect(explanation.signature).toBe('invalid');
    expect(explanation.enforced).toBe(false);
    expect(explanation.decision).toMatchObject({ allowed: true, signature: 'unverified' });
    expect(explanation.decision.checks.map((check) => check.match?.key)).toEqual(['channel1', '.*']);
    expect(explanation.hints.map((hint) => hint.code)).toEqual(['signature-unverified', 'pattern-unanchored']);
    const later = await explainToken(pubnub, { operation: 'publish', channels: ['channel1'] }, { now: during + 7_200 });
    expect(later).toMatchObject({ signature: 'not-checked', enforced: 'signature-not-checked', decision: { reason: 'expired' } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, Group, mintToken, Space, UUID, User, verifyToken, type RevocationStore } from '@grantkit/core';
import { AccessManager } from './access-manager.js';
import { AccessManagerError } from './access-manager-error.js';
import { importKey } from '../crypto.js';
import { startServer, type GrantkitServer } from '../service/server.js';
import { MemoryRevocationStore } from '../store/memory.js';

const KEYS = { subscribeKey: 'sub-c-am', publishKey: 'pub-c-am', secretKey: 'sec-c-am' };
const key = importKey(KEYS.secretKey);

async function failure(work: () => unknown): Promise<AccessManagerError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(AccessManagerError);
    return error as AccessManagerError;
  }
  throw new Error('expected an AccessManagerError');
}

describe('AccessManager, local mode', () => {
  const revocations = new MemoryRevocationStore();
  const accessManager = new AccessManager({ ...KEYS, revocations });

  it('awaits a builder chain to { token }, and builders are reusable templates', async () => {
    const template = accessManager.grantToken().ttl(15).authorizedUuid('alice');
    const { token } = await template
      .channels([Channel.id('room-1').read().write(), Channel.pattern('^lobby-.*$').read()])
      .groups([Group.id('cg-1').read()])
      .uuids([UUID.id('alice').get().update()])
      .meta({ role: 'member', level: 2 });
    const verified = verifyToken(token, key);
    expect(verified).toMatchObject({ ttl: 15, authorizedUuid: 'alice', meta: { role: 'member', level: 2 } });
    expect(verified.resources.channels).toEqual({ 'room-1': 3 });
    expect(verified.patterns.channels).toEqual({ '^lobby-.*$': 1 });
    expect(verified.resources.groups).toEqual({ 'cg-1': 1 });
    expect(verified.resources.uuids).toEqual({ alice: 96 });
    // The template did not change.
    expect(template.toOptions()).toEqual({ ttl: 15, authorizedUuid: 'alice' });
    const other = template.channels([Channel.id('room-2').read()]).sync();
    expect(verifyToken(other.token, key).resources.channels).toEqual({ 'room-2': 1 });
  });

  it('rejects an awaited builder with the SDK-shaped error', async () => {
    const error = await failure(() => accessManager.grantToken().channels([Channel.id('a').read()]));
    expect(error).toMatchObject({ code: 'ERR_GRANT_INVALID', statusCode: 400, message: 'Invalid ttl' });
    await expect(accessManager.grantToken().ttl(5).catch((reason: unknown) => (reason as AccessManagerError).code)).resolves.toBe('ERR_GRANT_INVALID');
  });

  it('takes named arguments and the JS SDK\'s parameters, resolving to the token string as the JS SDK', async () => {
    const named = await accessManager.grantToken({ ttl: 10, authorizedUuid: 'bob', channels: [Channel.id('a').read()] });
    const sdkShape = await accessManager.grantToken({ ttl: 10, authorized_uuid: 'bob', resources: { channels: { a: { read: true } } } });
    expect(typeof named).toBe('string');
    expect(verifyToken(named, key).resources).toEqual(verifyToken(sdkShape, key).resources);
    const vsp = accessManager.grantTokenSync({ ttl: 10, authorizedUserId: 'carol', spaces: [Space.id('s').read()], users: [User.id('u').get()] });
    expect(verifyToken(vsp, key)).toMatchObject({ authorizedUuid: 'carol', resources: { channels: { s: 1 }, uuids: { u: 32 } } });
  });

  it('throws the same errors PubNub answers: status, title, detail naming the field', async () => {
    const ttl = await failure(() => accessManager.grantToken({ ttl: 0, channels: [Channel.id('a').read()] }));
    expect(ttl).toMatchObject({ code: 'ERR_GRANT_INVALID', statusCode: 400, retryable: false });
    expect(ttl.status).toMatchObject({ error: true, category: 'PNBadRequestCategory', operation: 'PNAccessManagerGrantToken', statusCode: 400 });
    expect(ttl.status.errorData).toMatchObject({ status: 400, service: 'Access Manager', error: { message: 'Invalid ttl', source: 'grant' } });
    expect(ttl.details).toEqual([{ message: 'Range should be 1 to 43200 minute(s).', location: 'ttl', locationType: 'body' }]);
    const pattern = await failure(() => accessManager.grantTokenSync({ ttl: 5, channels: [Channel.pattern('(a)').read()] }));
    expect(pattern).toMatchObject({ code: 'ERR_PATTERN_INVALID', statusCode: 400, message: 'Invalid RegExp' });
    expect(pattern.details[0]?.location).toBe('permissions.patterns.channels.(a)');
    // PubNub's service grants a write bit on a group, and so does the default mode; strict refuses it.
    expect(await accessManager.grantToken({ ttl: 5, resources: { groups: { g: { write: true } } } })).toBeTypeOf('string');
    const strict = new AccessManager({ ...KEYS, validation: 'strict' });
    const permission = await failure(() => strict.grantToken({ ttl: 5, resources: { groups: { g: { write: true } } } }));
    expect(permission).toMatchObject({ code: 'ERR_GRANT_INVALID', message: 'Invalid permissions' });
    expect(permission.details[0]).toEqual({
      message: "groups cannot be granted 'write'; allowed: read, manage", location: 'permissions.resources.groups.g', locationType: 'body',
    });
  });

  it('parses as the SDK and verifies with current or previous secrets', () => {
    const token = accessManager.grantTokenSync({ ttl: 5, channels: [Channel.id('a').read()] });
    expect(accessManager.parseToken(token).resources?.channels?.a?.read).toBe(true);
    const rotated = new AccessManager({ ...KEYS, secretKey: 'sec-c-new', previousSecretKeys: [KEYS.secretKey] });
    expect(rotated.verifyToken(token).keyIndex).toBe(1);
    const expired = mintToken({ ttl: 1, channels: [Channel.id('a').read()] }, key, { timestamp: 1_000 });
    expect(() => accessManager.verifyToken(expired)).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_EXPIRED' }));
  });

  it('authorizes with revocations, synchronously with a sync store, and revokes', async () => {
    const token = accessManager.grantTokenSync({ ttl: 5, authorizedUuid: 'alice', channels: [Channel.id('room-1').read()] });
    const request = { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'read' } as const;
    expect(accessManager.authorizeSync(token, request)).toMatchObject({ allowed: true, reason: 'granted' });
    expect(await accessManager.authorize(token, { ...request, uuid: 'eve' })).toMatchObject({ allowed: false, reason: 'uuid-mismatch' });
    await expect(accessManager.revokeToken(token)).resolves.toEqual({});
    expect(accessManager.authorizeSync(token, request)).toMatchObject({ allowed: false, reason: 'revoked' });
    expect(await accessManager.authorize('garbage', request)).toMatchObject({ allowed: false, reason: 'malformed' });
    expect(await accessManager.authorize('', request)).toMatchObject({ allowed: false, reason: 'missing' });
    const foreign = mintToken({ ttl: 5, channels: [Channel.id('room-1').read()] }, importKey('other'));
    expect(await accessManager.authorize(foreign, request)).toMatchObject({ allowed: false, reason: 'signature-invalid' });
  });

  it('returns the verified token with the decision, locally', async () => {
    const token = accessManager.grantTokenSync({ ttl: 5, authorizedUuid: 'alice', meta: { role: 'admin' }, channels: [Channel.id('room-1').read()] });
    const decision = await accessManager.authorize(token, { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'read' });
    expect(decision.token).toMatchObject({ authorizedUuid: 'alice', meta: { role: 'admin' }, keyIndex: 0 });
  });

  it('trims its keys as the GRANTKIT_* readers do: a secret with a trailing newline signs as without', () => {
    const padded = new AccessManager({ subscribeKey: ' sub-c-am\n', secretKey: `${KEYS.secretKey}\n`, previousSecretKeys: [' sec-c-old '], clock: () => 1_790_000_000 });
    expect(padded.subscribeKey).toBe('sub-c-am');
    const grant = { ttl: 5, channels: [Channel.id('a').read()] };
    expect(padded.grantTokenSync(grant)).toBe(mintToken(grant, key, { timestamp: 1_790_000_000 }));
    const old = mintToken(grant, importKey('sec-c-old'));
    expect(padded.verifyToken(old, { ignoreTime: true }).keyIndex).toBe(1);
  });

  it('answers revoke errors as PubNub: 400 Invalid token (expired, malformed, foreign), 403 without a store', async () => {
    const expired = mintToken({ ttl: 1, channels: [Channel.id('a').read()] }, key, { timestamp: 1_000 });
    const error = await failure(() => accessManager.revokeToken(expired));
    expect(error).toMatchObject({ code: 'ERR_TOKEN_EXPIRED', statusCode: 400, message: 'Invalid token' });
    expect(error.details[0]?.message).toBe('Token is expired.');
    expect(await failure(() => accessManager.revokeToken('garbage'))).toMatchObject({ code: 'ERR_TOKEN_MALFORMED', statusCode: 400 });
    const foreign = mintToken({ ttl: 5, channels: [Channel.id('a').read()] }, importKey('other'));
    expect(await failure(() => accessManager.revokeToken(foreign))).toMatchObject({ code: 'ERR_TOKEN_SIGNATURE_INVALID', statusCode: 400 });
    const storeless = new AccessManager(KEYS);
    const token = storeless.grantTokenSync({ ttl: 5, channels: [Channel.id('a').read()] });
    expect(await failure(() => storeless.revokeToken(token))).toMatchObject({ code: 'ERR_FEATURE_DISABLED', statusCode: 403, message: 'Feature disabled' });
  });

  it('fails closed when the store cannot answer, and refuses authorizeSync on an async store', async () => {
    const broken: RevocationStore = { revoke: () => Promise.reject(new Error('down')), isRevoked: () => Promise.reject(new Error('down')) };
    const throwing: RevocationStore = { revoke: () => { throw new Error('down'); }, isRevoked: () => { throw new Error('down'); } };
    const request = { resource: { channel: 'a' }, permission: 'read' } as const;
    for (const store of [broken, throwing]) {
      const manager = new AccessManager({ ...KEYS, revocations: store });
      const token = manager.grantTokenSync({ ttl: 5, channels: [Channel.id('a').read()] });
      const error = await failure(() => manager.authorize(token, request));
      expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', statusCode: 503, retryable: true });
      expect(await failure(() => manager.revokeToken(token))).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', statusCode: 503 });
      // An expired token needs no lookup: denied as expired, store down or not (as the REST endpoint answers).
      const expired = mintToken({ ttl: 1, channels: [Channel.id('a').read()] }, key, { timestamp: 1_000 });
      expect(await manager.authorize(expired, request)).toMatchObject({ allowed: false, reason: 'expired' });
    }
    const asyncStore: RevocationStore = { revoke: async () => undefined, isRevoked: async () => false };
    const manager = new AccessManager({ ...KEYS, revocations: asyncStore });
    const token = manager.grantTokenSync({ ttl: 5, channels: [Channel.id('a').read()] });
    expect(await manager.authorize(token, request)).toMatchObject({ allowed: true });
    expect(() => manager.authorizeSync(token, request)).toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }));
  });

  it('refuses missing keys', () => {
    expect(() => new AccessManager({ ...KEYS, secretKey: '' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
    expect(() => new AccessManager({ ...KEYS, subscribeKey: '' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
    expect(() => new AccessManager({ subscribeKey: 's', secretKey: 'k', origin: 'http://127.0.0.1:1' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });
});

describe('AccessManager, remote mode against a grantkit service', () => {
  let server: GrantkitServer;
  const store = new MemoryRevocationStore();

  beforeAll(async () => {
    server = await startServer({ keysets: [KEYS], revocations: store, port: 0 });
  });

  afterAll(async () => {
    await server.close();
  });

  const remote = (overrides: Partial<ConstructorParameters<typeof AccessManager>[0]> = {}) =>
    new AccessManager({ ...KEYS, origin: `127.0.0.1:${server.port}`, ssl: false, ...overrides });

  it('grants through the service (builder and named arguments), revokes, and authorizes there', async () => {
    const accessManager = remote();
    expect(accessManager.mode).toBe('remote');
    const { token } = await accessManager.grantToken().ttl(5).authorizedUuid('alice').channels([Channel.id('room-1').read()]);
    const named = await accessManager.grantToken({ ttl: 5, uuids: [UUID.pattern('^user-.*$').get()] });
    expect(accessManager.verifyToken(token)).toMatchObject({ authorizedUuid: 'alice' });
    const request = { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'read' } as const;
    expect(await accessManager.authorize(token, request)).toMatchObject({ allowed: true, reason: 'granted', match: { key: 'room-1' } });
    expect(await accessManager.authorize(named, { resource: { uuid: 'user-1' }, permission: 'get' })).toMatchObject({ allowed: true });
    expect(await accessManager.authorize('garbage', request)).toMatchObject({ allowed: false, reason: 'malformed' });
    await expect(accessManager.revokeToken(token)).resolves.toEqual({});
    expect(await accessManager.authorize(token, request)).toMatchObject({ allowed: false, reason: 'revoked' });
  });

  it('throws the same error in both modes for the same bad grant', async () => {
    const local = await failure(() => new AccessManager(KEYS).grantToken({ ttl: 99_999, channels: [Channel.id('a').read()] }));
    const viaService = await failure(() => remote().grantToken({ ttl: 99_999, channels: [Channel.id('a').read()] }));
    expect({ code: viaService.code, statusCode: viaService.statusCode, message: viaService.message, details: viaService.details })
      .toEqual({ code: local.code, statusCode: local.statusCode, message: local.message, details: local.details });
  });

  it('maps the service\'s refusals: wrong secret 403, stale clock 400, bad revoke 400', async () => {
    const wrong = await failure(() => remote({ secretKey: 'sec-c-wrong' }).grantToken({ ttl: 5, channels: [Channel.id('a').read()] }));
    expect(wrong).toMatchObject({ code: 'ERR_REQUEST_SIGNATURE_INVALID', statusCode: 403 });
    expect(wrong.status.category).toBe('PNAccessDeniedCategory');
    const stale = await failure(() => remote({ clock: () => Math.floor(Date.now() / 1000) - 600 }).grantToken({ ttl: 5, channels: [Channel.id('a').read()] }));
    expect(stale).toMatchObject({ code: 'ERR_REQUEST_INVALID', statusCode: 400, message: 'Invalid timestamp' });
    const expired = mintToken({ ttl: 1, channels: [Channel.id('a').read()] }, key, { timestamp: 1_000 });
    expect(await failure(() => remote().revokeToken(expired))).toMatchObject({ code: 'ERR_TOKEN_EXPIRED', statusCode: 400 });
    const foreign = mintToken({ ttl: 5, channels: [Channel.id('a').read()] }, importKey('other'));
    expect(await failure(() => remote().revokeToken(foreign))).toMatchObject({ code: 'ERR_TOKEN_SIGNATURE_INVALID', statusCode: 400 });
  });

  it('reports an unreachable service as a retryable network error, and refuses sync calls', async () => {
    const offline = remote({ origin: 'http://127.0.0.1:9', requestTimeout: 2_000 });
    const error = await failure(() => offline.grantToken({ ttl: 5, channels: [Channel.id('a').read()] }));
    expect(error).toMatchObject({ code: 'ERR_NETWORK', statusCode: 0, retryable: true });
    expect(error.status.category).toBe('PNNetworkIssuesCategory');
    expect(() => offline.grantTokenSync({ ttl: 5, channels: [Channel.id('a').read()] })).toThrow(expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }));
  });
});

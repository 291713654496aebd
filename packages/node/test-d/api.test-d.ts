/**
 * Type-level tests: the sync fast path stays sync, the builder chain resolves to `{ token }`, named arguments to a
 * string, and only per-type permissions compile.
 */
import { Channel, Group, mintToken, verifyToken, type TokenCheckResult, type VerifiedToken } from '@grantkit/core';
import {
  AccessManager, importKey, requirePermission, type Authorizer, type GrantTokenResult, type PermissionGuard,
  type AccessManagerStatus, type NodeParsedToken, type RevokeTokenResult,
  SqliteRevocationStore, RedisRevocationStore, MemoryRevocationStore,
} from '../src/index.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const assert = <T extends true>(_value?: T) => undefined;

const key = importKey('secret');
const token = mintToken({ ttl: 1, channels: [Channel.id('a').read()] }, key);
assert<Equals<typeof token, string>>();
const verified = verifyToken(token, [key, importKey('previous')]);
assert<Equals<typeof verified, VerifiedToken>>();

const accessManager = new AccessManager({ subscribeKey: 's', secretKey: 'k', revocations: new MemoryRevocationStore() });
const built = accessManager.grantToken().ttl(5).channels([Channel.id('a').read()]);
async function awaited() {
  const result = await built;
  assert<Equals<typeof result, GrantTokenResult>>();
  const named = await accessManager.grantToken({ ttl: 5, channels: [Channel.id('a').read()] });
  assert<Equals<typeof named, string>>();
  const decision = await accessManager.authorize(token, { resource: { channel: 'a' }, permission: 'read' });
  assert<Equals<typeof decision, TokenCheckResult>>();
}
void awaited;
const sync = accessManager.grantTokenSync({ ttl: 5, resources: { channels: { a: { read: true } } } });
assert<Equals<typeof sync, string>>();
assert<Equals<ReturnType<typeof built.sync>, GrantTokenResult>>();
// The official SDK's callback style: (status, result | null), resolving to void once called back.
const called = accessManager.grantToken({ ttl: 5, resources: { channels: { a: { read: true } } } }, (status, result) => {
  assert<Equals<typeof status, AccessManagerStatus>>();
  assert<Equals<typeof result, string | null>>();
});
assert<Equals<typeof called, Promise<void>>>();
const revokedBack = accessManager.revokeToken(token, (_status, result) => assert<Equals<typeof result, RevokeTokenResult | null>>());
assert<Equals<typeof revokedBack, Promise<void>>>();
const parsed = accessManager.parseToken(token);
assert<Equals<typeof parsed, NodeParsedToken>>();
assert<Equals<typeof parsed.signature, Buffer>>();
assert<Equals<ReturnType<typeof accessManager.getToken>, string | undefined>>();
const decision = accessManager.authorizeSync(token, { resource: { group: 'g' }, permission: 'read' });
assert<Equals<typeof decision, TokenCheckResult>>();

// @ts-expect-error groups have no write permission
Group.id('g').write();
// @ts-expect-error a group grant is not a channel grant
accessManager.grantToken().channels([Group.id('g').read()]);
// @ts-expect-error permissions are checked
accessManager.requirePermission({ channel: () => 'a', permission: 'fly' });

// The guard takes any Authorizer; an AccessManager is one.
const authorizer: Authorizer = accessManager;
const guard = requirePermission({ accessManager: authorizer, permission: 'write', channel: () => 'a' });
assert<Equals<typeof guard, PermissionGuard>>();

// SQLite lookups are synchronous; Redis may need a round trip.
assert<Equals<ReturnType<SqliteRevocationStore['isRevoked']>, boolean>>();
assert<Equals<ReturnType<RedisRevocationStore['isRevoked']>, boolean | Promise<boolean>>>();

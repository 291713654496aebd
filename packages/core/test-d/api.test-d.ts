/** Type-level tests: compiled by `tsc -p test-d`, never run. */
import {
  Channel, Group, mintToken, UUID, verifyToken, type AnyGrantkitError, type AsyncHmacKey, type GrantInput,
  type HmacKey, type SyncHmacKey, type VerifiedToken,
} from '../src/index.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(_value?: T) => undefined;

declare const syncKey: SyncHmacKey;
declare const asyncKey: AsyncHmacKey;
declare const anyKey: HmacKey;
const grant: GrantInput = { ttl: 15, channels: [Channel.id('a').read()] };

// A synchronous key gives plain values: Node's hot path never awaits.
assert<Equals<ReturnType<typeof mintToken<SyncHmacKey>>, string>>();
assert<Equals<ReturnType<typeof verifyToken<SyncHmacKey>>, VerifiedToken>>();
// An asynchronous key gives Promises; an unknown one, either.
assert<Equals<ReturnType<typeof mintToken<AsyncHmacKey>>, Promise<string>>>();
assert<Equals<ReturnType<typeof mintToken<HmacKey>>, string | Promise<string>>>();
const minted: string = mintToken(grant, syncKey);
const pending: Promise<string> = mintToken(grant, asyncKey);
void minted; void pending; void anyKey;

// Builders only offer the permissions their type has.
Channel.id('a').read().write().get().manage().update().join().delete();
Group.id('g').read().manage();
UUID.id('u').get().update().delete();
// @ts-expect-error groups cannot be granted write
Group.id('g').write();
// @ts-expect-error uuids cannot be granted read
UUID.id('u').read();
// @ts-expect-error a group grant is not a channel grant
const wrongSlot: GrantInput = { ttl: 1, channels: [Group.id('g').read()] };
void wrongSlot;

// switch (error.code) narrows the error union.
declare const error: AnyGrantkitError;
if (error.code === 'ERR_GRANT_INVALID') {
  const title: string = error.title;
  void title;
}

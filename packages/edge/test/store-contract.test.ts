/**
 * The revocation store contract against the two stores `@grantkit/edge` ships, on real bindings in workerd: Workers KV
 * and the Durable Object. Failing closed is provoked in the runtime itself: KV refusing keys over its 512-byte limit,
 * and a bound Durable Object that refuses every request.
 */
import { runDurableObjectAlarm } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { runStoreContract } from '@grantkit/conformance';
import { durableObjectRevocationStore, kvRevocationStore } from '@grantkit/edge';

let prefixes = 0;
runStoreContract('kvRevocationStore', () => ({
  // A fresh prefix per test; KV expires entries by itself, so there is nothing to purge.
  store: kvRevocationStore(env.GRANTKIT_REVOCATIONS_KV, { prefix: `contract-${prefixes++}:` }),
  makeUnavailable: () => kvRevocationStore(env.GRANTKIT_REVOCATIONS_KV, { prefix: 'x'.repeat(512) }),
}));

let names = 0;
runStoreContract('durableObjectRevocationStore', () => {
  const namespace = env.GRANTKIT_REVOCATIONS;
  const name = `contract-${names++}`;
  return {
    store: durableObjectRevocationStore(namespace, { name }),
    // The object's alarm is its purge; run it now rather than wait for it.
    purge: async () => void (await runDurableObjectAlarm(namespace.get(namespace.idFromName(name)))),
    makeUnavailable: () => durableObjectRevocationStore(env.GRANTKIT_REVOCATIONS_UNAVAILABLE, { name }),
  };
});

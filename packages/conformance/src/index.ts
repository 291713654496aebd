/**
 * `@grantkit/conformance` (private, never published): the suites every runtime package runs against what it ships.
 * {@link runConformance} takes the library and a runtime's crypto port (jose's `tap/run.ts` pattern);
 * {@link runStoreContract} takes a store factory (unstorage's `testDriver` pattern). The public PubNub vectors they
 * use are in `vectors/`, importable as `@grantkit/conformance/vectors/<name>.json`.
 *
 * @example
 * ```ts
 * // packages/node/test/conformance.test.ts: one short runner per runtime
 * import * as lib from '@grantkit/core';
 * import { nodeCrypto } from '@grantkit/node';
 * import { runConformance } from '@grantkit/conformance';
 * runConformance(lib, { crypto: nodeCrypto });
 * ```
 *
 * @module
 */
export { FIXED_TOKEN, fixedGrant, runConformance } from './token-conformance.js';
export type { ConformancePorts } from './token-conformance.js';
export { runStoreContract } from './store-contract.js';
export type { StoreHarness } from './store-contract.js';
export { runWycheproofHmac } from './wycheproof-hmac.js';
export type { WycheproofOutcome } from './wycheproof-hmac.js';
export { KEYSET_PARITY, hex } from './keyset-parity.js';

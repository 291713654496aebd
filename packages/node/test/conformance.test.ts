/** The conformance suite in Node, with the port `@grantkit/node` ships (NodeHmacKey, synchronous node:crypto). */
import * as lib from '@grantkit/core';
import { nodeCrypto } from '@grantkit/node';
import { runConformance } from '@grantkit/conformance';

runConformance(lib, { crypto: nodeCrypto });

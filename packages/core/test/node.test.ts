import * as lib from '@grantkit/core';
import { runConformance } from './conformance/index.js';
import { nodeCrypto } from './ports/node-crypto.js';

runConformance(lib, { crypto: nodeCrypto });

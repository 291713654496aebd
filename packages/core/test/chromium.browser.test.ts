import * as lib from '@grantkit/core';
import { runConformance } from './conformance/index.js';
import { webCrypto } from './ports/web-crypto.js';

runConformance(lib, { crypto: webCrypto });

/** The conformance suite in Bun and Deno (the runtime matrix runs this project in each), with edge's WebCrypto port. */
import * as lib from '@grantkit/core';
import { webCryptoHmacSha256 } from '@grantkit/edge';
import { runConformance } from '@grantkit/conformance';

runConformance(lib, { crypto: webCryptoHmacSha256 });

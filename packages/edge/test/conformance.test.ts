/** The conformance suite in workerd, with the port `@grantkit/edge` ships (WebCrypto, `crypto.subtle`). */
import * as lib from '@grantkit/core';
import { webCryptoHmacSha256 } from '@grantkit/edge';
import { runConformance } from '@grantkit/conformance';

runConformance(lib, { crypto: webCryptoHmacSha256 });

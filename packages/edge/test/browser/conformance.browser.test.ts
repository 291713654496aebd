/** The conformance suite in Chromium, with the WebCrypto port `@grantkit/edge` ships (`crypto.subtle`). */
import * as lib from '@grantkit/core';
import { webCryptoHmacSha256 } from '@grantkit/edge';
import { runConformance } from '@grantkit/conformance';

runConformance(lib, { crypto: webCryptoHmacSha256 });

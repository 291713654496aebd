/**
 * The conformance suite in the browser (Chromium and Firefox), with the WebCrypto port `@grantkit/edge` ships
 * (`crypto.subtle`).
 */
import * as lib from '@grantkit/core';
import { webCryptoHmacSha256 } from '@grantkit/edge';
import { runConformance } from '@grantkit/conformance';

runConformance(lib, { crypto: webCryptoHmacSha256 });

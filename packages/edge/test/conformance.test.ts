/**
 * Core's runtime parity suite (shared vectors: official PubNub tokens, signature v2, fixed mint) in workerd, with
 * this package's WebCrypto port: the 5-line runner CONVENTIONS §3.4 asks of every runtime.
 */
import * as lib from '@grantkit/core';
import { webCryptoHmacSha256 } from '@grantkit/edge';
import { runConformance } from '../../core/test/conformance/index.js';

runConformance(lib, { crypto: webCryptoHmacSha256 });

/**
 * The test Worker: @grantkit/edge mounted exactly as the README tells users to, with the Durable Object class
 * exported so the GRANTKIT_REVOCATIONS binding resolves.
 */
import { createEdgeHandler } from '@grantkit/edge';

export { RevocationDurableObject } from '@grantkit/edge';

export default createEdgeHandler<Cloudflare.Env>();

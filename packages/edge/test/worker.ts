/**
 * The test Worker: @grantkit/edge mounted exactly as the README tells users to, with the Durable Object class
 * exported so the GRANTKIT_REVOCATIONS binding resolves.
 */
import { createEdgeHandler } from '@grantkit/edge';

export { RevocationDurableObject } from '@grantkit/edge';

// `satisfies` checks at compile time that the handler is a valid Worker module for typed bindings.
export default createEdgeHandler<Cloudflare.Env>() satisfies ExportedHandler<Cloudflare.Env>;

/**
 * The test Worker: @grantkit/edge mounted exactly as the README tells users to, with the Durable Object class
 * exported so the GRANTKIT_REVOCATIONS binding resolves.
 */
import { createEdgeHandler } from '@grantkit/edge';

export { RevocationDurableObject } from '@grantkit/edge';

/**
 * A Durable Object that cannot answer, as one whose storage is failing: it refuses every request with 503. Bound as
 * GRANTKIT_REVOCATIONS_UNAVAILABLE so the store contract proves the client fails closed through the real runtime.
 */
export class UnavailableDurableObject {
  fetch(): Response {
    return new Response('revocation storage is unavailable', { status: 503 });
  }
}

// `satisfies` checks at compile time that the handler is a valid Worker module for typed bindings.
export default createEdgeHandler<Cloudflare.Env>() satisfies ExportedHandler<Cloudflare.Env>;

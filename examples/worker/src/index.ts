/**
 * A Worker that is both a grant server and an app:
 * - `/v3/pam/...`, `/grantkit/v1/...`, `/health`: the Access Manager endpoints (point the PubNub SDK's `origin` here);
 * - `/rooms/{room}`: the app's own route, open only to a token granting `read` on channel `{room}`.
 */
import { authorizeRequest, createEdgeHandler, forbiddenResponse, type GrantkitEnv } from '@grantkit/edge';

// The runtime needs the Durable Object class exported from the main module.
export { RevocationDurableObject } from '@grantkit/edge';

interface Env extends GrantkitEnv {
  GRANTKIT_SUBSCRIBE_KEY: string;
  GRANTKIT_PUBLISH_KEY: string;
  GRANTKIT_SECRET_KEY: string;
  GRANTKIT_REVOCATIONS: DurableObjectNamespace;
  GRANTKIT_REVOCATIONS_KV: KVNamespace;
}

const accessManager = createEdgeHandler<Env>();

export default {
  async fetch(request, env, context): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/rooms/')) {
      const room = decodeURIComponent(url.pathname.slice('/rooms/'.length));
      // The token comes from `?auth=` (what PubNub clients send), `?token=` or `Authorization: Bearer`.
      const decision = await authorizeRequest(request, env, { resource: { channel: room }, permission: 'read' });
      if (!decision.allowed) return forbiddenResponse(decision);
      return Response.json({ room, uuid: decision.token?.authorizedUuid ?? null, message: `welcome to ${room}` });
    }
    return accessManager.fetch(request, env, context);
  },
} satisfies ExportedHandler<Env>;

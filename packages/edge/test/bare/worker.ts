/**
 * A Worker for bare workerd (no compatibility flags, so no `nodejs_compat`), bundled from the built package by
 * test/node/bare-workerd.test.ts. Besides the handler, it exposes mint, verify and authorize directly so the Node
 * side can compare them byte for byte with `node:crypto`.
 */
import {
  authorize, isGrantkitError, mintToken, verifyToken, type AuthorizationRequest, type PubNubGrantTokenParameters,
} from '@grantkit/core';
import { createEdgeHandler, importHmacKey, kvRevocationStore, type GrantkitEnv } from '@grantkit/edge';

export { RevocationDurableObject } from '@grantkit/edge';

interface BareEnv extends GrantkitEnv {
  GRANTKIT_SECRET_KEY: string;
}

const handler = createEdgeHandler<BareEnv>();
const kvHandler = createEdgeHandler<BareEnv>({ revocations: (env) => kvRevocationStore(env.GRANTKIT_REVOCATIONS_KV!) });

async function answer(work: () => Promise<unknown>): Promise<Response> {
  try {
    return Response.json({ ok: true, value: await work() });
  } catch (error) {
    if (isGrantkitError(error)) return Response.json({ ok: false, code: error.code });
    throw error;
  }
}

export default {
  async fetch(request: Request, env: BareEnv): Promise<Response> {
    const url = new URL(request.url);
    const key = () => importHmacKey(env.GRANTKIT_SECRET_KEY);
    switch (url.pathname) {
      case '/__runtime': {
        const global = globalThis as Record<string, unknown>;
        return Response.json({
          userAgent: navigator.userAgent,
          // Present only under nodejs_compat: proof that this run has none.
          process: typeof global.process,
          Buffer: typeof global.Buffer,
        });
      }
      case '/__mint': {
        const { grant, timestamp } = await request.json() as { grant: PubNubGrantTokenParameters; timestamp: number };
        return answer(async () => mintToken(grant, await key(), { timestamp }));
      }
      case '/__verify': {
        const { token, now } = await request.json() as { token: string; now: number };
        return answer(async () => {
          const verified = await verifyToken(token, await key(), { now });
          return { id: verified.id, expiresAt: verified.expiresAt, keyIndex: verified.keyIndex, ttl: verified.ttl, authorizedUuid: verified.authorizedUuid ?? null };
        });
      }
      case '/__authorize': {
        const { token, question } = await request.json() as { token: string; question: AuthorizationRequest };
        return answer(async () => authorize(await verifyToken(token, await key(), { ignoreTime: true }), question));
      }
      default:
        return (request.headers.get('x-grantkit-store') === 'kv' ? kvHandler : handler).fetch(request, env);
    }
  },
};

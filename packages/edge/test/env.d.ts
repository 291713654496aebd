// Bindings of the test Worker (wrangler.jsonc + the secrets vitest.config.ts supplies).
declare namespace Cloudflare {
  interface Env {
    GRANTKIT_SUBSCRIBE_KEY: string;
    GRANTKIT_PUBLISH_KEY: string;
    GRANTKIT_SECRET_KEY: string;
    GRANTKIT_PREVIOUS_SECRET_KEYS: string;
    GRANTKIT_KEYSETS: string;
    GRANTKIT_REVOCATIONS: DurableObjectNamespace;
    GRANTKIT_REVOCATIONS_UNAVAILABLE: DurableObjectNamespace;
    GRANTKIT_REVOCATIONS_KV: KVNamespace;
  }
}

declare namespace Cloudflare {
  // Types `exports.default` from cloudflare:workers as the test Worker's default export.
  interface GlobalProps {
    mainModule: typeof import('./worker.js');
  }
}

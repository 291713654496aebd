/** The test keysets, read from the bindings the Worker under test sees. */
import { env } from 'cloudflare:workers';

export const EDGE = {
  subscribeKey: env.GRANTKIT_SUBSCRIBE_KEY,
  publishKey: env.GRANTKIT_PUBLISH_KEY,
  secretKey: env.GRANTKIT_SECRET_KEY,
  previousSecretKeys: env.GRANTKIT_PREVIOUS_SECRET_KEYS.split(',').map((secret) => secret.trim()),
};

const [second] = JSON.parse(env.GRANTKIT_KEYSETS) as Array<{ subscribeKey: string; publishKey: string; secretKey: string }>;
export const SECOND = second!;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

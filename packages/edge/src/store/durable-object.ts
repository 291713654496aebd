/**
 * Revocations in a Durable Object: one object holds the denylist, so a revocation is visible to every later check,
 * everywhere, as soon as `revoke` resolves (strong consistency; the price is a round trip to the object's location on
 * each check). An alarm deletes entries once their tokens have expired.
 *
 * The object speaks a tiny internal HTTP protocol over its stub's `fetch` rather than RPC: RPC needs the base class
 * from `cloudflare:workers`, and importing that module would break this package in every other fetch runtime.
 *
 * @module
 */
import {
  StoreUnavailableError, assertRevocationEntry, assertTokenId, type RevocationStore,
} from '@grantkit/core';
import type { DurableObjectNamespaceLike, DurableObjectStateLike, DurableObjectStorageLike } from '../env.js';

const REVOKED = 'revoked:';
const EXPIRY = 'expiry:';
/** Storage calls take at most 128 keys; each purged revocation is two keys. */
const PURGE_BATCH = 64;
/** Bound one alarm's work; a larger backlog continues in the next alarm. */
const PURGE_BATCHES_PER_ALARM = 16;
const UNIX_SECONDS = /^[0-9]{1,12}$/;
const ORIGIN = 'https://revocations.grantkit.invalid';

/**
 * The Durable Object class that stores revocations. Export it from your Worker's main module and bind it (e.g. as
 * `GRANTKIT_REVOCATIONS`, with a `new_sqlite_classes` migration); then talk to it through
 * {@link durableObjectRevocationStore}, never directly.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * // src/index.ts of your Worker
 * import { createEdgeHandler } from '@grantkit/edge';
 * export { RevocationDurableObject } from '@grantkit/edge';
 * export default createEdgeHandler(); // uses env.GRANTKIT_REVOCATIONS when bound
 * ```
 */
export class RevocationDurableObject {
  readonly #storage: DurableObjectStorageLike;

  /**
   * Called by the Workers runtime.
   *
   * @param state - The object's state.
   * @param _env - The Worker's bindings (unused).
   */
  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.#storage = state.storage;
  }

  /**
   * Handles the store protocol: `PUT /{tokenId}` with the expiry (Unix seconds) as body, `GET /{tokenId}` answering
   * `{"revoked":boolean}`. Bad input gets 400, never 500.
   *
   * @param request - From {@link durableObjectRevocationStore}.
   * @returns The answer.
   */
  async fetch(request: Request): Promise<Response> {
    const tokenId = decodeTokenId(new URL(request.url).pathname.slice(1));
    if (tokenId === undefined) return new Response('invalid token id', { status: 400 });
    if (request.method === 'GET') {
      const revoked = (await this.#storage.get<number>(REVOKED + tokenId)) !== undefined;
      return Response.json({ revoked });
    }
    if (request.method === 'PUT') {
      const body = await request.text();
      if (!UNIX_SECONDS.test(body)) return new Response('invalid expiry', { status: 400 });
      await this.#revoke(tokenId, Number(body));
      return new Response(null, { status: 204 });
    }
    return new Response('method not allowed', { status: 405, headers: { allow: 'GET, PUT' } });
  }

  /**
   * Called by the Workers runtime when the alarm fires: deletes revocations whose tokens have expired, then sets the
   * alarm for the next expiry.
   */
  async alarm(): Promise<void> {
    const now = unixSeconds();
    const end = EXPIRY + pad(now + 1);
    for (let batch = 0; batch < PURGE_BATCHES_PER_ALARM; batch++) {
      const due = await this.#storage.list<string>({ prefix: EXPIRY, end, limit: PURGE_BATCH });
      if (due.size === 0) break;
      const keys: string[] = [];
      for (const [expiryKey, tokenId] of due) keys.push(expiryKey, REVOKED + tokenId);
      await this.#storage.delete(keys);
      if (due.size < PURGE_BATCH) break;
    }
    const [next] = await this.#storage.list<string>({ prefix: EXPIRY, limit: 1 });
    if (next !== undefined) {
      // A backlog left over (next expiry already due) resumes at once; otherwise wake at the next expiry.
      await this.#storage.setAlarm(Math.max(Number(next[0].slice(EXPIRY.length, EXPIRY.length + 12)), now) * 1000);
    }
  }

  async #revoke(tokenId: string, expiresAt: number): Promise<void> {
    if (expiresAt <= unixSeconds()) return;
    const existing = await this.#storage.get<number>(REVOKED + tokenId);
    if (existing !== undefined && existing >= expiresAt) return;
    if (existing !== undefined) await this.#storage.delete([EXPIRY + pad(existing) + ':' + tokenId]);
    await this.#storage.put<number | string>({ [REVOKED + tokenId]: expiresAt, [EXPIRY + pad(expiresAt) + ':' + tokenId]: tokenId });
    const alarm = await this.#storage.getAlarm();
    if (alarm === null || alarm > expiresAt * 1000) await this.#storage.setAlarm(expiresAt * 1000);
  }
}

/**
 * Options of {@link durableObjectRevocationStore}.
 *
 * Exported from `@grantkit/edge`.
 *
 * @example
 * ```ts
 * const options: DurableObjectRevocationStoreOptions = { name: 'tenant-a' };
 * ```
 */
export interface DurableObjectRevocationStoreOptions {
  /**
   * Name of the object instance (`idFromName`). Default `grantkit-revocations`. Use distinct names for independent
   * denylists; keep a name once chosen, since revocations recorded under another name are not consulted.
   */
  name?: string;
}

/**
 * A `RevocationStore` backed by {@link RevocationDurableObject}: strongly consistent, so a revoked token is
 * refused everywhere as soon as `revoke` resolves.
 *
 * Exported from `@grantkit/edge`.
 *
 * @param namespace - The Durable Object namespace bound to {@link RevocationDurableObject}.
 * @param options - Instance name.
 * @returns The store. It rejects with `StoreUnavailableError` `ERR_STORE_UNAVAILABLE` when the object cannot
 *   answer, so authorization fails closed, and after `close()` (which releases nothing: the binding belongs to the
 *   runtime); with `RequestInvalidError` `ERR_REQUEST_INVALID` for an id `assertTokenId` refuses.
 * @example
 * ```ts
 * import { createEdgeHandler, durableObjectRevocationStore } from '@grantkit/edge';
 * export { RevocationDurableObject } from '@grantkit/edge';
 * export default createEdgeHandler({ revocations: (env) => durableObjectRevocationStore(env.GRANTKIT_REVOCATIONS!) });
 * ```
 */
export function durableObjectRevocationStore(
  namespace: DurableObjectNamespaceLike,
  options: DurableObjectRevocationStoreOptions = {},
): RevocationStore {
  const id = namespace.idFromName(options.name ?? 'grantkit-revocations');
  let closed = false;

  async function call(method: 'GET' | 'PUT', tokenId: string, body?: string): Promise<Response> {
    if (closed) throw new StoreUnavailableError('the revocation Durable Object store is closed');
    let response: Response;
    try {
      // A fresh stub per call: a stub that saw an error may stay broken.
      response = await namespace.get(id).fetch(new Request(`${ORIGIN}/${encodeURIComponent(tokenId)}`, {
        method,
        ...(body === undefined ? {} : { body }),
      }));
    } catch (cause) {
      throw new StoreUnavailableError('the revocation Durable Object is unreachable', { cause });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new StoreUnavailableError(`the revocation Durable Object answered ${response.status}`);
    }
    return response;
  }

  return Object.freeze({
    async revoke(tokenId: string, expiresAt: number): Promise<void> {
      assertRevocationEntry(tokenId, expiresAt);
      const response = await call('PUT', tokenId, String(expiresAt));
      await response.body?.cancel();
    },
    async isRevoked(tokenId: string): Promise<boolean> {
      assertTokenId(tokenId);
      const response = await call('GET', tokenId);
      let answer: unknown;
      try {
        answer = await response.json();
      } catch (cause) {
        throw new StoreUnavailableError('the revocation Durable Object sent an unreadable answer', { cause });
      }
      const revoked = (answer as { revoked?: unknown } | null)?.revoked;
      if (typeof revoked !== 'boolean') throw new StoreUnavailableError('the revocation Durable Object sent an unreadable answer');
      return revoked;
    },
    close(): void {
      closed = true;
    },
  });
}

/** The id in a request path, checked by core's one rule (the object also refuses ids that bypassed the client). */
function decodeTokenId(segment: string): string | undefined {
  try {
    const tokenId = decodeURIComponent(segment);
    assertTokenId(tokenId);
    return tokenId;
  } catch {
    return undefined;
  }
}

function pad(seconds: number): string {
  return String(seconds).padStart(12, '0');
}

function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

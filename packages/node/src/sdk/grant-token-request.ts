/**
 * The builder chain of `grantToken()`: the Python and Kotlin SDKs' `grant_token().ttl(15).channels([...]).sync()`
 * made awaitable. Each step returns a new builder (so a partly built request can be reused as a template); awaiting
 * it sends the grant.
 *
 * @module
 */
import type {
  ChannelGrant, GrantTokenOptions, GroupGrant, MetaValue, SpaceGrant, UserGrant, UuidGrant,
} from '@grantkit/core';

/**
 * What an awaited builder chain resolves to: `result.token`, as the SDKs' builder results.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * const result: GrantTokenResult = await accessManager.grantToken().ttl(15).channels([Channel.id('a').read()]);
 * result.token;
 * ```
 */
export interface GrantTokenResult {
  /** The token (padded base64url). */
  token: string;
}

/**
 * How a builder runs; supplied by `AccessManager`.
 *
 * @internal
 */
export interface GrantRunner {
  run(options: GrantTokenOptions): Promise<string>;
  runSync(options: GrantTokenOptions): string;
}

type State = Partial<GrantTokenOptions>;

/**
 * A grant being built. Await it (or call `.sync()` in local mode) to mint the token.
 *
 * Exported from `@grantkit/node`.
 *
 * @example
 * ```ts
 * import { Channel, Group, UUID } from '@grantkit/core';
 * const { token } = await accessManager.grantToken()
 *   .ttl(15)
 *   .authorizedUuid('alice')
 *   .channels([Channel.id('room-1').read().write(), Channel.pattern('^lobby-.*$').read()])
 *   .groups([Group.id('cg-rooms').read()])
 *   .uuids([UUID.id('alice').get().update()])
 *   .meta({ role: 'member' });
 * ```
 */
export class GrantTokenRequest implements PromiseLike<GrantTokenResult> {
  readonly #runner: GrantRunner;
  readonly #state: State;

  /**
   * Builders come from `accessManager.grantToken()`.
   *
   * @internal
   */
  constructor(runner: GrantRunner, state: State = {}) {
    this.#runner = runner;
    this.#state = Object.freeze({ ...state });
  }

  /** Lifetime in minutes, 1..43,200. */
  ttl(minutes: number): GrantTokenRequest {
    return this.#with({ ttl: minutes });
  }

  /** Binds the token to one uuid (`authorized_uuid`). */
  authorizedUuid(uuid: string): GrantTokenRequest {
    return this.#with({ authorizedUuid: uuid });
  }

  /** App Context name of {@link GrantTokenRequest.authorizedUuid}. */
  authorizedUserId(userId: string): GrantTokenRequest {
    return this.#with({ authorizedUserId: userId });
  }

  /** Adds channel grants (`Channel.id(...)`, `Channel.pattern(...)`). */
  channels(grants: readonly ChannelGrant[]): GrantTokenRequest {
    return this.#with({ channels: [...(this.#state.channels ?? []), ...grants] });
  }

  /** Adds channel group grants. */
  groups(grants: readonly GroupGrant[]): GrantTokenRequest {
    return this.#with({ groups: [...(this.#state.groups ?? []), ...grants] });
  }

  /** Adds uuid grants. */
  uuids(grants: readonly UuidGrant[]): GrantTokenRequest {
    return this.#with({ uuids: [...(this.#state.uuids ?? []), ...grants] });
  }

  /** Adds space grants (App Context name of channels). */
  spaces(grants: readonly SpaceGrant[]): GrantTokenRequest {
    return this.#with({ spaces: [...(this.#state.spaces ?? []), ...grants] });
  }

  /** Adds user grants (App Context name of uuids). */
  users(grants: readonly UserGrant[]): GrantTokenRequest {
    return this.#with({ users: [...(this.#state.users ?? []), ...grants] });
  }

  /** Sets scalar metadata carried in the token (replaces earlier `meta`). */
  meta(meta: Record<string, MetaValue>): GrantTokenRequest {
    return this.#with({ meta: { ...meta } });
  }

  /** The named-arguments form of this request. */
  toOptions(): GrantTokenOptions {
    return { ...this.#state } as GrantTokenOptions;
  }

  /**
   * Mints now, synchronously. Local mode only (remote mode must await).
   * @throws `AccessManagerError` (`ERR_GRANT_INVALID`, `ERR_PATTERN_INVALID`, ...; `ERR_REQUEST_INVALID` in remote mode).
   */
  sync(): GrantTokenResult {
    return { token: this.#runner.runSync(this.toOptions()) };
  }

  /** Sends the grant. Every `await` sends it again. */
  then<Fulfilled = GrantTokenResult, Rejected = never>(
    onFulfilled?: ((value: GrantTokenResult) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#runner.run(this.toOptions()).then((token) => ({ token })).then(onFulfilled, onRejected);
  }

  /** Sends the grant and handles its failure. */
  catch<Rejected = never>(onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null): Promise<GrantTokenResult | Rejected> {
    return this.then(undefined, onRejected);
  }

  #with(patch: State): GrantTokenRequest {
    return new GrantTokenRequest(this.#runner, { ...this.#state, ...patch });
  }
}

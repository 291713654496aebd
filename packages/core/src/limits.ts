/**
 * Documented caps, each with its source. PubNub documents one budget: an HTTP request *including its token* must fit
 * 32 KiB (its migration guide). The request body cap and the token length cap follow from it and apply in both
 * validation modes, as do the decoder's bounds (which keep decoding an untrusted token cheap). The entry, name and
 * meta caps are grantkit's own: only `strict` validation enforces them (PubNub enforces none of them), and
 * `lintGrant` warns about them in both modes.
 *
 * @module
 */

// The two caps the decoder needs, as plain constants so a decode-only bundle does not carry the whole table.
/** @internal */
export const MAX_TOKEN_LENGTH = 24_576;
/** @internal */
export const MAX_DEPTH = 8;
/** @internal */
export const MIN_TTL = 1;
/** @internal */
export const MAX_TTL = 43_200;

/**
 * The caps grantkit enforces when granting and when decoding.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (token.length > LIMITS.maxTokenLength) reject();
 * ```
 */
export const LIMITS = /* @__PURE__ */ Object.freeze({
  /** Minimum ttl, minutes. */
  minTtl: MIN_TTL,
  /** Maximum ttl, minutes (30 days), as PubNub. Verification refuses a token outside `minTtl..maxTtl`. Both modes. */
  maxTtl: MAX_TTL,
  /**
   * Maximum token text length (base64url characters), checked before decoding and when minting. Source: PubNub's
   * 32 KiB request budget; 24 KiB leaves 8 KiB of it for the rest of a request that carries the token. Both modes.
   */
  maxTokenLength: MAX_TOKEN_LENGTH,
  /** `strict` only (grantkit's cap; PubNub has none): resource + pattern entries in one grant, across all slots. */
  maxEntries: 500,
  /**
   * Length of a resource name or authorized uuid, UTF-16 units. At grant a `strict` rule only (grantkit's cap; PubNub
   * has none). Names asked about are capped in both modes: `authorize` grants nothing on a longer one, which bounds a
   * pattern search (PubNub's own channel names are at most 92 characters).
   */
  maxNameLength: 256,
  /** Both modes (grantkit's pattern cost bound; PubNub's is not published): length of a RegEx pattern's source. */
  maxPatternLength: 256,
  /** Both modes (grantkit's pattern cost bound): size of a compiled pattern program (RE2 instructions). */
  maxPatternProgramSize: 2_000,
  /**
   * Maximum states of one pattern's matcher (a DFA built when the pattern is compiled). `^[ab]*a[ab]{20}$` needs two
   * million and is refused; `^[a-z]{1,64}$` needs 66.
   */
  maxPatternStates: 1_024,
  /**
   * Maximum cost of compiling one pattern, in pattern budget units (about one step of building its matcher: tens of
   * nanoseconds of CPU). Typical patterns cost 500–3,000.
   */
  maxPatternCost: 50_000,
  /**
   * Maximum cost of all the patterns of one grant, or of those one authorization consults in a token (each pattern's
   * consult cost, each distinct matcher once): the bound on what a token's patterns can cost a server that meets them
   * for the first time (under 10 ms of CPU on a current server core; see docs/security.md for the measured figures).
   */
  maxTotalPatternCost: 250_000,
  /** `strict` only (grantkit's cap; PubNub has none): number of `meta` entries. */
  maxMetaEntries: 64,
  /** `strict` only (grantkit's cap; PubNub has none): length of a `meta` key or string value. */
  maxMetaStringLength: 1_024,
  /**
   * Both modes (the decoder's depth bound, `maxDepth`, less the token map and `meta` itself): keys or indices on the
   * longest path below `meta`, so `meta.a.b.c.d.e.f` is the deepest value a token can carry.
   */
  maxMetaDepth: MAX_DEPTH - 2,
  /** Both modes: CBOR nesting depth accepted when decoding (a token needs 4; the rest is for nested meta). */
  maxDepth: MAX_DEPTH,
  /** Both modes: grant request body size in bytes for the REST service. Source: PubNub's 32 KiB request budget. */
  maxRequestBodyBytes: 32_768,
});

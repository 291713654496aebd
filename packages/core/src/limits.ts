/**
 * Documented caps. PubNub's migration guide requires an HTTP request *including its token* to fit 32 KiB; every cap
 * here is chosen so a maximal token still leaves room for the rest of the request, and so decoding an untrusted token
 * costs bounded time and memory.
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
  /** Maximum ttl, minutes (30 days), as PubNub. Verification refuses a token outside `minTtl..maxTtl`. */
  maxTtl: MAX_TTL,
  /** Maximum token text length (base64url characters), checked before decoding: 24 KiB leaves 8 KiB of a 32 KiB request. */
  maxTokenLength: MAX_TOKEN_LENGTH,
  /** Maximum resource + pattern entries in one token, across all slots. */
  maxEntries: 500,
  /**
   * Maximum length of a resource name or authorized uuid, in UTF-16 code units (PubNub names are at most 92). Names
   * asked about are capped alike: `authorize` grants nothing on a longer one, which bounds a pattern search.
   */
  maxNameLength: 256,
  /** Maximum length of a RegEx pattern's source. */
  maxPatternLength: 256,
  /** Maximum size of a compiled pattern program (RE2 instructions), checked before the matcher is built. */
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
   * Maximum cost of all the patterns of one grant, or of those one authorization consults in a token: the bound on
   * what a token's patterns can cost a server that meets them for the first time (under 10 ms of CPU on a current
   * server core; see docs/security.md for the measured figures).
   */
  maxTotalPatternCost: 250_000,
  /** Maximum number of `meta` entries. */
  maxMetaEntries: 64,
  /** Maximum length of a `meta` key or string value. */
  maxMetaStringLength: 1_024,
  /** Maximum CBOR nesting depth accepted when decoding (a token needs 4; the rest allows nested meta from other issuers). */
  maxDepth: MAX_DEPTH,
  /** Maximum grant request body size in bytes for the REST service. */
  maxRequestBodyBytes: 32_768,
});

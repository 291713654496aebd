/**
 * The two grant validation modes, on their own so configuration readers need not import the validator.
 *
 * @module
 */

/**
 * How strictly grants are checked: `pubnub` (default) as PubNub's service does, `strict` with grantkit's documented
 * rules on top (see `validateGrant`).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const mode: ValidationMode = 'strict';
 * ```
 */
export type ValidationMode = 'pubnub' | 'strict';

/**
 * The validation modes, for parsing configuration.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * VALIDATION_MODES.includes(process.env.GRANTKIT_VALIDATION as ValidationMode);
 * ```
 */
export const VALIDATION_MODES: readonly ValidationMode[] = /* @__PURE__ */ Object.freeze(['pubnub', 'strict']);

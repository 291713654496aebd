/**
 * Well-formed text: a string with no lone UTF-16 surrogate. Encoding one as UTF-8 silently replaces it with U+FFFD,
 * so two different names (`"a\ud800"`, `"a\udbff"`) would become one key in a token, and a token bound to one uuid
 * would authorize another. Everything that enters a token or an authorization is checked here, once.
 *
 * @internal
 */

// `String.prototype.isWellFormed` (ES2024) is native in Node ≥ 20, workerd and current browsers; the pattern is the
// fallback for older engines.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const native = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

/** Whether `text` holds no lone surrogate, so it encodes to UTF-8 and back unchanged. @internal */
export function isWellFormed(text: string): boolean {
  return native !== undefined ? native.call(text) : !LONE_SURROGATE.test(text);
}

/** The refusal of text that is not well-formed, after the name of the field. @internal */
export const ILL_FORMED = 'must be well-formed Unicode (it holds a lone UTF-16 surrogate)';

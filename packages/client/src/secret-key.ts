/**
 * Refusing secret keys. A PubNub secret key (`sec-c-…`) signs grants; in a browser it hands every visitor full
 * control of the keyset. The client throws the moment one shows up, and never echoes it.
 *
 * @module
 */
import { KeyInvalidError } from '@grantkit/core';

const SECRET_PREFIX = 'sec-c-';

/**
 * Throws when `value` is (or, for URLs, contains) a secret key. The message names the field, never the value.
 *
 * Exported from `@grantkit/client`.
 *
 * @param value - Anything an app passed where a token or option was expected.
 * @param field - Name of the argument or option, used in the message.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID` when `value` is a secret key.
 * @example
 * ```ts
 * refuseSecretKey(userInput, 'token'); // throws for 'sec-c-…'
 * ```
 */
export function refuseSecretKey(value: unknown, field: string): void {
  const text = value instanceof URL ? value.href : value;
  // A URL may carry a secret in its query (`?secret=sec-c-…`); a token is base64url and only ever starts with one
  // by mistake.
  if (typeof text === 'string' && (field.endsWith('Url') ? text.includes(SECRET_PREFIX) : text.startsWith(SECRET_PREFIX))) {
    throw secretKeyError(field);
  }
}

/**
 * Refuses an options object that names a secret key option or carries a secret key in any string option.
 *
 * @param options - Options as the app passed them.
 * @throws `KeyInvalidError` `ERR_KEY_INVALID`.
 * @internal
 */
export function refuseSecretOptions(options: object): void {
  for (const [name, value] of Object.entries(options)) {
    if (name === 'secretKey') throw secretKeyError(name);
    refuseSecretKey(value, name);
  }
}

function secretKeyError(field: string): KeyInvalidError {
  return new KeyInvalidError(`${field} is a secret key (sec-c-…): keep it on your server`, {
    field,
  });
}

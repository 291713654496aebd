/**
 * One decision for a whole request: every check of the operation must pass. The answer names every failing check
 * with its reason and, for each passing one, the grant entry that matched. Pure and synchronous: verifying the token
 * and looking up revocation are the caller's (see `createOperationGuard`).
 *
 * @module
 */
import { authorize } from '../authorize/authorize.js';
import type { DenyReason, GrantMatchInfo, ResourceRef } from '../authorize/decision.js';
import type { TokenPayload } from '../token/reader.js';
import type { OperationName } from './catalog.js';
import type { MatchedOperation, PermissionCheck } from './match-request.js';

/**
 * What the request presented, once looked at: a request signed with the secret key, no token, a token that could not
 * be used, or a decoded token (with whether its signature was verified and whether it is revoked).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const credential: PresentedCredential = { kind: 'token', token: verified, signature: 'verified', revoked: false };
 * ```
 */
export type PresentedCredential =
  | { kind: 'secret-key' }
  | { kind: 'none' }
  | { kind: 'invalid'; reason: 'malformed' | 'signature-invalid' }
  | {
    kind: 'token';
    token: TokenPayload;
    /** `verified` by this keyset's secret, or `unverified`: decoded only (explaining a token another issuer signed). */
    signature: 'verified' | 'unverified';
    revoked: boolean;
  };

/**
 * Why one check failed: the token-level reasons (`missing`, `malformed`, `signature-invalid`, `revoked`, `expired`,
 * `not-yet-valid`, `uuid-mismatch`) apply to every check of the request; `no-grant` and `permission-missing` are the
 * check's own.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const reason: CheckDenyReason = 'permission-missing';
 * ```
 */
export type CheckDenyReason = DenyReason | 'missing' | 'malformed' | 'signature-invalid';

/**
 * One check with its outcome.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const outcome: CheckOutcome = { resource: 'channel', name: 'a', permission: 'write', allowed: true, reason: 'granted',
 *   message: "'write' on channel 'a' granted", match: { source: 'resources', type: 'channels', key: 'a', mask: 3 } };
 * ```
 */
export interface CheckOutcome extends PermissionCheck {
  allowed: boolean;
  reason: 'granted' | CheckDenyReason;
  message: string;
  /** The entry that granted the permission, or the one that matched the name but lacked the permission. */
  match?: GrantMatchInfo;
}

/**
 * The reason of a whole-request decision: `granted` (every check passed), `open` (the operation needs no permission),
 * `secret-key` (signed by the keyset's secret), a check's reason (the first failing check's), or one of the
 * operation-level refusals: `unknown-operation`, `no-resource` (a token operation naming nothing to check),
 * `secret-key-required`, `keyset-disallows`.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (decision.reason === 'expired') refreshToken();
 * ```
 */
export type OperationDecisionReason =
  | 'granted' | 'open' | 'secret-key' | CheckDenyReason
  | 'unknown-operation' | 'no-resource' | 'secret-key-required' | 'keyset-disallows';

/**
 * The decision for a whole request.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * if (!decision.allowed) for (const failure of decision.failures) console.log(failure.name, failure.reason);
 * ```
 */
export interface OperationDecision {
  allowed: boolean;
  /** The operation, or `unknown`. */
  operation: OperationName | 'unknown';
  reason: OperationDecisionReason;
  /** One sentence, safe to log (no token). */
  message: string;
  /** Every check with its outcome, in request order. */
  checks: CheckOutcome[];
  /** The failing checks (a subset of `checks`). */
  failures: CheckOutcome[];
  /** Whether the token's signature was verified; `unverified` decisions say what *would* be allowed. */
  signature?: 'verified' | 'unverified';
}

/**
 * Keyset-level settings that decide some operations instead of a token.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: DecideOperationOptions = { uuid: 'alice', allowGetAllChannelMetadata: true };
 * ```
 */
export interface DecideOperationOptions {
  /** The requesting uuid. Default: the request's `uuid` query parameter. */
  uuid?: string;
  /** Unix seconds. Default now. */
  now?: number;
  /** Seconds a token's issue time may lie in the future. Default 60. */
  clockSkew?: number;
  /** PubNub's App Context option "Disallow Get All User Metadata" unchecked. Default false (disallowed). */
  allowGetAllUuidMetadata?: boolean;
  /** PubNub's App Context option "Disallow Get All Channel Metadata" unchecked. Default false (disallowed). */
  allowGetAllChannelMetadata?: boolean;
}

const TOKEN_FAILURES: Record<'missing' | 'malformed' | 'signature-invalid', string> = {
  missing: 'No token: send it as the auth query parameter',
  malformed: 'Token is malformed',
  'signature-invalid': 'Token is not signed by this keyset',
};

/**
 * Decides a whole request: all checks must pass. Operations PubNub lists as "None required" pass without a token; a
 * request signed with the secret key passes everything; anything else needs a token granting every check.
 *
 * Exported from `@grantkit/core`.
 *
 * @param matched - The request as {@link matchOperation} recognised it (an unknown operation is denied).
 * @param credential - What the request presented.
 * @param options - The requesting uuid, time, keyset settings.
 * @returns The decision; never throws for a denial.
 * @example
 * ```ts
 * const matched = matchOperation({ method: 'GET', path, query });
 * const decision = decideOperation(matched, { kind: 'token', token: verified, signature: 'verified', revoked: false });
 * ```
 */
export function decideOperation(
  matched: MatchedOperation | { known: false; message: string },
  credential: PresentedCredential,
  options: DecideOperationOptions = {},
): OperationDecision {
  if (!matched.known) {
    return { allowed: false, operation: 'unknown', reason: 'unknown-operation', message: matched.message, checks: [], failures: [] };
  }
  const { operation } = matched;
  const base = { operation: operation.name, checks: [] as CheckOutcome[], failures: [] as CheckOutcome[] };
  if (credential.kind === 'secret-key') {
    return { ...base, allowed: true, reason: 'secret-key', message: `${operation.title}: signed with the secret key`, checks: matched.checks.map(passBySecret) };
  }
  switch (operation.access) {
    case 'open':
      return { ...base, allowed: true, reason: 'open', message: `${operation.title} needs no permission` };
    case 'secret-key':
      return { ...base, allowed: false, reason: 'secret-key-required', message: `${operation.title} needs a request signed with the secret key; no token grants it` };
    case 'keyset-setting': {
      const allowed = operation.name === 'get-all-uuid-metadata' ? options.allowGetAllUuidMetadata === true : options.allowGetAllChannelMetadata === true;
      return allowed
        ? { ...base, allowed: true, reason: 'open', message: `${operation.title} is allowed by the keyset` }
        : { ...base, allowed: false, reason: 'keyset-disallows', message: `${operation.title} is disallowed by the keyset ("Disallow Get All ... Metadata")` };
    }
    default:
      break;
  }
  if (matched.checks.length === 0) {
    return { ...base, allowed: false, reason: 'no-resource', message: `${operation.title} names no resource to check` };
  }
  const uuid = options.uuid ?? matched.uuid;
  const checks = matched.checks.map((check): CheckOutcome => {
    if (credential.kind !== 'token') {
      const reason = credential.kind === 'none' ? 'missing' : credential.reason;
      return { ...check, allowed: false, reason, message: TOKEN_FAILURES[reason] };
    }
    const decision = authorize(credential.token, {
      ...(uuid === undefined ? {} : { uuid }),
      resource: { [check.resource]: check.name } as ResourceRef,
      permission: check.permission,
      revoked: credential.revoked,
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.clockSkew === undefined ? {} : { clockSkew: options.clockSkew }),
    });
    return { ...check, allowed: decision.allowed, reason: decision.reason, message: decision.message, ...(decision.match === undefined ? {} : { match: decision.match }) };
  });
  const failures = checks.filter((check) => !check.allowed);
  const signature = credential.kind === 'token' ? { signature: credential.signature } : {};
  if (failures.length === 0) {
    return { ...base, ...signature, allowed: true, reason: 'granted', message: `${operation.title}: all ${checks.length} check(s) granted`, checks, failures };
  }
  const first = failures[0]!;
  const message = failures.length === 1 ? first.message : `${first.message} (and ${failures.length - 1} more failing check(s))`;
  return { ...base, ...signature, allowed: false, reason: first.reason as CheckDenyReason, message, checks, failures };
}

function passBySecret(check: PermissionCheck): CheckOutcome {
  return { ...check, allowed: true, reason: 'granted', message: `'${check.permission}' on ${check.resource} '${check.name}': signed with the secret key` };
}

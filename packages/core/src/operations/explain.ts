/**
 * Explaining any token against an operation: a grantkit token (its signature verified with the keyset) or a token
 * PubNub's cloud issued (its signature cannot be verified here: say so, and still evaluate ttl, uuid and grants). The
 * answer is the whole-request decision plus hints saying what would fix each denial.
 *
 * @module
 */
import { authorize } from '../authorize/authorize.js';
import type { ResourceRef } from '../authorize/decision.js';
import { compilePattern, isAnchored, looksLikePattern } from '../authorize/patterns.js';
import { isGrantkitError } from '../errors.js';
import { permissionNames, type ResourceType } from '../permissions.js';
import type { HmacKey } from '../ports.js';
import { decodeToken, tokenExpiresAt, tokenId, type TokenPayload } from '../token/reader.js';
import { verifyToken } from '../token/verify.js';
import type { OperationName } from './catalog.js';
import { decideOperation, type CheckOutcome, type DecideOperationOptions, type OperationDecision } from './decide-operation.js';
import {
  matchOperation, operationRequest, type MatchedOperation, type OperationResources, type PermissionCheck, type UnknownOperation,
} from './match-request.js';

/**
 * What to explain a token against: a REST URL (or path with query) as an SDK sends it, optionally with its method
 * and body, or an operation name with the resources it touches.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const byUrl: ExplainTarget = { url: 'https://ps.pndsn.com/v2/subscribe/sub-c-1/a,a-pnpres/0?uuid=alice' };
 * const byName: ExplainTarget = { operation: 'publish', channels: ['room-1'] };
 * ```
 */
export type ExplainTarget =
  | { url: string; method?: string; body?: string }
  | ({ operation: OperationName } & Partial<OperationResources>);

/**
 * Options of {@link explainToken}.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const options: ExplainOptions = { uuid: 'alice', keys: [key] };
 * ```
 */
export interface ExplainOptions extends DecideOperationOptions {
  /** The keyset's keys (current first). Without them the signature is not checked. */
  keys?: readonly HmacKey[];
  /** Whether the token is on the revocation list, when the caller looked it up. Default false. */
  revoked?: boolean;
}

/**
 * A hint saying what would fix a denial (or why an allow is broader than it looks).
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const hint: DenialHint = { code: 'presence-channel-not-granted', check, message: "grant 'read' on 'a-pnpres' too" };
 * ```
 */
export interface DenialHint {
  code:
    | 'literal-looks-like-pattern' | 'pattern-unanchored' | 'presence-channel-not-granted' | 'granted-as-other-type'
    | 'permission-missing' | 'not-granted' | 'uuid-mismatch' | 'expired' | 'not-yet-valid' | 'revoked'
    | 'signature-unverified' | 'secret-key-required' | 'keyset-disallows' | 'unknown-operation';
  check?: PermissionCheck;
  message: string;
}

/**
 * The explanation.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const { signature, decision, hints } = await explainToken(token, { operation: 'publish', channels: ['a'] }, { uuid: 'alice' });
 * ```
 */
export interface TokenExplanation {
  /** `verified` with the given keys, `invalid` (not signed by them: another keyset, or PubNub's cloud), or `not-checked`. */
  signature: 'verified' | 'invalid' | 'not-checked';
  /** What the token says about itself. */
  token: { issuedAt: number; expiresAt: number; ttl: number; authorizedUuid?: string; id: string };
  /** The request as recognised. */
  request: MatchedOperation | UnknownOperation;
  /** The decision on the token's contents (ttl, uuid, grants); see `enforced` for what a grantkit service answers. */
  decision: OperationDecision;
  /** Whether `grantkit serve` with these keys would allow the request: false also when the signature is `invalid`. */
  enforced: boolean | 'signature-not-checked';
  hints: DenialHint[];
}

const SLOTS: Record<PermissionCheck['resource'], readonly ResourceType[]> = {
  channel: ['channels', 'spaces'],
  group: ['groups'],
  uuid: ['uuids', 'users'],
};

/**
 * Explains a token against one request or operation: the same decision `grantkit serve --upstream` takes, with the
 * signature status and hints. PubNub-issued tokens are evaluated too; their signature is reported `invalid` (with
 * keys) or `not-checked` (without).
 *
 * Exported from `@grantkit/core`.
 *
 * @param token - The token text.
 * @param target - A REST URL or an operation with its resources.
 * @param options - The requesting uuid, keys, time, revocation, keyset settings.
 * @returns The explanation.
 * @throws `TokenMalformedError` `ERR_TOKEN_MALFORMED` when the token cannot be decoded; `RequestInvalidError`
 *   `ERR_REQUEST_INVALID` for a URL that is not valid.
 * @example
 * ```ts
 * const explanation = await explainToken(token, { url: '/publish/pub-c-1/sub-c-1/0/room-1/0/%22hi%22' }, { uuid: 'alice', keys: [key] });
 * explanation.decision.allowed; // true or false, with explanation.hints saying why
 * ```
 */
export async function explainToken(token: string, target: ExplainTarget, options: ExplainOptions = {}): Promise<TokenExplanation> {
  const payload: TokenPayload = decodeToken(token);
  let signature: TokenExplanation['signature'] = 'not-checked';
  if (options.keys !== undefined && options.keys.length > 0) {
    try {
      await verifyToken(token, options.keys, { ignoreTime: true });
      signature = 'verified';
    } catch (error) {
      if (!isGrantkitError(error) || error.code !== 'ERR_TOKEN_SIGNATURE_INVALID') throw error;
      signature = 'invalid';
    }
  }
  let request: MatchedOperation | UnknownOperation;
  if ('url' in target) {
    const url = new URL(target.url, 'http://localhost');
    request = matchOperation({ method: target.method ?? 'GET', path: url.pathname, query: url.searchParams, ...(target.body === undefined ? {} : { body: target.body }) });
  } else {
    const { operation, ...named } = target;
    request = operationRequest(operation, named, options.uuid === undefined ? {} : { uuid: options.uuid });
  }
  const decision = decideOperation(request, {
    kind: 'token', token: payload, signature: signature === 'verified' ? 'verified' : 'unverified', revoked: options.revoked === true,
  }, options);
  const hints = hintsFor(payload, decision, request, options);
  if (signature !== 'verified') {
    hints.unshift({
      code: 'signature-unverified',
      message: signature === 'invalid'
        ? 'The signature does not match these keys (a token from another keyset, or from PubNub\'s cloud, cannot be verified here): the decision shows what its contents allow; a grantkit service would refuse it.'
        : 'The signature was not checked (no keys given): the decision shows what the contents allow.',
    });
  }
  const expiresAt = tokenExpiresAt(payload);
  return {
    signature,
    token: {
      issuedAt: payload.timestamp, expiresAt, ttl: payload.ttl, id: tokenId(payload),
      ...(payload.authorizedUuid === undefined ? {} : { authorizedUuid: payload.authorizedUuid }),
    },
    request,
    decision,
    enforced: signature === 'not-checked' ? 'signature-not-checked' : signature === 'verified' && decision.allowed,
    hints,
  };
}

function hintsFor(token: TokenPayload, decision: OperationDecision, request: MatchedOperation | UnknownOperation, options: ExplainOptions): DenialHint[] {
  const hints: DenialHint[] = [];
  switch (decision.reason) {
    case 'unknown-operation':
      return [{ code: 'unknown-operation', message: `${decision.message}: grantkit denies requests it cannot map to a PubNub operation` }];
    case 'secret-key-required':
      return [{ code: 'secret-key-required', message: 'Only your server, signing with the secret key, can call this operation' }];
    case 'keyset-disallows':
      return [{ code: 'keyset-disallows', message: 'Allow it for the keyset (allowGetAll...Metadata, PubNub\'s "Disallow Get All ... Metadata" unchecked) or call it from your server' }];
    case 'expired':
      return [{ code: 'expired', message: `The token expired at ${new Date(tokenExpiresAt(token) * 1000).toISOString()}: have the client fetch a new one (ttl ${token.ttl} min)` }];
    case 'not-yet-valid':
      return [{ code: 'not-yet-valid', message: `The token is issued in the future (${new Date(token.timestamp * 1000).toISOString()}): check the issuer's clock` }];
    case 'revoked':
      return [{ code: 'revoked', message: 'The token was revoked: issue a new one' }];
    case 'uuid-mismatch': {
      const uuid = options.uuid ?? (request.known ? request.uuid : undefined);
      return [{
        code: 'uuid-mismatch',
        message: `The token is bound to uuid '${token.authorizedUuid}' but the request is made as ${uuid === undefined ? 'no uuid' : `'${uuid}'`}: set the client's userId to '${token.authorizedUuid}' or grant with authorized_uuid '${uuid ?? ''}'`,
      }];
    }
    default:
      break;
  }
  for (const check of decision.checks) {
    if (check.allowed) {
      if (check.match?.source === 'patterns' && !isAnchored(check.match.key)) {
        hints.push({
          check: strip(check), code: 'pattern-unanchored',
          message: `Allowed by pattern '${check.match.key}', which is not anchored with ^...$ and matches anywhere in a name: it also grants names you may not mean`,
        });
      }
      continue;
    }
    hints.push(failureHint(token, check, options));
  }
  return hints;
}

function failureHint(token: TokenPayload, check: CheckOutcome, options: ExplainOptions): DenialHint {
  const subject = `${check.resource} '${check.name}'`;
  const base = strip(check);
  if (check.reason === 'permission-missing' && check.match !== undefined) {
    const has = permissionNames(check.match.mask).join(', ') || 'nothing';
    return {
      check: base, code: 'permission-missing',
      message: `${check.match.source === 'patterns' ? 'Pattern' : 'Entry'} '${check.match.key}' (${check.match.type}) matches ${subject} but grants only ${has}: add '${check.permission}'`,
    };
  }
  if (check.name.endsWith('-pnpres')) {
    const base_ = check.name.slice(0, -'-pnpres'.length);
    const onBase = authorize(token, {
      resource: { [check.resource]: base_ } as ResourceRef, permission: check.permission,
      ...(options.now === undefined ? {} : { now: options.now }), ...(token.authorizedUuid === undefined ? {} : { uuid: token.authorizedUuid }),
    });
    if (onBase.allowed) {
      return {
        check: base, code: 'presence-channel-not-granted',
        message: `'${base_}' is granted but its presence ${check.resource} '${check.name}' is not: grant '${check.permission}' on '${check.name}' too, or a pattern such as ^${escapeRegExp(base_)}(-pnpres)?$`,
      };
    }
  }
  for (const type of SLOTS[check.resource]) {
    for (const key of Object.keys(token.resources[type])) {
      if (!looksLikePattern(key) || !safeTest(key, check.name)) continue;
      return {
        check: base, code: 'literal-looks-like-pattern',
        message: `'${key}' is granted as an exact name, so it grants only the name '${key}' itself: grant it as a pattern (patterns.${type}) to match '${check.name}'`,
      };
    }
  }
  for (const [resource, types] of Object.entries(SLOTS)) {
    if (resource === check.resource) continue;
    for (const type of types) {
      if (Object.hasOwn(token.resources[type], check.name)) {
        return {
          check: base, code: 'granted-as-other-type',
          message: `'${check.name}' is granted as a ${resource} (${type}), but this operation needs it as a ${check.resource}`,
        };
      }
    }
  }
  return {
    check: base, code: 'not-granted',
    message: `Nothing in the token matches ${subject}: grant '${check.permission}' on it, exactly or through a pattern`,
  };
}

function safeTest(source: string, name: string): boolean {
  try {
    return compilePattern(source).test(name);
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function strip(check: CheckOutcome): PermissionCheck {
  return { resource: check.resource, name: check.name, permission: check.permission };
}

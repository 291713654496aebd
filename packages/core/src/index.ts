/**
 * `@grantkit/core`: the pure heart of grantkit. PubNub Access Manager v3 compatible tokens (CBOR + HMAC-SHA256),
 * permissions, grant validation, RegEx patterns, the authorization decision and signature v2, with no Node, DOM or
 * Workers APIs. Runtimes plug crypto in through {@link HmacKey} (see `@grantkit/node`, `@grantkit/edge`).
 *
 * @example
 * ```ts
 * import { Channel, mintToken, verifyToken, authorize, parseToken } from '@grantkit/core';
 * const token = mintToken({ ttl: 15, authorizedUuid: 'alice', channels: [Channel.id('room-1').read()] }, key);
 * const verified = verifyToken(token, key);
 * authorize(verified, { uuid: 'alice', resource: { channel: 'room-1' }, permission: 'read' }).allowed; // true
 * ```
 *
 * @module
 */
export {
  GrantkitError, TokenMalformedError, TokenSignatureInvalidError, TokenExpiredError, TokenNotYetValidError,
  TokenRevokedError, GrantInvalidError, PatternInvalidError, LimitExceededError, RequestSignatureInvalidError,
  RequestInvalidError, KeyInvalidError, FeatureDisabledError, StoreUnavailableError, ConfigInvalidError,
  HTTP_STATUS_BY_CODE, isGrantkitError,
} from './errors.js';
export type { GrantkitErrorCode, GrantkitErrorOptions, AnyGrantkitError } from './errors.js';
export {
  READ, WRITE, MANAGE, DELETE, CREATE, GET, UPDATE, JOIN, PERMISSION_BITS, ALLOWED_PERMISSIONS, ALLOWED_MASKS,
  decodePermissions, encodePermissions, permissionNames,
} from './permissions.js';
export type { Permission, PermissionFlags, ResourceType } from './permissions.js';
export {
  GrantEntry, ChannelPermissionsGrant, UuidPermissionsGrant, ChannelGrant, GroupGrant, UuidGrant, SpaceGrant, UserGrant, Channel, Group, UUID, Space, User,
} from './grant/builders.js';
export type { GrantMatch, GrantFactory } from './grant/builders.js';
export { emptySlots, RESOURCE_TYPES } from './slots.js';
export type { PermissionSlots } from './slots.js';
export { normalizeGrant } from './grant/grant-input.js';
export type {
  GrantTokenOptions, PermissionFlagsInput, PubNubPermissionsInput, PubNubGrantTokenParameters, GrantInput,
} from './grant/grant-input.js';
export { validateGrant } from './grant/validate-grant.js';
export type { MetaValue, TokenGrant, ValidationOptions, StrictRule } from './grant/validate-grant.js';
export { VALIDATION_MODES } from './grant/validation-mode.js';
export type { ValidationMode } from './grant/validation-mode.js';
export { grantFromRequestBody, grantToRequestBody } from './grant/rest-body.js';
export { lintGrant } from './grant/lint-grant.js';
export type { GrantWarning } from './grant/lint-grant.js';
export { LIMITS } from './limits.js';
export { base64UrlEncode, base64UrlDecode } from './token/base64url.js';
export { compilePattern } from './authorize/patterns.js';
export type { CompiledPattern } from './authorize/patterns.js';
export { decodeToken, tokenExpiresAt, tokenId } from './token/reader.js';
export type { TokenPayload } from './token/reader.js';
export { parseToken } from './token/parse.js';
export type { ParsedToken, ParsedPermissions } from './token/parse.js';
export { mintToken } from './token/mint.js';
export type { MintTokenOptions } from './token/mint.js';
export { verifyToken } from './token/verify.js';
export { revokeToken } from './revoke-token.js';
export type { RevokeTokenOptions } from './revoke-token.js';
export type { VerifyTokenOptions, VerifiedToken } from './token/verify.js';
export { authorize } from './authorize/authorize.js';
export { createAuthorizer } from './authorize/decision.js';
export type {
  ResourceRef, AuthorizationRequest, AuthorizationDecision, DenyReason, GrantMatchInfo, PatternCompiler, AuthorizeFunction,
} from './authorize/decision.js';
export {
  percentEncode, canonicalQuery, signatureV2Message, signRequestV2, verifyRequestSignatureV2,
} from './signature-v2.js';
export type { SignatureV2Parts, VerifyRequestOptions } from './signature-v2.js';
export type {
  HmacKey, SyncHmacKey, AsyncHmacKey, HmacSha256, KeyResult, RevocationStore, Clock, MaybePromise,
} from './ports.js';
export { assertTokenId, assertRevocationEntry } from './ports.js';
export { checkToken, presentedToken } from './check-token.js';
export type { CheckTokenOptions, TokenCheckReason, TokenCheckResult, TokenSources } from './check-token.js';
export { readKeysetsFromEnv, normalizeKeyset, importKeyset, importSecretKeys } from './keysets.js';
export type { Keyset, KeysetConfig, KeysetEnv } from './keysets.js';
export { createGrantHandler, splitRequestTarget } from './http/handler.js';
export type { HandlerEvent, GrantHandlerOptions, GrantHandler, GrantRequest, GrantReply, RequestTarget } from './http/handler.js';
export { errorResponseBody, readErrorResponseBody } from './http/error-response.js';
export type { PubNubErrorBody } from './http/error-response.js';
export { tokenCheckBody } from './http/token-check-body.js';
export type { TokenCheckBody } from './http/token-check-body.js';
export { OPERATIONS, isOperationName } from './operations/catalog.js';
export type { OperationName, OperationAccess, OperationService, OperationDefinition } from './operations/catalog.js';
export { matchOperation, MAX_OPERATION_CHECKS } from './operations/match-request.js';
export type {
  PermissionCheck, OperationResources, MatchedOperation, UnknownOperation, OperationRequestInput,
} from './operations/match-request.js';
export { decideOperation } from './operations/decide-operation.js';
export type {
  PresentedCredential, CheckDenyReason, CheckOutcome, OperationDecisionReason, OperationDecision, DecideOperationOptions,
} from './operations/decide-operation.js';
export { createOperationGuard, guardNeedsBody } from './operations/guard.js';
export type { OperationGuardOptions, GuardInput, GuardResult, OperationGuard } from './operations/guard.js';
export { explainToken } from './operations/explain.js';
export type { ExplainTarget, ExplainOptions, DenialHint, TokenExplanation } from './operations/explain.js';

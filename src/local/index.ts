/**
 * `idpool/local`: a local Amazon Cognito Identity endpoint and a local OIDC
 * issuer, for development, tests and demos. Node only; loopback only.
 *
 * @packageDocumentation
 */
export { startLocalIdentityPool } from './local-identity-pool';
export type { LocalIdentityPool } from './local-identity-pool';
export { startLocalOidcIssuer } from './oidc-issuer';
export {
  COGNITO_LOGINS_KEY,
  DEFAULT_DEVELOPER_PROVIDER_NAME,
  DEFAULT_IDENTITY_POOL_ID,
  LOCAL_ACCOUNT_ID,
  LOCAL_CLIENT_ID,
  LOCAL_DEVELOPER_CREDENTIALS,
} from './local-defaults';
export type {
  DeveloperCredentials,
  LocalIdentityPoolOptions,
  OidcProviderConfig,
  OpaqueProviderConfig,
  ProviderConfig,
} from './identity-pool-options';
export type { FaultKind, FaultSpec } from './faults';
export type { ServerGuardOptions } from './server-guards';
export type { LocalPoolStats } from './stats';
export type { LocalOidcIssuer, LocalOidcIssuerOptions, MintClaims, MintOptions } from './oidc-issuer';
export type { LocalOidcClient } from './oidc-clients';

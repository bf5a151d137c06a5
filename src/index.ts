export { createAuth } from './create-auth';
export type { Auth, FederateToIdentityPoolInput, FetchAuthSessionOptions } from './engine/create-engine';
export type { AuthOptions, AuthClock } from './engine/options';
export type { AuthSession, AwsCredentials, FederateToIdentityPoolResult, JWT } from './engine/auth-session';
export { toAuthState } from './engine/auth-state';
export type { AuthState, AuthStateValue } from './engine/auth-state';
export { createAwsCredentialsProvider } from './aws-sdk';
export type { AwsCredentialsProvider } from './aws-sdk';
export { createFetchTransport } from './services/fetch-transport';
export type { FetchTransportOptions } from './services/fetch-transport';
export { createSdkTransport } from './services/sdk-transport';
export type * from './services/cognito-transport';
export { decodeJWT } from './login/decode-jwt';
export type { DecodedJWT } from './login/decode-jwt';
export type { JwtHeader, JwtPayload } from './model/jwt';
export { authEventTypes } from './model/auth-events';
export type {
  AuthEvent,
  AuthEventType,
  CredentialsRefreshedEvent,
  CredentialsRefreshFailureEvent,
  ErrorSummary,
  FederatedToIdentityPoolEvent,
  FederationToIdentityPoolClearedEvent,
  FederationToIdentityPoolFailureEvent,
  SessionExpiredEvent,
  SessionMigratedEvent,
  SessionRestoredEvent,
  SessionRestoreFailureEvent,
  SessionStorageFailureEvent,
  TokenRefreshEvent,
  TokenRefreshFailureEvent,
} from './model/auth-events';
export { AuthError } from './errors/auth-error';
export type { AuthErrorCode, AuthErrorOptions } from './errors/auth-error';
export {
  AbortError,
  ExternalServiceException,
  InternalErrorException,
  InvalidIdentityPoolConfigurationException,
  InvalidParameterException,
  InvalidStateException,
  InvalidTokenException,
  LimitExceededException,
  NetworkError,
  NotAuthorizedException,
  ResourceConflictException,
  ResourceNotFoundException,
  SessionExpiredException,
  StorageError,
  TokenRefreshException,
  TooManyRequestsException,
  UnknownException,
} from './errors/error-classes';
export type { StorageErrorOptions, StorageErrorReason, StorageOperation } from './errors/error-classes';
export { providerLoginsKeys } from './login/logins-key';
export type { ProviderShortName } from './login/logins-key';
export type {
  AuthTokens,
  JWTLike,
  RefreshedToken,
  RefreshHandler,
  RefreshHandlerContext,
  TokenProvider,
} from './services/token-provider';
export type { CredentialsAndIdentityIdProvider, GetCredentialsOptions, ProvidedCredentials } from './services/credentials-provider';
export type { RetryPolicy } from './model/timing-settings';
// The chart itself, for diagrams and the inspector; its context and events are not API.
export { authMachine } from '../machines/auth.machine';
export type { AuthMachine } from '../machines/auth.machine';
export { createMemoryStorage, createWebStorage, createCookieStorage } from './storage/index';
export type {
  KeyValueStorage,
  StorageChange,
  StorageChangeListener,
  StorageLease,
  Unsubscribe,
  MemoryStorageOptions,
  WebLocks,
  WebStorageArea,
  WebStorageOptions,
  CookieStorageInit,
  CookieStorageOptions,
  CookieSameSite,
} from './storage/index';
export { Secret } from './model/secret';

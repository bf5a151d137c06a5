export { createAuth } from './engine';
export type { Auth, FederateToIdentityPoolInput, FetchAuthSessionOptions } from './engine';
export type { AuthOptions, AuthClock } from './options';
export type { AuthSession, AwsCredentials, FederateToIdentityPoolResult, JWT } from './auth-session';
export type { AuthState, AuthStateValue } from './auth-state';
export { createAwsCredentialsProvider } from './aws-sdk';
export type { AwsCredentialsProvider } from './aws-sdk';
export { decodeJWT } from './decode-jwt';
export type { DecodedJWT } from './decode-jwt';
export { authEventTypes } from './events';
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
} from './events';
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
export type { RetryPolicy } from '../machines/session-rules';
export { authMachine } from '../machines/auth.machine';
export type {
  AuthMachine,
  GetCredentialsInput,
  GetIdInput,
  LoadUserPoolTokensInput,
  RefreshCredentialsInput,
  RefreshProviderTokenInput,
  RemovePersistedSessionParams,
} from '../machines/auth.machine';
// The machine's context and events, for selectors on `auth.actor` (secrets inside are `Secret`s).
export type {
  AuthMachineContext,
  AuthMachineEvent,
  AuthMachineInput,
  AuthMachineSettings,
  AwsCredentialsValue,
  ClearEvent,
  CredentialsOutput,
  FederateEvent,
  FetchEvent,
  GuestSession,
  HeldCredentials,
  IdentityIdOutput,
  Login,
  LoginSource,
  MachineEmitted,
  PendingFederation,
  RefreshedTokenOutput,
  RefreshEvent,
  RefreshProgress,
  RestoreOutcome,
  SessionView,
  StoredSession,
  SyncEvent,
  UserPoolTokens,
  UserPoolTokensOutput,
} from '../machines/auth.types';
export { createMemoryStorage, createWebStorage, createCookieStorage } from './storage/index';
export type {
  KeyValueStorage,
  StorageChange,
  StorageChangeListener,
  StorageLease,
  Unsubscribe,
  MemoryStorageOptions,
  WebStorageOptions,
  CookieStorageInit,
  CookieStorageOptions,
  CookieSameSite,
} from './storage/index';
export { Secret } from './secret';

import type { InspectionEvent, Observer } from 'xstate';
import type { AuthClock } from '../model/clock';

export type { AuthClock };
import type { RetryPolicy } from '../model/timing-settings';
import type { CognitoTransport } from '../services/cognito-transport';
import type { CredentialsAndIdentityIdProvider } from '../services/credentials-provider';
import type { RefreshHandler, TokenProvider } from '../services/token-provider';
import type { KeyValueStorage } from '../storage/key-value-storage';

/** Options of `createAuth`. Only `identityPoolId` is required. */
export interface AuthOptions {
  /** `region:uuid`; the region comes from the prefix unless `region` is given. */
  identityPoolId: string;
  region?: string;
  /** Any Cognito Identity endpoint, e.g. the local identity pool's. */
  endpoint?: string;
  /** Serve unauthenticated (guest) credentials while signed out. Default false. */
  allowGuestAccess?: boolean;
  /** Where the session is kept. Default: in memory. */
  storage?: KeyValueStorage;
  /** Also store the AWS credentials (not only identity id and provider token). Default false. */
  persistCredentials?: boolean;
  /** Scopes the storage keys ("access group"); `migrateFrom` moves an existing session in. */
  namespace?: string | { name: string; migrateFrom?: string };
  /** New provider tokens by Logins key or short name, for when the federated token expires. */
  refreshHandlers?: Record<string, RefreshHandler>;
  /** A user-pool (or any OIDC) token source whose id token is federated by itself. */
  tokenProvider?: TokenProvider;
  /** Full escape hatch: credentials come from here instead of Cognito Identity calls. */
  credentialsProvider?: CredentialsAndIdentityIdProvider;
  /** Supplies `clientMetadata` to every internal refresh. */
  clientMetadataProvider?: () => Promise<Record<string, string>>;
  /** Refresh this long before the credentials' expiration. Default 5 minutes. */
  refreshAheadMs?: number;
  /** Back-off of failed refreshes. Default 4 attempts, 250 ms base, 8 s cap. */
  retry?: Partial<RetryPolicy>;
  /** A Cognito call that has not answered after this long fails with `NetworkError`. Default 15 s; 1 ms to 1 hour. */
  requestTimeoutMs?: number;
  /**
   * How long an app callback (a refresh handler, `tokenProvider.getTokens`,
   * `credentialsProvider.getCredentialsAndIdentityId`, `clientMetadataProvider`) may take before
   * the call it serves fails: with `TokenRefreshException` (refresh handler, token provider,
   * client-metadata provider) or `NetworkError` (credentials provider). Measured on `clock`.
   * Default 30 s; 1 ms to 1 hour.
   *
   * @example
   * ```ts
   * // Refresh handlers that open an interactive sign-in may need longer.
   * createAuth({ identityPoolId, refreshHandlers, callbackTimeoutMs: 120_000 });
   * ```
   */
  callbackTimeoutMs?: number;
  /** Follow other tabs, workers or processes sharing the storage and namespace. Default true. */
  shareSession?: boolean;
  /** Passed to XState's `createActor`: sees the machine's events and snapshots, secrets redacted. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Test hook: the clock for expiry decisions and the machine's timers. */
  clock?: AuthClock;
  /**
   * How Cognito Identity is called. Default: a small transport over `fetch` for `region` and
   * `endpoint` (no AWS SDK loaded). An app that already ships the AWS SDK can pass
   * `createSdkTransport(new CognitoIdentityClient({ … }))` to use its client.
   */
  transport?: CognitoTransport;
}

export interface AuthSettings {
  identityPoolId: string;
  region: string;
  endpoint?: string;
  allowGuestAccess: boolean;
  storage: KeyValueStorage;
  persistCredentials: boolean;
  namespace: string;
  migrateFrom?: string;
  refreshHandlers: ReadonlyMap<string, RefreshHandler>;
  tokenProvider?: TokenProvider;
  credentialsProvider?: CredentialsAndIdentityIdProvider;
  clientMetadataProvider?: () => Promise<Record<string, string>>;
  refreshAheadMs: number;
  retry: RetryPolicy;
  requestTimeoutMs: number;
  callbackTimeoutMs: number;
  shareSession: boolean;
  inspect?: AuthOptions['inspect'];
  clock: AuthClock;
  transport?: CognitoTransport;
}

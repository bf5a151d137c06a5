import type { HeldCredentials } from './credentials';
import type { Login, UserPoolTokens } from './login';

// What the machine's actors take and give: the contract between the chart and the services.

export interface IdentityIdRequest {
  login?: Login;
}

export interface CredentialsRequest {
  identityId: string;
  login?: Login;
}

export interface CredentialsRefreshRequest extends CredentialsRequest {
  /** The credentials being replaced; a sharing context's newer ones will do. */
  replacing?: HeldCredentials;
  /** The session refreshed: only a sharing context's credentials for the same session will do. */
  sessionId?: string;
}

export interface ProviderTokenRequest {
  login: Login;
  identityId?: string;
  clientMetadata?: Record<string, string>;
}

export interface UserPoolTokensRequest {
  forceRefresh: boolean;
}

/** What `removePersistedSession` is told: a clear names the session it ends, an expiry does not. */
export interface RemovePersistedSessionParams {
  clearedSessionId?: string | undefined;
}

export interface CredentialsOutput {
  identityId: string;
  credentials: HeldCredentials;
  /** Cognito's clock minus the local clock at the answer, when the response had a `Date` header. */
  clockOffsetMs?: number;
}

export interface IdentityIdOutput {
  identityId: string;
  clockOffsetMs?: number;
}

export interface RefreshedTokenOutput {
  login: Login;
  identityId?: string;
  userPoolTokens?: UserPoolTokens;
}

export interface UserPoolTokensOutput {
  login: Login;
  userPoolTokens: UserPoolTokens;
}

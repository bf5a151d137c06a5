/** AWS credentials as Amplify's `CredentialsAndIdentityIdProvider` returns them. */
export interface ProvidedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface GetCredentialsOptions {
  /** Whether a provider login is federated (false: guest credentials). */
  authenticated: boolean;
  /** The federated provider token, when authenticated. */
  tokens?: { idToken: string; loginsKey: string };
  forceRefresh?: boolean;
}

/**
 * The escape hatch, shaped like Amplify's `CredentialsAndIdentityIdProvider`: idpool asks it
 * for credentials instead of calling Cognito Identity itself, and still caches, refreshes,
 * shares and reports them.
 */
export interface CredentialsAndIdentityIdProvider {
  getCredentialsAndIdentityId(options: GetCredentialsOptions): Promise<{ credentials: ProvidedCredentials; identityId?: string } | undefined>;
  clearCredentialsAndIdentityId(): void;
}

/**
 * Structural copies of the Amplify v6 shapes the adapter meets, so `idpool/amplify`
 * needs no Amplify package at runtime or in its type declarations.
 */

/** What Amplify v6 passes to a credentials provider (`GetCredentialsOptions`). */
export interface AmplifyGetCredentialsOptions {
  /** Whether Amplify's own token provider has a user-pool session. */
  authenticated: boolean;
  forceRefresh?: boolean | undefined;
  /** Amplify's resolved `Auth` config (unused: idpool has its own options). */
  authConfig?: unknown;
  /** Amplify's user-pool tokens (unused: give idpool the token provider instead). */
  tokens?: unknown;
}

/** Amplify v6 `AWSCredentials`. */
export interface AmplifyAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Amplify v6 `CredentialsAndIdentityId`. */
export interface AmplifyCredentialsAndIdentityId {
  credentials: AmplifyAwsCredentials;
  identityId?: string;
}

/**
 * Amplify v6 `CredentialsAndIdentityIdProvider`: what
 * `Amplify.configure(config, { Auth: { credentialsProvider } })` takes.
 */
export interface AmplifyCredentialsProvider {
  getCredentialsAndIdentityId(options: AmplifyGetCredentialsOptions): Promise<AmplifyCredentialsAndIdentityId | undefined>;
  clearCredentialsAndIdentityId(): void;
}

// Types only: the browser bundle imports this file and must not pull in the AWS SDK.

/** The `Logins` map Cognito takes: Logins key → token. The values are secrets. */
export type CognitoLogins = Readonly<Record<string, string>>;

export interface GetIdInput {
  IdentityPoolId: string;
  AccountId?: string;
  Logins?: CognitoLogins;
}

export interface GetIdOutput {
  IdentityId?: string;
}

export interface GetCredentialsForIdentityInput {
  IdentityId: string;
  Logins?: CognitoLogins;
  CustomRoleArn?: string;
}

/** Temporary AWS credentials as Cognito issues them; `SecretKey` and `SessionToken` are secrets. */
export interface CognitoCredentials {
  AccessKeyId?: string;
  SecretKey?: string;
  SessionToken?: string;
  /** Cognito sends epoch seconds; both transports hand over a valid `Date`, as the SDK deserializes it. */
  Expiration?: Date;
}

export interface GetCredentialsForIdentityOutput {
  IdentityId?: string;
  Credentials?: CognitoCredentials;
}

export interface GetOpenIdTokenInput {
  IdentityId: string;
  Logins?: CognitoLogins;
}

export interface GetOpenIdTokenOutput {
  IdentityId?: string;
  /** An OpenID token: a secret. */
  Token?: string;
}

/** The Cognito Identity operations idpool calls (all unsigned), with their wire field names. */
export interface CognitoOperations {
  GetId: { input: GetIdInput; output: GetIdOutput };
  GetCredentialsForIdentity: { input: GetCredentialsForIdentityInput; output: GetCredentialsForIdentityOutput };
  GetOpenIdToken: { input: GetOpenIdTokenInput; output: GetOpenIdTokenOutput };
}

export type CognitoOperation = keyof CognitoOperations;
export type InputOf<O extends CognitoOperation> = CognitoOperations[O]['input'];
export type OutputOf<O extends CognitoOperation> = CognitoOperations[O]['output'];

export interface CognitoAnswer<O extends CognitoOperation> {
  /** Only the fields above, each of its type or absent: nothing else the server sent is kept. */
  output: OutputOf<O>;
  /** The response's `Date` header in epoch ms, when it had a valid one: Cognito's clock, for the clock offset. */
  serverDate?: number;
}

export interface CognitoSendOptions {
  /**
   * Cancels the request (and the reading of its answer). The transport sets no timeout of its
   * own: the caller bounds every call through this signal.
   */
  signal: AbortSignal;
}

/**
 * How idpool talks to Cognito Identity: one request, one answer. Failures reject with errors
 * shaped like the AWS SDK's (`name`, `message`, `$fault`, `$metadata.httpStatusCode`, …), so
 * `toAuthError` maps them the same way whichever transport made the call; an abort rejects
 * with an error named `AbortError`. Neither transport quotes the body of an answer it refused
 * (a truncated one may hold a SecretKey); a Cognito error message is the server's and may echo the
 * request (the fetch transport removes the Logins tokens from it, `toAuthError` does for both).
 */
export interface CognitoTransport {
  send<O extends CognitoOperation>(operation: O, input: InputOf<O>, options: CognitoSendOptions): Promise<CognitoAnswer<O>>;
}

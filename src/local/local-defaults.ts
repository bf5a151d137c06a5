/** Logins key under which Cognito accepts its own OpenID tokens. */
export const COGNITO_LOGINS_KEY = 'cognito-identity.amazonaws.com';

/** Issuer of the OpenID tokens Cognito Identity signs. */
export const COGNITO_TOKEN_ISSUER = 'https://cognito-identity.amazonaws.com';

/** Identity pool id used when none is given. */
export const DEFAULT_IDENTITY_POOL_ID = 'us-east-1:00000000-0000-4000-8000-000000000000';

/** Audience (client id) the local OIDC issuer puts in its tokens when none is given. */
export const LOCAL_CLIENT_ID = 'idpool-local-client';

/** Developer provider name used when none is given. */
export const DEFAULT_DEVELOPER_PROVIDER_NAME = 'login.idpool.local';

/**
 * Fixed, public developer credentials the local pool accepts for
 * GetOpenIdTokenForDeveloperIdentity when no others are given. Local use only.
 * Not frozen: the AWS SDK tags the credentials objects it is given.
 */
export const LOCAL_DEVELOPER_CREDENTIALS: { readonly accessKeyId: string; readonly secretAccessKey: string } = {
  accessKeyId: 'AKIAIDPOOLLOCALDEV00',
  secretAccessKey: 'idpoolLocalDeveloperSecretKey0000000000',
};

/** Account id in the ARNs the local STS answers with. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Largest request body the local pool reads (Cognito rejects larger ones too). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Role the pool grants authenticated identities (the only role their CustomRoleArn may name). */
export const LOCAL_AUTHENTICATED_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/Cognito_idpoolAuth_Role`;

/** Role the pool grants guests (the only role their CustomRoleArn may name). */
export const LOCAL_UNAUTHENTICATED_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/Cognito_idpoolUnauth_Role`;

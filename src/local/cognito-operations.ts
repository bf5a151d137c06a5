import {
  CognitoError,
  customRoleNotGranted,
  identityForbidden,
  identityNotFound,
  identityPoolNotFound,
  invalidLoginToken,
  loginsDoNotMatch,
  notAuthorized,
  unauthenticatedNotSupported,
} from './cognito-errors';
import type {
  GetCredentialsForIdentityInput,
  GetIdInput,
  GetOpenIdTokenForDeveloperIdentityInput,
  GetOpenIdTokenInput,
  Logins,
} from './cognito-input';
import type { CredentialsStore } from './credentials-store';
import type { IdentityPoolSettings } from './identity-pool-options';
import type { IdentityStore, StoredIdentity, VerifiedLogin } from './identity-store';
import { COGNITO_LOGINS_KEY, LOCAL_AUTHENTICATED_ROLE_ARN, LOCAL_UNAUTHENTICATED_ROLE_ARN } from './local-defaults';
import type { LoginVerifier } from './login-verifier';
import type { PoolTokenSigner } from './pool-token-signer';

/** Everything the operations read and change. */
export interface OperationContext {
  readonly settings: IdentityPoolSettings;
  readonly identities: IdentityStore;
  readonly credentials: CredentialsStore;
  readonly logins: LoginVerifier;
  readonly poolTokens: PoolTokenSigner;
}

/** GetOpenIdToken tokens live 10 minutes; developer tokens 15 minutes unless TokenDuration says otherwise. */
const OPEN_ID_TOKEN_TTL_SECONDS = 600;
const DEVELOPER_TOKEN_TTL_SECONDS = 900;

function checkPool(ctx: OperationContext, identityPoolId: string): void {
  if (identityPoolId !== ctx.settings.identityPoolId) throw identityPoolNotFound(identityPoolId);
}

function findIdentity(ctx: OperationContext, identityId: string): StoredIdentity {
  const identity = ctx.identities.get(identityId);
  if (identity === undefined) throw identityNotFound(identityId);
  return identity;
}

async function verifyAll(ctx: OperationContext, logins: Logins): Promise<VerifiedLogin[]> {
  const verified: VerifiedLogin[] = [];
  for (const [provider, token] of logins) verified.push(await ctx.logins.verify(provider, token));
  return verified;
}

/** Whether `login` is one `identity` already holds: a linked provider subject, or the pool's own token naming it. */
function isLinkedTo(identity: StoredIdentity, login: VerifiedLogin): boolean {
  if (login.provider === COGNITO_LOGINS_KEY) return login.subject === identity.id;
  return identity.logins.get(login.provider) === login.subject;
}

/** Links `logins` to `identity`, or rejects when any of them belongs elsewhere. */
function attach(ctx: OperationContext, identity: StoredIdentity, logins: readonly VerifiedLogin[]): void {
  // Verifying tokens awaited the network; the identity may have been forgotten meanwhile.
  if (ctx.identities.get(identity.id) !== identity) throw identityNotFound(identity.id);
  for (const login of logins) {
    const fits =
      login.provider === COGNITO_LOGINS_KEY ? login.subject === identity.id : ctx.identities.canLink(identity, login);
    if (!fits) throw loginsDoNotMatch();
  }
  for (const login of logins) {
    if (login.provider !== COGNITO_LOGINS_KEY) ctx.identities.link(identity, login);
  }
}

/** The identity's logins checked for GetCredentialsForIdentity / GetOpenIdToken; true when it is authenticated. */
async function authorize(ctx: OperationContext, identity: StoredIdentity, logins: Logins | undefined): Promise<boolean> {
  if (logins === undefined || logins.size === 0) {
    if (identity.logins.size > 0) throw identityForbidden(identity.id);
    if (!ctx.settings.allowUnauthenticated) throw unauthenticatedNotSupported();
    return false;
  }
  const verified = await verifyAll(ctx, logins);
  // An identity with linked logins takes a new one only beside one it already holds: else a fresh
  // login of another provider plus a known identity id would take that identity over.
  if (identity.logins.size > 0 && !verified.some((login) => isLinkedTo(identity, login))) throw loginsDoNotMatch();
  attach(ctx, identity, verified);
  if (identity.logins.size > 0) return true;
  if (!ctx.settings.allowUnauthenticated) throw unauthenticatedNotSupported();
  return false;
}

function amr(ctx: OperationContext, identity: StoredIdentity): string[] {
  if (identity.logins.size === 0) return ['unauthenticated'];
  const claims = ['authenticated'];
  for (const [provider, subject] of identity.logins) {
    claims.push(provider);
    claims.push(
      provider === ctx.settings.developerProviderName
        ? `${provider}:${ctx.settings.identityPoolId}:${subject}`
        : `${provider}:${subject}`,
    );
  }
  return claims;
}

export async function getId(ctx: OperationContext, input: GetIdInput): Promise<{ IdentityId: string }> {
  checkPool(ctx, input.IdentityPoolId);
  const now = ctx.settings.now();
  const logins: Logins = input.Logins ?? new Map();
  if (logins.size === 0) {
    if (!ctx.settings.allowUnauthenticated) throw unauthenticatedNotSupported();
    return { IdentityId: ctx.identities.create(now).id };
  }
  if (logins.has(COGNITO_LOGINS_KEY)) throw invalidLoginToken("Can't pass in a Cognito token.");
  const verified = await verifyAll(ctx, logins);
  const linked = new Map<string, StoredIdentity>();
  for (const login of verified) {
    const identity = ctx.identities.findLinked(login);
    if (identity !== undefined) linked.set(identity.id, identity);
  }
  if (linked.size > 1) {
    throw new CognitoError('ResourceConflictException', 'The logins are linked to different identities.');
  }
  const identity = linked.values().next().value ?? ctx.identities.create(now);
  attach(ctx, identity, verified);
  return { IdentityId: identity.id };
}

export interface CredentialsResult {
  readonly IdentityId: string;
  readonly Credentials: {
    readonly AccessKeyId: string;
    readonly SecretKey: string;
    readonly SessionToken: string;
    /** Epoch seconds, as Cognito sends timestamps in awsJson. */
    readonly Expiration: number;
  };
}

export async function getCredentialsForIdentity(
  ctx: OperationContext,
  input: GetCredentialsForIdentityInput,
  skewSeconds: number,
): Promise<CredentialsResult> {
  const identity = findIdentity(ctx, input.IdentityId);
  const authenticated = await authorize(ctx, identity, input.Logins);
  const grantedRoleArn = authenticated ? LOCAL_AUTHENTICATED_ROLE_ARN : LOCAL_UNAUTHENTICATED_ROLE_ARN;
  // CustomRoleArn picks among the roles the pool would grant this login; here that is exactly one.
  if (input.CustomRoleArn !== undefined && input.CustomRoleArn !== grantedRoleArn) throw customRoleNotGranted();
  const roleName = grantedRoleArn.slice(grantedRoleArn.lastIndexOf('/') + 1);
  const expiration = ctx.settings.now() + ctx.settings.credentialsTtlSeconds * 1000;
  const issued = ctx.credentials.issue(identity.id, roleName, expiration);
  return {
    IdentityId: identity.id,
    Credentials: {
      AccessKeyId: issued.accessKeyId,
      SecretKey: issued.secretAccessKey,
      SessionToken: issued.sessionToken,
      Expiration: Math.floor(expiration / 1000) + skewSeconds,
    },
  };
}

export async function getOpenIdToken(
  ctx: OperationContext,
  input: GetOpenIdTokenInput,
): Promise<{ IdentityId: string; Token: string }> {
  const identity = findIdentity(ctx, input.IdentityId);
  await authorize(ctx, identity, input.Logins);
  const token = await ctx.poolTokens.sign({
    identityId: identity.id,
    amr: amr(ctx, identity),
    ttlSeconds: OPEN_ID_TOKEN_TTL_SECONDS,
  });
  return { IdentityId: identity.id, Token: token };
}

export async function getOpenIdTokenForDeveloperIdentity(
  ctx: OperationContext,
  input: GetOpenIdTokenForDeveloperIdentityInput,
): Promise<{ IdentityId: string; Token: string }> {
  checkPool(ctx, input.IdentityPoolId);
  const developerName = ctx.settings.developerProviderName;
  const developerUser = input.Logins.get(developerName);
  const unknownKey = [...input.Logins.keys()].some(
    (key) => key !== developerName && key !== COGNITO_LOGINS_KEY && !ctx.settings.providers.has(key),
  );
  if (developerUser === undefined || unknownKey) {
    throw notAuthorized('This identity pool does not support the specified developer provider.');
  }
  const developerLogin: VerifiedLogin = { provider: developerName, subject: developerUser };
  const others = new Map([...input.Logins].filter(([key]) => key !== developerName));
  const verified = [developerLogin, ...(await verifyAll(ctx, others))];

  const registered = ctx.identities.findLinked(developerLogin);
  let identity: StoredIdentity;
  if (input.IdentityId !== undefined) {
    identity = findIdentity(ctx, input.IdentityId);
    if (registered !== undefined && registered.id !== identity.id) {
      throw new CognitoError(
        'DeveloperUserAlreadyRegisteredException',
        'The developer user identifier is already registered with a different identity ID.',
      );
    }
  } else {
    const linkedByOthers = verified.map((login) => ctx.identities.findLinked(login)).find((found) => found !== undefined);
    identity = registered ?? linkedByOthers ?? ctx.identities.create(ctx.settings.now());
  }
  attach(ctx, identity, verified);
  const token = await ctx.poolTokens.sign({
    identityId: identity.id,
    amr: amr(ctx, identity),
    ttlSeconds: input.TokenDuration ?? DEVELOPER_TOKEN_TTL_SECONDS,
    ...(input.PrincipalTags === undefined ? {} : { principalTags: input.PrincipalTags }),
  });
  return { IdentityId: identity.id, Token: token };
}

import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RefreshGrant } from './issuer-refresh-tokens';
import { authenticateClient, type ClientAuthentication, type RegisteredClient } from './oidc-clients';
import { parseScope, readForm, sendJson, sendOAuthError } from './oidc-http';
import type { IssuerContext } from './oidc-issuer-context';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

type Answer =
  | { readonly kind: 'tokens'; readonly body: Record<string, unknown>; readonly familyId?: string }
  | { readonly kind: 'error'; readonly status: number; readonly error: string; readonly description: string };
const failure = (status: number, error: string, description: string): Answer => ({ kind: 'error', status, error, description });
const invalidGrant = (description: string): Answer => failure(400, 'invalid_grant', description);

/** Reads the form and authenticates the client, answering the error itself when either fails. */
export async function readClientRequest(
  ctx: IssuerContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ form: URLSearchParams; client: RegisteredClient } | undefined> {
  const read = await readForm(req);
  if (read.kind !== 'ok') {
    sendOAuthError(res, read.status === 413 ? 413 : 400, 'invalid_request', read.description);
    return undefined;
  }
  const auth: ClientAuthentication = authenticateClient(req.headers, read.form, ctx.clients);
  if (auth.kind === 'error') {
    const challenge = auth.status === 401 && req.headers.authorization !== undefined ? { 'WWW-Authenticate': 'Basic realm="idpool-local"' } : {};
    sendOAuthError(res, auth.status, auth.error, auth.description, challenge);
    return undefined;
  }
  return { form: read.form, client: auth.client };
}

/** The token response (RFC 6749 §5.1): an id token for the client, and a refresh token with `offline_access`. */
async function issueTokens(ctx: IssuerContext, grant: RefreshGrant, extra: { nonce?: string; refreshToken?: string }): Promise<Answer> {
  let refreshToken = extra.refreshToken;
  let familyId: string | undefined;
  if (refreshToken === undefined && grant.scope.includes('offline_access')) {
    const issued = ctx.refreshTokens.issue(grant);
    if (issued === undefined) return failure(503, 'temporarily_unavailable', 'Too many sessions; try again later.');
    ({ token: refreshToken, familyId } = issued);
  }
  const idToken = await ctx.signIdToken({
    audience: grant.clientId,
    subject: grant.subject,
    username: grant.username,
    authTime: grant.authTime,
    expiresIn: ctx.idTokenTtlSeconds,
    ...(extra.nonce === undefined ? {} : { nonce: extra.nonce }),
  });
  const body = {
    access_token: randomBytes(32).toString('base64url'),
    token_type: 'Bearer',
    expires_in: ctx.idTokenTtlSeconds,
    id_token: idToken,
    scope: grant.scope.join(' '),
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
  };
  return { kind: 'tokens', body, ...(familyId === undefined ? {} : { familyId }) };
}

async function authorizationCodeGrant(ctx: IssuerContext, form: URLSearchParams, client: RegisteredClient): Promise<Answer> {
  const code = form.get('code');
  const redirectUri = form.get('redirect_uri');
  const verifier = form.get('code_verifier');
  if (code === null || redirectUri === null || verifier === null) {
    return failure(400, 'invalid_request', 'code, redirect_uri and code_verifier are required.');
  }
  const stored = ctx.codes.take(code);
  if (stored === undefined) {
    // RFC 6749 §4.1.2: a code used twice was stolen or replayed; what it bought is revoked.
    const familyId = ctx.redeemedCodes.get(code);
    if (familyId !== undefined) {
      ctx.redeemedCodes.delete(code);
      if (familyId !== '') ctx.refreshTokens.revokeFamily(familyId);
    }
    return invalidGrant('The code is unknown, expired or already used.');
  }
  if (stored.clientId !== client.clientId) return invalidGrant('The code was issued to another client.');
  if (stored.redirectUri !== redirectUri) return invalidGrant('redirect_uri differs from the authorization request.');
  if (!CODE_VERIFIER.test(verifier)) return failure(400, 'invalid_request', 'code_verifier must be 43 to 128 unreserved characters.');
  if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== stored.codeChallenge) {
    return invalidGrant('code_verifier does not match the code_challenge (PKCE).');
  }
  const answer = await issueTokens(ctx, stored, stored.nonce === undefined ? {} : { nonce: stored.nonce });
  if (answer.kind === 'tokens') ctx.redeemedCodes.set(code, answer.familyId ?? '', ctx.now() + ctx.codeTtlMs);
  return answer;
}

async function refreshTokenGrant(ctx: IssuerContext, form: URLSearchParams, client: RegisteredClient): Promise<Answer> {
  const token = form.get('refresh_token');
  if (token === null) return failure(400, 'invalid_request', 'refresh_token is required.');
  const scope = form.has('scope') ? parseScope(form.get('scope')) : undefined;
  if (scope === undefined && form.has('scope')) return failure(400, 'invalid_scope', 'scope is malformed.');
  const outcome = ctx.refreshTokens.rotate(token, client.clientId);
  if (outcome.kind === 'invalid') {
    return invalidGrant(outcome.reason === 'reused' ? 'The refresh token was already used; its session is revoked.' : 'The refresh token is invalid, expired or revoked.');
  }
  if (scope !== undefined && scope.some((value) => !outcome.grant.scope.includes(value))) {
    return failure(400, 'invalid_scope', 'A refresh cannot widen the scope.');
  }
  return issueTokens(ctx, outcome.grant, { refreshToken: outcome.refreshToken });
}

async function deviceCodeGrant(ctx: IssuerContext, form: URLSearchParams, client: RegisteredClient): Promise<Answer> {
  const deviceCode = form.get('device_code');
  if (deviceCode === null) return failure(400, 'invalid_request', 'device_code is required.');
  const poll = ctx.deviceCodes.poll(deviceCode, client.clientId);
  if (poll.kind === 'approved') return issueTokens(ctx, poll.grant, {});
  const descriptions: Record<typeof poll.error, string> = {
    authorization_pending: 'The user has not answered yet.',
    slow_down: 'Polling too fast: wait 5 seconds longer between polls.',
    expired_token: 'The device code expired; start again.',
    access_denied: 'The user refused.',
    invalid_grant: 'The device code is unknown or was issued to another client.',
  };
  return failure(400, poll.error, descriptions[poll.error]);
}

/** `POST /token`: authorization code (PKCE S256), refresh token (rotating) and device code grants. */
export async function handleToken(ctx: IssuerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await readClientRequest(ctx, req, res);
  if (request === undefined) return;
  const { form, client } = request;
  const grantType = form.get('grant_type');
  let answer: Answer;
  if (grantType === 'authorization_code') answer = await authorizationCodeGrant(ctx, form, client);
  else if (grantType === 'refresh_token') answer = await refreshTokenGrant(ctx, form, client);
  else if (grantType === DEVICE_CODE_GRANT) answer = await deviceCodeGrant(ctx, form, client);
  else if (grantType === null) answer = failure(400, 'invalid_request', 'grant_type is required.');
  else answer = failure(400, 'unsupported_grant_type', 'Use authorization_code, refresh_token or the device code grant.');
  if (answer.kind === 'error') return sendOAuthError(res, answer.status, answer.error, answer.description);
  sendJson(res, 200, answer.body, { Pragma: 'no-cache' });
}

/** `POST /revoke` (RFC 7009): ends the session of a refresh token the client holds; always 200. */
export async function handleRevoke(ctx: IssuerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const request = await readClientRequest(ctx, req, res);
  if (request === undefined) return;
  const token = request.form.get('token');
  if (token === null) return sendOAuthError(res, 400, 'invalid_request', 'token is required.');
  ctx.refreshTokens.revoke(token, request.client.clientId);
  sendJson(res, 200, {});
}

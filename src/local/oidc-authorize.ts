import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchesRedirectUri } from './oidc-clients';
import { readForm, parseScope, sendHtml, sendRedirect } from './oidc-http';
import { grantedScope, subjectForUsername, type IssuerContext } from './oidc-issuer-context';
import { renderErrorPage, renderLoginPage } from './login-page';
import { isAllowedUrl } from './server-guards';

/** A checked authorization request: the implicit flow of the browser demos, or the code flow with PKCE. */
type AuthorizeRequest =
  | { readonly flow: 'implicit'; readonly redirectUri: string; readonly state?: string; readonly nonce?: string; readonly clientId?: string }
  | {
      readonly flow: 'code';
      readonly redirectUri: string;
      readonly clientId: string;
      readonly state?: string;
      readonly nonce?: string;
      readonly scope: readonly string[];
      readonly codeChallenge: string;
    };

/** A request that cannot be answered at the redirect URI (unknown client, bad redirect): a page, never a redirect. */
interface PageError {
  readonly page: string;
}
/** A request whose redirect URI is known good: the error goes back to the client (RFC 6749 §4.1.2.1). */
interface RedirectError {
  readonly redirect: string;
}

const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

function optional(params: URLSearchParams, name: string): string | undefined {
  return params.get(name) ?? undefined;
}

function hasDuplicates(params: URLSearchParams): boolean {
  const names = [...params.keys()];
  return new Set(names).size !== names.length;
}

/** Where an answer to a code-flow request goes: the redirect URI with `params` added to its query. */
function codeFlowRedirect(ctx: IssuerContext, redirectUri: string, state: string | undefined, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (state !== undefined) url.searchParams.set('state', state);
  // RFC 9207: the client checks which issuer answered (mix-up attacks).
  url.searchParams.set('iss', ctx.issuer());
  return url.toString();
}

function readRequest(ctx: IssuerContext, params: URLSearchParams): AuthorizeRequest | PageError | RedirectError {
  if (hasDuplicates(params)) return { page: 'A parameter is given more than once.' };
  const responseType = params.get('response_type') ?? 'id_token';
  const redirectUri = params.get('redirect_uri');
  const state = optional(params, 'state');
  const nonce = optional(params, 'nonce');
  if (responseType === 'id_token') {
    // The implicit flow of the browser demos: any loopback (or allowed-host) page of any client.
    if (redirectUri === null || !URL.canParse(redirectUri)) return { page: 'redirect_uri must be an absolute URL' };
    const protocol = new URL(redirectUri).protocol;
    if (protocol !== 'http:' && protocol !== 'https:') return { page: 'redirect_uri must be an http or https URL' };
    if (!isAllowedUrl(redirectUri, ctx.allowedHosts)) return { page: 'redirect_uri must name a loopback host or one of "allowedHosts"' };
    const clientId = optional(params, 'client_id');
    return { flow: 'implicit', redirectUri, ...(state === undefined ? {} : { state }), ...(nonce === undefined ? {} : { nonce }), ...(clientId === undefined ? {} : { clientId }) };
  }
  if (responseType !== 'code') return { page: 'response_type must be code or id_token' };
  const clientId = params.get('client_id');
  const client = clientId === null ? undefined : ctx.clients.get(clientId);
  if (clientId === null || client === undefined) return { page: 'Unknown client_id' };
  if (redirectUri === null || !matchesRedirectUri(client, redirectUri)) return { page: 'redirect_uri is not registered for this client' };
  const fail = (error: string, description: string): RedirectError => ({
    redirect: codeFlowRedirect(ctx, redirectUri, state, { error, error_description: description }),
  });
  if (params.get('code_challenge_method') !== 'S256') return fail('invalid_request', 'PKCE with code_challenge_method=S256 is required');
  const codeChallenge = params.get('code_challenge');
  if (codeChallenge === null || !CODE_CHALLENGE.test(codeChallenge)) return fail('invalid_request', 'code_challenge must be a base64url SHA-256 digest');
  const scope = parseScope(params.get('scope'));
  if (scope === undefined || !scope.includes('openid')) return fail('invalid_scope', 'scope must include openid');
  return {
    flow: 'code',
    redirectUri,
    clientId,
    scope: grantedScope(scope),
    codeChallenge,
    ...(state === undefined ? {} : { state }),
    ...(nonce === undefined ? {} : { nonce }),
  };
}

/** The request's parameters again, as the form's hidden fields. */
function hiddenFields(request: AuthorizeRequest): Array<[string, string]> {
  const fields: Array<[string, string | undefined]> = [
    ['response_type', request.flow === 'code' ? 'code' : 'id_token'],
    ['redirect_uri', request.redirectUri],
    ['client_id', request.clientId],
    ['state', request.state],
    ['nonce', request.nonce],
  ];
  if (request.flow === 'code') {
    fields.push(['scope', request.scope.join(' ')], ['code_challenge', request.codeChallenge], ['code_challenge_method', 'S256']);
  }
  return fields.filter((field): field is [string, string] => field[1] !== undefined);
}

function implicitRedirect(redirectUri: string, state: string | undefined, params: Record<string, string>): string {
  const fragment = new URLSearchParams(params);
  if (state !== undefined) fragment.set('state', state);
  const url = new URL(redirectUri);
  url.hash = fragment.toString();
  return url.toString();
}

async function signIn(ctx: IssuerContext, request: AuthorizeRequest, username: string): Promise<string> {
  const subject = subjectForUsername(username);
  const authTime = Math.floor(ctx.now() / 1000);
  if (request.flow === 'implicit') {
    const idToken = await ctx.signIdToken({
      audience: request.clientId ?? ctx.defaultAudience,
      subject,
      username,
      authTime,
      expiresIn: 3600,
      ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    });
    return implicitRedirect(request.redirectUri, request.state, { id_token: idToken });
  }
  const code = randomBytes(32).toString('base64url');
  const stored = ctx.codes.set(
    code,
    {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: request.scope,
      subject,
      username,
      authTime,
      ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    },
    ctx.now() + ctx.codeTtlMs,
  );
  if (!stored) return codeFlowRedirect(ctx, request.redirectUri, request.state, { error: 'temporarily_unavailable', error_description: 'Too many sign-ins in progress' });
  return codeFlowRedirect(ctx, request.redirectUri, request.state, { code });
}

/** `GET /authorize` shows the sign-in form; `POST /authorize` (the form) signs in or refuses consent. */
export async function handleAuthorize(ctx: IssuerContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  let params = url.searchParams;
  if (req.method === 'POST') {
    const read = await readForm(req);
    if (read.kind !== 'ok') return sendHtml(res, read.status, renderErrorPage(read.description));
    params = read.form;
  }
  const request = readRequest(ctx, params);
  if ('page' in request) return sendHtml(res, 400, renderErrorPage(request.page));
  if ('redirect' in request) return sendRedirect(res, request.redirect);
  if (req.method === 'GET') return sendHtml(res, 200, renderLoginPage(hiddenFields(request), ctx.issuer()));

  if (params.get('action') === 'deny') {
    const refusal = { error: 'access_denied', error_description: 'The user refused to sign in' };
    return sendRedirect(
      res,
      request.flow === 'code' ? codeFlowRedirect(ctx, request.redirectUri, request.state, refusal) : implicitRedirect(request.redirectUri, request.state, refusal),
    );
  }
  const username = params.get('username')?.trim() ?? '';
  if (username === '' || username.length > 256) {
    return sendHtml(res, 400, renderLoginPage(hiddenFields(request), ctx.issuer(), 'Enter a username.'));
  }
  sendRedirect(res, await signIn(ctx, request, username));
}

import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, type JWTPayload } from 'jose';
import { checkClock, checkPort } from './option-checks';
import { IssuerKeyRing } from './issuer-key-ring';
import { LOCAL_CLIENT_ID } from './local-defaults';
import { implicitRedirect, readAuthorizeParams, renderErrorPage, renderLoginPage } from './login-page';
import { closeServer, listenOnLoopback } from './loopback-server';
import { readBody } from './read-body';
import { createGuardedServer, isAllowedUrl, requestUrl, resolveServerGuards, type ServerGuardOptions } from './server-guards';

/** Options of {@link startLocalOidcIssuer}; the server guards (timeouts, allowed hosts) are described on {@link ServerGuardOptions}. */
export interface LocalOidcIssuerOptions extends ServerGuardOptions {
  /** Port on 127.0.0.1; default 0 (an ephemeral port). */
  readonly port?: number;
  /** Default `aud` of minted tokens; default {@link LOCAL_CLIENT_ID}. */
  readonly audience?: string;
  /** Clock in epoch ms for `iat`/`exp`; default `Date.now`. */
  readonly now?: () => number;
}

/** Claims of a minted token; any extra claim is kept. `iss` is always the issuer. */
export interface MintClaims {
  readonly [claim: string]: unknown;
  /** Subject; default a fresh UUID. An explicit `undefined` leaves the claim out (to test rejections). */
  readonly sub?: string | undefined;
  /** Issued at, epoch seconds; default the issuer clock. */
  readonly iat?: number;
  /** Not before, epoch seconds; absent by default. */
  readonly nbf?: number;
  /** Expiry, epoch seconds; default `iat`-clock + `expiresIn`. */
  readonly exp?: number;
}

/** Options of {@link LocalOidcIssuer.mintToken}. */
export interface MintOptions {
  /** Seconds from now until `exp`; default 3600; negative mints an already expired token. */
  readonly expiresIn?: number;
  /** `aud` claim; default the issuer's audience. */
  readonly audience?: string | string[];
  /** Key id: the current key by default; a retired kid signs with that retired key; an unknown kid is put in the header as is. */
  readonly kid?: string;
}

/** A running local OpenID Connect issuer. */
export interface LocalOidcIssuer {
  /** Issuer URL (`iss`), e.g. `http://127.0.0.1:4010`. */
  readonly issuer: string;
  /** The Logins key for this issuer: its URL without the scheme, e.g. `127.0.0.1:4010`. */
  readonly loginsKey: string;
  readonly jwksUri: string;
  /** Default `aud` of the tokens it mints. */
  readonly audience: string;
  /** Signs an RS256 id token. */
  mintToken(claims?: MintClaims, options?: MintOptions): Promise<string>;
  /** New signing key with a new kid; the old key leaves the JWKS at once. */
  rotateKeys(): Promise<{ kid: string; retiredKid: string }>;
  close(): Promise<void>;
}

const MAX_FORM_BYTES = 64 * 1024;

/** A stable `sub` for a username typed into the login page. */
function subjectForUsername(username: string): string {
  const hex = createHash('sha256').update(`idpool-local:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void =>
  send(res, status, 'application/json', JSON.stringify(value), headers);

// Discovery and JWKS are public: any page may read them, as with a real issuer.
const PUBLIC_CORS = { 'Access-Control-Allow-Origin': '*' };

/**
 * Starts an OpenID Connect issuer on 127.0.0.1: discovery document, JWKS,
 * RS256 id tokens minted in code (`mintToken`) or over HTTP (`GET /mint?sub=…`),
 * and a tiny login page (`GET /authorize`, implicit flow) for browser demos.
 * `rotateKeys()` replaces the signing key and drops the old one from the JWKS.
 *
 * @example
 * ```ts
 * import { startLocalOidcIssuer } from 'idpool/local';
 *
 * const issuer = await startLocalOidcIssuer({ port: 4010 });
 * const token = await issuer.mintToken({ sub: 'alice' }, { expiresIn: 300 });
 * const expired = await issuer.mintToken({ sub: 'alice' }, { expiresIn: -60 });
 * console.log(issuer.loginsKey); // '127.0.0.1:4010'
 * await issuer.close();
 * ```
 */
export async function startLocalOidcIssuer(options: LocalOidcIssuerOptions = {}): Promise<LocalOidcIssuer> {
  const port = checkPort(options.port, 'port');
  const now = checkClock(options.now, 'now');
  if (options.audience !== undefined && (typeof options.audience !== 'string' || options.audience === '')) {
    throw new TypeError('"audience" must be a non-empty string');
  }
  const audience = options.audience ?? LOCAL_CLIENT_ID;
  const guards = resolveServerGuards(options);
  const keys = await IssuerKeyRing.create();
  let issuer = '';

  const mintToken = async (claims: MintClaims = {}, mint: MintOptions = {}): Promise<string> => {
    const expiresIn = mint.expiresIn ?? 3600;
    if (!Number.isFinite(expiresIn)) throw new TypeError('"expiresIn" must be a finite number of seconds');
    const iat = typeof claims.iat === 'number' ? claims.iat : Math.floor(now() / 1000);
    const key = keys.signingKey(mint.kid);
    const payload = {
      sub: randomUUID(),
      aud: audience,
      ...claims,
      ...(mint.audience === undefined ? {} : { aud: mint.audience }),
      iss: issuer,
      iat,
      exp: typeof claims.exp === 'number' ? claims.exp : Math.floor(now() / 1000) + Math.trunc(expiresIn),
    } as JWTPayload;
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  };

  const isAllowedRedirect = (target: string): boolean => isAllowedUrl(target, guards.allowedHosts);

  const authorize = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (req.method === 'GET') {
      const params = readAuthorizeParams(url.searchParams, isAllowedRedirect);
      if (typeof params === 'string') return send(res, 400, 'text/html; charset=utf-8', renderErrorPage(params));
      return send(res, 200, 'text/html; charset=utf-8', renderLoginPage(params, issuer));
    }
    const read = await readBody(req, MAX_FORM_BYTES);
    if (read.kind !== 'ok') return send(res, 413, 'text/html; charset=utf-8', renderErrorPage('Form too large'));
    const form = new URLSearchParams(read.body);
    const params = readAuthorizeParams(form, isAllowedRedirect);
    if (typeof params === 'string') return send(res, 400, 'text/html; charset=utf-8', renderErrorPage(params));
    const username = form.get('username')?.trim() ?? '';
    if (username === '') {
      return send(res, 400, 'text/html; charset=utf-8', renderLoginPage(params, issuer, 'Enter a username.'));
    }
    const idToken = await mintToken(
      {
        sub: subjectForUsername(username),
        preferred_username: username,
        name: username,
        ...(params.nonce === undefined ? {} : { nonce: params.nonce }),
      },
      { audience: params.clientId ?? audience },
    );
    res.writeHead(302, { Location: implicitRedirect(params, idToken), 'Cache-Control': 'no-store', 'Content-Length': 0 });
    res.end();
  };

  // Dev-only: mint a token over HTTP (used by the CLI and curl).
  const mintRoute = async (res: ServerResponse, url: URL, cors: Record<string, string>): Promise<void> => {
    const sub = url.searchParams.get('sub') ?? undefined;
    const expiresInText = url.searchParams.get('expiresIn');
    const expiresIn = expiresInText === null ? undefined : Number(expiresInText);
    if (expiresIn !== undefined && !Number.isFinite(expiresIn)) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'expiresIn must be a number of seconds' }, cors);
    }
    const aud = url.searchParams.get('aud') ?? undefined;
    const idToken = await mintToken(sub === undefined ? {} : { sub }, {
      ...(expiresIn === undefined ? {} : { expiresIn }),
      ...(aud === undefined ? {} : { audience: aud }),
    });
    sendJson(res, 200, { id_token: idToken }, cors);
  };

  // A page reaching the issuer through a rebound DNS name must not mint tokens or read the login page.
  const refuseHost = (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(403, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ error: 'access_denied', error_description: 'The Host header does not name this local issuer.' }));
  };

  const server = createGuardedServer(guards, (req, res) => {
    const url = requestUrl(req.url);
    if (url === undefined) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'The request target is not a valid URL.' });
      return;
    }
    // The issuer signs in anyone, so a page from elsewhere (any Origin but loopback or an allowed host,
    // `null` included) must not mint, sign in (login CSRF) or read what /mint and /authorize answer.
    const origin = req.headers.origin;
    const foreignOrigin = origin !== undefined && !isAllowedUrl(origin, guards.allowedHosts);
    const pageCors: Record<string, string> =
      origin === undefined || foreignOrigin ? {} : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
    const route = async (): Promise<void> => {
      if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
        return sendJson(res, 200, {
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          authorization_endpoint: `${issuer}/authorize`,
          response_types_supported: ['id_token'],
          response_modes_supported: ['fragment'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid', 'profile'],
          claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'name', 'preferred_username'],
        }, PUBLIC_CORS);
      }
      if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') return sendJson(res, 200, keys.jwks(), PUBLIC_CORS);
      const pageRoute = url.pathname === '/authorize' || url.pathname === '/mint';
      if (pageRoute && foreignOrigin) {
        return sendJson(res, 403, { error: 'access_denied', error_description: 'Requests from this origin are not accepted.' });
      }
      if ((req.method === 'GET' || req.method === 'POST') && url.pathname === '/authorize') return authorize(req, res, url);
      if (req.method === 'GET' && url.pathname === '/mint') return mintRoute(res, url, pageCors);
      sendJson(res, 404, { error: 'not_found' });
    };
    route().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
    });
  }, refuseHost);
  const boundPort = await listenOnLoopback(server, port);
  issuer = `http://127.0.0.1:${boundPort}`;

  return {
    issuer,
    loginsKey: `127.0.0.1:${boundPort}`,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    audience,
    mintToken,
    rotateKeys: () => keys.rotate(),
    close: () => closeServer(server),
  };
}

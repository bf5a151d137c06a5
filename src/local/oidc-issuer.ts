import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, type JWTPayload } from 'jose';
import { DeviceCodeStore } from './issuer-device-codes';
import { ExpiringMap } from './issuer-expiring-map';
import { IssuerKeyRing } from './issuer-key-ring';
import { RefreshTokenStore } from './issuer-refresh-tokens';
import { LOCAL_CLIENT_ID } from './local-defaults';
import { closeServer, listenOnLoopback } from './loopback-server';
import { handleAuthorize } from './oidc-authorize';
import { registerClients } from './oidc-clients';
import { handleDeviceAuthorization, handleDevicePage } from './oidc-device-flow';
import { discoveryDocument } from './oidc-discovery';
import { sendJson } from './oidc-http';
import type { AuthorizationCode, IssuerContext, MintRequest } from './oidc-issuer-context';
import type { LocalOidcIssuer, LocalOidcIssuerOptions, MintClaims, MintOptions } from './oidc-issuer-types';
import { handleRevoke, handleToken } from './oidc-token-endpoint';
import { checkClock, checkPort } from './option-checks';
import { createGuardedServer, isAllowedUrl, requestUrl, resolveServerGuards } from './server-guards';

export type { LocalOidcIssuer, LocalOidcIssuerOptions, MintClaims, MintOptions } from './oidc-issuer-types';

// Discovery and JWKS are public: any page may read them, as with a real issuer.
const PUBLIC_CORS = { 'Access-Control-Allow-Origin': '*' };
const PUBLIC_PATHS = new Set(['/.well-known/openid-configuration', '/.well-known/jwks.json']);
const CODE_TTL_MS = 60_000;
const MAX_CODES = 1_000;
const DAY_S = 86_400;

function checkSeconds(value: unknown, option: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
    throw new TypeError(`"${option}" must be a whole number of seconds between 1 and ${max}`);
  }
  return value;
}

/**
 * Starts an OpenID Connect issuer on 127.0.0.1 for development and tests:
 *
 * - discovery document and JWKS; RS256 id tokens minted in code (`mintToken`) or over HTTP (`GET /mint?sub=…`);
 * - a tiny sign-in page (`/authorize`): the implicit flow for browser demos, and the authorization
 *   code flow with PKCE (S256 only) for registered `clients`, redirect URIs matched exactly (any port
 *   on a loopback IP literal, RFC 8252);
 * - a token endpoint: single-use codes (60 s), rotating refresh tokens with the `offline_access`
 *   scope (a reused one revokes its sign-in), and the device authorization grant (RFC 8628) with
 *   its `/device` page; `/revoke` (RFC 7009);
 * - `rotateKeys()` replaces the signing key and drops the old one from the JWKS.
 *
 * @example
 * ```ts
 * import { startLocalOidcIssuer } from 'idpool/local';
 *
 * const issuer = await startLocalOidcIssuer({ port: 4010, idTokenTtlSeconds: 300 });
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
  const clients = registerClients(options.clients, audience);
  const idTokenTtlSeconds = checkSeconds(options.idTokenTtlSeconds, 'idTokenTtlSeconds', 3600, DAY_S);
  const refreshTtlS = checkSeconds(options.refreshTokenTtlSeconds, 'refreshTokenTtlSeconds', 30 * DAY_S, 365 * DAY_S);
  const deviceTtlS = checkSeconds(options.deviceCodeTtlSeconds, 'deviceCodeTtlSeconds', 600, DAY_S);
  const intervalS = checkSeconds(options.devicePollIntervalSeconds, 'devicePollIntervalSeconds', 5, 60);
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

  const signIdToken = (request: MintRequest): Promise<string> =>
    mintToken(
      {
        sub: request.subject,
        preferred_username: request.username,
        name: request.username,
        auth_time: request.authTime,
        ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
      },
      { audience: request.audience, expiresIn: request.expiresIn },
    );

  const refreshTokens = new RefreshTokenStore(refreshTtlS * 1000, now);
  const ctx: IssuerContext = {
    issuer: () => issuer,
    now,
    defaultAudience: audience,
    allowedHosts: guards.allowedHosts,
    clients,
    codes: new ExpiringMap<AuthorizationCode>(MAX_CODES, now),
    redeemedCodes: new ExpiringMap<string>(MAX_CODES, now),
    refreshTokens,
    deviceCodes: new DeviceCodeStore(deviceTtlS * 1000, intervalS * 1000, now),
    codeTtlMs: CODE_TTL_MS,
    idTokenTtlSeconds,
    signIdToken,
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

  /** `METHOD path` → handler; a Map, so request text never reaches a prototype. */
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse, url: URL, cors: Record<string, string>) => Promise<void> | void>([
    ['GET /.well-known/openid-configuration', (_req, res) => sendJson(res, 200, discoveryDocument(issuer), PUBLIC_CORS)],
    ['GET /.well-known/jwks.json', (_req, res) => sendJson(res, 200, keys.jwks(), PUBLIC_CORS)],
    ['GET /authorize', (req, res, url) => handleAuthorize(ctx, req, res, url)],
    ['POST /authorize', (req, res, url) => handleAuthorize(ctx, req, res, url)],
    ['POST /token', (req, res) => handleToken(ctx, req, res)],
    ['POST /revoke', (req, res) => handleRevoke(ctx, req, res)],
    ['POST /device_authorization', (req, res) => handleDeviceAuthorization(ctx, req, res)],
    ['GET /device', (req, res, url) => handleDevicePage(ctx, req, res, url)],
    ['POST /device', (req, res, url) => handleDevicePage(ctx, req, res, url)],
    ['GET /mint', (_req, res, url, cors) => mintRoute(res, url, cors)],
  ]);

  const server = createGuardedServer(guards, (req, res) => {
    const url = requestUrl(req.url);
    if (url === undefined) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'The request target is not a valid URL.' });
      return;
    }
    // The issuer signs in anyone, so a page from elsewhere (any Origin but loopback or an allowed host,
    // `null` included) must not mint, sign in (login CSRF), approve a device or read any answer but
    // the public discovery document and JWKS.
    const origin = req.headers.origin;
    const foreignOrigin = origin !== undefined && !isAllowedUrl(origin, guards.allowedHosts);
    const pageCors: Record<string, string> =
      origin === undefined || foreignOrigin ? {} : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
    if (foreignOrigin && !PUBLIC_PATHS.has(url.pathname)) {
      req.resume();
      sendJson(res, 403, { error: 'access_denied', error_description: 'Requests from this origin are not accepted.' });
      return;
    }
    const handler = routes.get(`${req.method ?? ''} ${url.pathname}`);
    if (handler === undefined) {
      req.resume();
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    Promise.resolve()
      .then(() => handler(req, res, url, pageCors))
      .catch(() => {
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
    revokeRefreshTokens: (subject?: string) => refreshTokens.revokeAll(subject),
    close: () => closeServer(server),
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { ProviderError, toProviderError } from './oidc-client';

export type TokenResponse = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

export interface LoopbackSignInOptions {
  readonly config: oidc.Configuration;
  readonly scope: string;
  /** Port on 127.0.0.1; 0 for an ephemeral one (RFC 8252 §7.3). */
  readonly port: number;
  /** How long the user has to sign in. */
  readonly timeoutMs: number;
  /** Extra authorization request parameters (`access_type=offline`, `prompt=consent`); never the flow's own. */
  readonly extraParams?: ReadonlyArray<readonly [string, string]>;
  /** Aborts the wait (Ctrl+C). */
  readonly signal: AbortSignal;
  /** Shows the user where to sign in (prints the URL, opens the browser). */
  readonly announce: (url: string) => Promise<void>;
}

const CALLBACK_PATH = '/callback';

/** Answers with a short page; resolves once it is handed to the socket (so closing the server cannot cut it). */
function page(res: ServerResponse, status: number, title: string, text: string): Promise<void> {
  const body = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>idpool: ${title}</title></head><body><h1 id="outcome">${title}</h1><p>${text}</p></body></html>\n`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'",
    // The callback URL held the code: keep it out of Referer headers of whatever the user opens next.
    'Referrer-Policy': 'no-referrer',
  });
  return new Promise((resolve) => res.end(body, () => resolve()));
}

/**
 * The authorization code flow with PKCE on a loopback redirect (RFC 8252): a one-request server on
 * `http://127.0.0.1:<port>/callback` receives the redirect, and openid-client checks `state`, the
 * issuer (`iss`), PKCE and the id token's `nonce` while exchanging the code. The first answer on the
 * callback settles the sign-in, good or bad: a forged one (wrong `state`) fails it, it never waits on.
 */
export async function signInWithBrowser(options: LoopbackSignInOptions): Promise<TokenResponse> {
  const { config } = options;
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const codeChallenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();

  let settle: { resolve: (tokens: TokenResponse) => void; reject: (error: unknown) => void } | undefined;
  const outcome = new Promise<TokenResponse>((resolve, reject) => (settle = { resolve, reject }));
  let host = '';
  let redirectUri = '';

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Only this machine's browser, by the address it was given (a rebound DNS name is another site).
    if (req.headers.host !== host) return page(res, 403, 'Forbidden', 'Wrong host.');
    const url = new URL(req.url ?? '/', redirectUri);
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) return page(res, 404, 'Not found', 'Nothing here.');
    const current = settle;
    if (current === undefined) return page(res, 409, 'Already answered', 'This sign-in is over; return to your terminal.');
    settle = undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      await page(res, 200, 'Signed in', 'You can close this window and return to your terminal.');
      current.resolve(tokens);
    } catch (error) {
      const failure = toProviderError(error, 'sign-in');
      await page(res, 400, 'Sign-in failed', 'Return to your terminal for the reason.');
      current.reject(failure);
    }
  };

  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) void page(res, 500, 'Error', 'Return to your terminal.');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  host = `127.0.0.1:${port}`;
  redirectUri = `http://${host}${CALLBACK_PATH}`;

  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = (): void => settle?.reject(new ProviderError('sign-in cancelled'));
  try {
    // The extra parameters first: the flow's own are set after them and cannot be overridden.
    const parameters = new URLSearchParams(options.extraParams?.map(([name, value]) => [name, value]));
    for (const [name, value] of Object.entries({ redirect_uri: redirectUri, scope: options.scope, code_challenge: codeChallenge, code_challenge_method: 'S256', state, nonce })) {
      parameters.set(name, value);
    }
    const url = oidc.buildAuthorizationUrl(config, parameters);
    timer = setTimeout(() => settle?.reject(new ProviderError(`no sign-in within ${Math.round(options.timeoutMs / 1000)} s; run idpool login again`)), options.timeoutMs);
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();
    await options.announce(url.href);
    return await outcome;
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

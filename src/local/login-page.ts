/** What the browser sent to `/authorize` (query on GET, form on POST). */
export interface AuthorizeParams {
  readonly redirectUri: string;
  readonly state?: string;
  readonly nonce?: string;
  readonly clientId?: string;
}

const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/**
 * Reads and checks the authorize parameters. The redirect must be an absolute http(s) URL that
 * `isAllowedRedirect` accepts: the id token travels in it, so a redirect elsewhere hands it away.
 */
export function readAuthorizeParams(
  params: URLSearchParams,
  isAllowedRedirect: (url: string) => boolean,
): AuthorizeParams | string {
  const redirectUri = params.get('redirect_uri');
  if (redirectUri === null || !URL.canParse(redirectUri)) return 'redirect_uri must be an absolute URL';
  const protocol = new URL(redirectUri).protocol;
  if (protocol !== 'http:' && protocol !== 'https:') return 'redirect_uri must be an http or https URL';
  if (!isAllowedRedirect(redirectUri)) return 'redirect_uri must name a loopback host or one of "allowedHosts"';
  const optional = (name: string, key: keyof AuthorizeParams): Partial<AuthorizeParams> => {
    const value = params.get(name);
    return value === null ? {} : { [key]: value };
  };
  return {
    redirectUri,
    ...optional('state', 'state'),
    ...optional('nonce', 'nonce'),
    ...optional('client_id', 'clientId'),
  };
}

/** The sign-in form: a username and a "Sign in" button (`#username`, `#sign-in`); no password, it is a local issuer. */
export function renderLoginPage(params: AuthorizeParams, issuer: string, error?: string): string {
  const hidden = (name: string, value: string | undefined): string =>
    value === undefined ? '' : `\n      <input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Sign in · idpool local issuer</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 22rem; margin: 4rem auto; padding: 0 1rem; }
      label, input, button { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; }
      input { margin: .25rem 0 1rem; padding: .5rem; }
      button { padding: .6rem; cursor: pointer; }
      .error { color: #b00020; }
      small { color: #666; }
    </style>
  </head>
  <body>
    <h1>Sign in</h1>
    <p><small>Local OIDC issuer ${escapeHtml(issuer)}: any username signs in.</small></p>${
      error === undefined ? '' : `\n    <p class="error" role="alert">${escapeHtml(error)}</p>`
    }
    <form method="post" action="/authorize">${hidden('redirect_uri', params.redirectUri)}${hidden('state', params.state)}${hidden('nonce', params.nonce)}${hidden('client_id', params.clientId)}
      <label for="username">Username</label>
      <input id="username" name="username" autocomplete="username" required autofocus>
      <button id="sign-in" type="submit">Sign in</button>
    </form>
  </body>
</html>
`;
}

/** Where the browser goes after signing in: the implicit flow's fragment with the id token and state. */
export function implicitRedirect(params: AuthorizeParams, idToken: string): string {
  const fragment = new URLSearchParams({ id_token: idToken });
  if (params.state !== undefined) fragment.set('state', params.state);
  const url = new URL(params.redirectUri);
  url.hash = fragment.toString();
  return url.toString();
}

export function renderErrorPage(message: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>Bad request</h1><p>${escapeHtml(message)}</p></body></html>\n`;
}

/** The issuer's HTML: the sign-in form and short message pages. Every value put in them is escaped. */

export const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** A whole page around `body` (already HTML). */
export function renderPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)} · idpool local issuer</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 22rem; margin: 4rem auto; padding: 0 1rem; }
      label, input, button { display: block; width: 100%; box-sizing: border-box; font-size: 1rem; }
      input { margin: .25rem 0 1rem; padding: .5rem; }
      button { padding: .6rem; cursor: pointer; margin-bottom: .5rem; }
      .error { color: #b00020; }
      small { color: #666; }
    </style>
  </head>
  <body>
${body}
  </body>
</html>
`;
}

const hiddenInputs = (fields: ReadonlyArray<readonly [string, string]>): string =>
  fields.map(([name, value]) => `\n      <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');

const errorLine = (error: string | undefined): string =>
  error === undefined ? '' : `\n    <p class="error" role="alert">${escapeHtml(error)}</p>`;

/**
 * The sign-in form: a username, "Sign in" (`#sign-in`) and "Cancel" (`#cancel`, refuses consent).
 * No password: it is a local issuer, any username signs in. `fields` travel as hidden inputs.
 */
export function renderLoginPage(fields: ReadonlyArray<readonly [string, string]>, issuer: string, error?: string): string {
  return renderPage(
    'Sign in',
    `    <h1>Sign in</h1>
    <p><small>Local OIDC issuer ${escapeHtml(issuer)}: any username signs in.</small></p>${errorLine(error)}
    <form method="post" action="/authorize">${hiddenInputs(fields)}
      <label for="username">Username</label>
      <input id="username" name="username" autocomplete="username" required autofocus>
      <button id="sign-in" type="submit" name="action" value="approve">Sign in</button>
      <button id="cancel" type="submit" name="action" value="deny" formnovalidate>Cancel</button>
    </form>`,
  );
}

/** The device flow's page (RFC 8628 §3.3): the code shown on the device, a username, approve or refuse. */
export function renderDevicePage(userCode: string | undefined, issuer: string, error?: string): string {
  return renderPage(
    'Connect a device',
    `    <h1>Connect a device</h1>
    <p><small>Local OIDC issuer ${escapeHtml(issuer)}: enter the code your device shows; any username signs in.</small></p>${errorLine(error)}
    <form method="post" action="/device">
      <label for="user-code">Code</label>
      <input id="user-code" name="user_code" autocomplete="off" required value="${escapeHtml(userCode ?? '')}">
      <label for="username">Username</label>
      <input id="username" name="username" autocomplete="username" required>
      <button id="sign-in" type="submit" name="action" value="approve">Sign in</button>
      <button id="cancel" type="submit" name="action" value="deny" formnovalidate>Cancel</button>
    </form>`,
  );
}

export function renderMessagePage(title: string, message: string): string {
  return renderPage(title, `    <h1 id="outcome">${escapeHtml(title)}</h1>\n    <p>${escapeHtml(message)}</p>`);
}

export function renderErrorPage(message: string): string {
  return renderMessagePage('Bad request', message);
}

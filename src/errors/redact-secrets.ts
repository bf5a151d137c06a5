const REDACTED = '[redacted]';
// A JWT (JWS compact form, three parts) or an encrypted token (JWE, five parts: Cognito's refresh
// tokens) of any issuer: the header is a base64url JSON object.
const TOKEN_SHAPE = /eyJ[\w-]{2,}\.[\w-]{2,}(?:\.[\w-]*){1,3}/g;
// A secret quoted as a field of a dumped object or config: `"SecretKey":"…"`, `sessionToken: '…'`,
// `aws_secret_access_key = …`. Credentials providers fetch keys idpool never sees, so only the
// field name can give them away.
const SECRET_FIELD = /((?:secret_?(?:access_?)?key|session_?token|(?:id|access|refresh)_?token)["']?\s*[:=]\s*["']?)[\w/+=.-]{16,}/gi;
// Cognito's ValidationException quotes the Logins map: "Value '{provider=token}' at 'logins'".
const QUOTED_LOGINS = /Value '\{[^']*\}' at 'logins'/g;

/** The ways a secret may be written in an error text: as it is, URL-encoded, JSON-escaped. */
function formsOf(secret: string): string[] {
  const forms = [secret];
  try {
    forms.push(encodeURIComponent(secret));
  } catch {
    // A lone surrogate cannot be URL-encoded; the secret is still removed as it is.
  }
  const escaped = JSON.stringify(secret).slice(1, -1);
  forms.push(escaped, escaped.replaceAll('/', '\\/'));
  return forms;
}

/**
 * Removes each secret (as it is, URL-encoded or JSON-escaped) from a message before it can be
 * shown or logged, and whatever else looks like a secret: JWT- and JWE-shaped text (a server or
 * callback may quote a token idpool was never told about), fields named like AWS secret keys,
 * session tokens or OAuth tokens, and the Logins map Cognito quotes. Secrets shorter than 8
 * characters are not searched for: removing them would garble every message, and so short a
 * value protects nothing.
 */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let result = message;
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 8) continue;
    for (const form of formsOf(secret)) result = result.split(form).join(REDACTED);
  }
  return result
    .replace(QUOTED_LOGINS, `Value '${REDACTED}' at 'logins'`)
    .replace(SECRET_FIELD, `$1${REDACTED}`)
    .replace(TOKEN_SHAPE, REDACTED);
}

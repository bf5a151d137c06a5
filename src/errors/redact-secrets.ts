const REDACTED = '[redacted]';

/** Removes each secret (and its URL-encoded form) from a message before it can be shown or logged. */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let result = message;
  for (const secret of secrets) {
    if (secret.length < 8) continue;
    result = result.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) result = result.split(encoded).join(REDACTED);
  }
  return result;
}

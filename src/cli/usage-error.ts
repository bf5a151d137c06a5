/** A wrong command line: reported with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `parseArgs` failures (unknown option, missing value) and our own checks, as one usage error. */
export function asUsageError(error: unknown): UsageError {
  return error instanceof UsageError ? error : new UsageError(error instanceof Error ? error.message : String(error));
}

/**
 * Text from elsewhere (a provider, a token's claims) made safe to print: no control or format
 * characters (terminal escapes, bidi overrides), bounded.
 */
export const printable = (text: string, max = 200): string => text.slice(0, max).replace(/\p{C}/gu, '?');

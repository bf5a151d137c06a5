import type { AuthError } from '../../src/index';
import { toAuthError } from '../../src/errors/to-auth-error';

/** Everything of an `AuthError` a caller or a log sees, its redacted cause included (not the stack). */
export interface AuthErrorSummary {
  name: string;
  code: string;
  message: string;
  retryable: boolean;
  recoverySuggestion: string;
  cause: Record<string, unknown> | undefined;
}

function causeSummary(cause: unknown, withRequestId: boolean): Record<string, unknown> | undefined {
  if (!(cause instanceof Error)) return undefined;
  const { $fault, $metadata, code } = cause as Error & { $fault?: string; $metadata?: Record<string, unknown>; code?: string };
  const metadata = $metadata === undefined ? undefined : { ...$metadata };
  if (metadata !== undefined && !withRequestId) delete metadata.requestId;
  return { name: cause.name, message: cause.message, $fault, $metadata: metadata, code, cause: causeSummary(cause.cause, withRequestId) };
}

/**
 * `toAuthError(thrown, secrets)` as plain data, for deep equality between transports. Request ids
 * are left out when the server makes a new one per answer (the local pool does).
 */
export function mapped(thrown: unknown, secrets: readonly string[] = [], options: { withRequestId?: boolean } = {}): AuthErrorSummary {
  const error: AuthError = toAuthError(thrown, secrets);
  return {
    name: error.name,
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    recoverySuggestion: error.recoverySuggestion,
    cause: causeSummary(error.cause, options.withRequestId ?? true),
  };
}

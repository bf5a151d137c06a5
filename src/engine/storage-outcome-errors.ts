import { StorageError } from '../errors/error-classes';
import type { AuthEvent } from '../model/auth-events';

// What the app hears when storage fails under a federation or a clear: the session in memory
// and the session in storage differ (see docs/sessions.md).

export function storageFailureEvent(error: StorageError): AuthEvent {
  return {
    type: 'sessionStorage_failure',
    adapter: error.adapter ?? 'custom',
    operation: error.operation ?? 'setItem',
    error: { name: error.name, message: error.message },
  };
}

function failedCall(error: StorageError): string {
  return `${error.adapter ?? 'custom'} ${error.operation ?? 'setItem'}${error.reason !== undefined ? `: ${error.reason}` : ''}`;
}

/** The federation holds in memory, but storage could not take it (see docs/sessions.md). */
export function notSavedError(outcome: { error: StorageError; staleLeft: boolean }): StorageError {
  const { error } = outcome;
  const stale = outcome.staleLeft
    ? ' The previous session in storage could not be removed either: a restart may restore it.'
    : ' The previous session in storage was removed.';
  return new StorageError(
    `Federated, but the session was not saved to storage (${failedCall(error)}). It is served from memory until this engine stops.${stale}`,
    {
      adapter: error.adapter ?? 'custom',
      operation: error.operation ?? 'setItem',
      ...(error.reason !== undefined ? { reason: error.reason } : {}),
      cause: error,
      recoverySuggestion: 'fetchAuthSession() serves the new session. Fix the storage (e.g. a cookie over 4 KB: use another storage) and federate again to persist it.',
    },
  );
}

/** The engine cleared its session, but storage still holds it. */
export function notClearedError(error: StorageError): StorageError {
  return new StorageError(
    `Cleared in this engine, but the stored session could not be removed or overwritten (${failedCall(error)}): a restart may restore it.`,
    {
      adapter: error.adapter ?? 'custom',
      operation: error.operation ?? 'removeItem',
      ...(error.reason !== undefined ? { reason: error.reason } : {}),
      cause: error,
      recoverySuggestion: 'Fix the storage and call clearFederationToIdentityPool() again, or clear the storage yourself.',
    },
  );
}

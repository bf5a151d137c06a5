import type { CredentialsAndIdentityIdProvider } from './credentials-provider';

/**
 * Tells the app's credentials provider that the federation was cleared. It runs inside a
 * machine action, where a throw would stop the engine: whatever it throws or rejects with
 * is dropped, as the clear has already happened on idpool's side.
 */
export function clearProvider(provider: CredentialsAndIdentityIdProvider): void {
  try {
    const result: unknown = provider.clearCredentialsAndIdentityId();
    // An async implementation's rejection must not become an unhandled rejection.
    new Promise((settle) => settle(result)).catch(() => undefined);
  } catch {
    // Nothing to report it with, and nothing left to undo.
  }
}

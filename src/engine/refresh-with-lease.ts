import { replaces, type HeldCredentials } from '../model/credentials';
import type { CredentialsOutput } from '../model/service-calls';
import { AbortError } from '../errors/error-classes';
import type { AuthSettings } from './options';
import { refreshLeaseKey, type SessionStore } from '../session/session-store';

const POLL_INTERVAL_MS = 200;
const LEASE_MARGIN_MS = 5_000;

export interface LeaseContext {
  settings: AuthSettings;
  store: SessionStore;
  signal: AbortSignal;
  /** The credentials being replaced; newer ones from a peer will do. */
  replacing: HeldCredentials | undefined;
  /** The session refreshed: a peer's credentials count only for the same, uncleared session. */
  sessionId?: string | undefined;
}

/**
 * Refreshes credentials so that of several contexts sharing a storage only one calls
 * Cognito: the holder of the storage lease does; the others wait for its result to appear
 * in storage (or for the lease to run out, then refresh themselves).
 */
export async function refreshWithLease(context: LeaseContext, refresh: () => Promise<CredentialsOutput>): Promise<CredentialsOutput> {
  const { settings, signal } = context;
  const storage = settings.storage;
  if (!settings.shareSession || !storage.tryAcquireLease) return refresh();
  // The lease must outlast the step it guards, or a peer takes over and asks again: one Cognito
  // call, or a credentials provider's callback (bounded by callbackTimeoutMs).
  const stepTimeoutMs = settings.credentialsProvider ? Math.max(settings.requestTimeoutMs, settings.callbackTimeoutMs) : settings.requestTimeoutMs;
  const ttl = stepTimeoutMs + LEASE_MARGIN_MS;
  const lease = await storage.tryAcquireLease(refreshLeaseKey(settings.namespace, settings.identityPoolId), ttl);
  if (lease) {
    try {
      // The previous holder may have refreshed just before releasing: its result will do.
      return (await readSharedCredentials(context)) ?? (await refresh());
    } finally {
      await lease.release().catch(() => undefined);
    }
  }
  const shared = await waitForSharedCredentials(context, ttl);
  if (shared) return shared;
  // Stopped while waiting (the machine left the state): nothing to ask Cognito for.
  if (signal.aborted) throw new AbortError('The refresh was cancelled.', { recoverySuggestion: 'Nothing to do.' });
  return refresh();
}

async function waitForSharedCredentials(context: LeaseContext, timeoutMs: number): Promise<CredentialsOutput | undefined> {
  const { settings, store, signal } = context;
  const deadline = settings.clock.now() + timeoutMs;
  while (!signal.aborted && settings.clock.now() < deadline) {
    const shared = await readSharedCredentials(context);
    if (shared) return shared;
    await new Promise<void>((resolve) => {
      // Declared first: an odd clock may call back before setTimeout returns. The abort
      // listener goes with each poll, so a long wait does not pile them up on the signal.
      let id: unknown;
      const done = () => {
        signal.removeEventListener('abort', done);
        settings.clock.clearTimeout(id);
        resolve();
      };
      id = settings.clock.setTimeout(done, POLL_INTERVAL_MS);
      signal.addEventListener('abort', done, { once: true });
    });
  }
  return undefined;
}

/** Credentials another context stored for the same, uncleared session, newer than those replaced. */
async function readSharedCredentials(context: LeaseContext): Promise<CredentialsOutput | undefined> {
  const { store } = context;
  const text = await store.readText().catch(() => null);
  if (text === null) return undefined;
  try {
    const { session } = store.decode(text);
    const sameSession = context.sessionId === undefined || (session.sessionId === context.sessionId && !store.isCleared(session.sessionId));
    if (!sameSession || session.identityId === undefined || !session.credentials || !replaces(session.credentials, context.replacing)) return undefined;
    return {
      identityId: session.identityId,
      credentials: session.credentials,
      ...(session.clockOffsetMs !== undefined ? { clockOffsetMs: session.clockOffsetMs } : {}),
    };
  } catch {
    // A record that cannot be read is no result; keep waiting for the lease holder.
    return undefined;
  }
}

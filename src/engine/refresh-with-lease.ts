import { replaces, type HeldCredentials } from '../model/credentials';
import type { CredentialsOutput } from '../model/service-calls';
import { AbortError } from '../errors/error-classes';
import type { AuthSettings } from './options';
import { refreshLeaseKey, type SessionStore } from '../session/session-store';
import type { StorageLease } from '../storage/key-value-storage';

const POLL_INTERVAL_MS = 200;
/** A waiter asks for the lease again every this many polls (once a second). */
const LEASE_RETRY_POLLS = 5;
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
 * How a refresh in flight ended: its credentials (with a check, made once and only if an engine
 * joined, of whether the session was cleared meanwhile), its error, or cut short (its engine
 * stopped or left the refresh).
 */
type FlightOutcome = { output: CredentialsOutput; clearedMeanwhile: () => Promise<boolean> } | { error: unknown } | { cancelled: true };

/**
 * Refreshes in flight in this process, by storage, lease key and session: engines that follow
 * one shared session through one storage object (a server's engines on one Redis adapter) wait
 * on one lease attempt and one poll between them instead of one each.
 */
const flightsByStorage = new WeakMap<object, Map<string, Promise<FlightOutcome>>>();

/**
 * Refreshes credentials so that of several contexts sharing a storage only one calls
 * Cognito: the holder of the storage lease does; the others wait for its result to appear
 * in storage, and take the lease once it is free (the holder failed) or refresh themselves
 * once it has run out. Credentials not persisted cannot be shared that way: each context
 * refreshes its own. Within one process, engines refreshing the same session at once share
 * one such attempt and its outcome.
 */
export async function refreshWithLease(context: LeaseContext, refresh: () => Promise<CredentialsOutput>): Promise<CredentialsOutput> {
  const { settings, signal } = context;
  if (!settings.shareSession || !settings.storage.tryAcquireLease) return refresh();
  const leaseKey = refreshLeaseKey(settings.namespace, settings.identityPoolId);
  if (context.sessionId === undefined) return leaseOrWait(context, leaseKey, refresh);
  let flights = flightsByStorage.get(settings.storage);
  if (!flights) flightsByStorage.set(settings.storage, (flights = new Map()));
  const flightKey = `${leaseKey} ${context.sessionId}`;
  for (let flight = flights.get(flightKey); flight; flight = flights.get(flightKey)) {
    const outcome = await unlessAborted(flight, signal);
    if (outcome === undefined) throw new AbortError('The refresh was cancelled.', { recoverySuggestion: 'Nothing to do.' });
    // The session's refresh failed: this engine's would have failed alike, and is retried alike.
    if ('error' in outcome) throw outcome.error;
    if ('output' in outcome) {
      if (!replaces(outcome.output.credentials, context.replacing)) break; // nothing newer: its own way
      if (await outcome.clearedMeanwhile()) {
        // Another context cleared it while the flight was out: dropped here as on a clear notice.
        context.store.clearedElsewhere(context.sessionId);
        throw new AbortError('The session was cleared in another context.', { recoverySuggestion: 'Federate again.' });
      }
      if (signal.aborted) throw new AbortError('The refresh was cancelled.', { recoverySuggestion: 'Nothing to do.' });
      // The engine that led the flight writes the record; this one does not write it again.
      context.store.adoptShared(outcome.output.credentials);
      return outcome.output;
    }
    // Cancelled (the engine that led it stopped): join the next flight, or lead it.
  }
  const own = leaseOrWait(context, leaseKey, refresh);
  const { store } = context;
  const sessionId = context.sessionId;
  // Joiners write nothing, so they do not read the cleared ids as a write does (a lost clear
  // notice): the flight reads them once for all of them, and not at all when none joined.
  let cleared: Promise<boolean> | undefined;
  const clearedMeanwhile = () => (cleared ??= store.readCleared().then(() => store.isCleared(sessionId)));
  const settled = own.then(
    (output): FlightOutcome => (signal.aborted ? { cancelled: true } : { output, clearedMeanwhile }),
    (error: unknown): FlightOutcome => (signal.aborted ? { cancelled: true } : { error }),
  );
  flights.set(flightKey, settled);
  void settled.then(() => {
    if (flights?.get(flightKey) === settled) flights.delete(flightKey);
  });
  return own;
}

async function leaseOrWait(context: LeaseContext, leaseKey: string, refresh: () => Promise<CredentialsOutput>): Promise<CredentialsOutput> {
  const { settings, signal } = context;
  // Without credentials in the record a holder's result never reaches the others: each asks for its own.
  if (!settings.persistCredentials) return refresh();
  // The lease must outlast the step it guards, or a peer takes over and asks again: one Cognito
  // call, or a credentials provider's callback (bounded by callbackTimeoutMs).
  const stepTimeoutMs = settings.credentialsProvider ? Math.max(settings.requestTimeoutMs, settings.callbackTimeoutMs) : settings.requestTimeoutMs;
  const ttl = stepTimeoutMs + LEASE_MARGIN_MS;
  const deadline = settings.clock.now() + ttl;
  const { store } = context;
  let lease = await store.tryAcquireLease(leaseKey, ttl);
  let polls = 0;
  while (lease === null) {
    // Stopped while waiting (the machine left the state): nothing to ask Cognito for.
    if (signal.aborted) throw new AbortError('The refresh was cancelled.', { recoverySuggestion: 'Nothing to do.' });
    // A holder that never lets go (a lease attempt that timed out here, yet landed) is waited out once.
    if (settings.clock.now() >= deadline) return refresh();
    await pollDelay(settings, signal);
    // The holder's record is the usual end of a wait; a holder that ends without one (it
    // failed) has let the lease go, and this context takes it (asked now and then: a fleet
    // of waiters each asking on every poll would double the storage's work of a renewal).
    const shared = await readSharedCredentials(context);
    if (shared) return shared;
    if (++polls % LEASE_RETRY_POLLS === 0) lease = await store.tryAcquireLease(leaseKey, ttl);
  }
  // A storage that failed to answer (reported) coordinates nothing: better one more Cognito
  // call than a refresh that fails or waits on it.
  if (lease === undefined) return refresh();
  return refreshHolding(context, lease, refresh);
}

async function refreshHolding(context: LeaseContext, lease: StorageLease, refresh: () => Promise<CredentialsOutput>): Promise<CredentialsOutput> {
  let refreshed: CredentialsOutput | undefined;
  try {
    // The previous holder may have refreshed just before releasing: its result will do.
    const shared = await readSharedCredentials(context);
    if (shared) return shared;
    refreshed = await refresh();
    return refreshed;
  } finally {
    // Peers wait for this refresh's record: the lease goes once it is written, not before.
    if (refreshed && !context.signal.aborted) context.store.releaseAfterNextOperation(lease);
    else await lease.release().catch(() => undefined);
  }
}

/** One poll interval on the engine's clock, cut short by `signal`. */
function pollDelay(settings: AuthSettings, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
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

/** `promise`'s value, or `undefined` as soon as `signal` aborts. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const aborted = () => resolve(undefined);
    signal.addEventListener('abort', aborted, { once: true });
    void promise.then((value) => {
      signal.removeEventListener('abort', aborted);
      resolve(value);
    });
  });
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

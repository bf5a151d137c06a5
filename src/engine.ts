import { BehaviorSubject, distinctUntilChanged, Subject, type Observable } from 'rxjs';
import { createActor, waitFor, type Actor } from 'xstate';
import type { AuthMachine } from '../machines/auth.machine';
import type { AuthMachineEvent, MachineEmitted, SessionView } from '../machines/auth.types';
import { toAuthSession, toAwsCredentials, type AuthSession, type FederateToIdentityPoolResult } from './auth-session';
import { sameAuthState, toAuthState, type AuthState } from './auth-state';
import { createAwsCredentialsProvider, type AwsCredentialsProvider } from './aws-sdk';
import { AbortError, InvalidStateException, StorageError } from './errors/error-classes';
import type { AuthEvent } from './events';
import { checkClientMetadata } from './engine/check-client-metadata';
import { followSharedSession } from './engine/follow-shared-session';
import { createEngineServices, providedMachine, registerEngineServices } from './engine/machine-implementations';
import { RequestRegistry } from './engine/request-registry';
import { createLogin } from './login/create-login';
import { checkIdentityId } from './login/identity-ids';
import { toLoginsKey } from './login/logins-key';
import { resolveSettings, type AuthOptions } from './options';
import { createCognitoClient } from './services/cognito-client';
import { SessionStore } from './session/session-store';

/** What `federateToIdentityPool` takes. */
export interface FederateToIdentityPoolInput {
  /** The identity provider's token: an OIDC id token, a Facebook access token, a SAML assertion, … */
  token: string;
  /** A short name (`google`, `facebook`, `amazon`, `apple`, `developer`) or the Logins key as it is. */
  provider: string;
  options?: {
    /** The identity id from GetOpenIdTokenForDeveloperIdentity: skips GetId. */
    developerProvidedIdentityId?: string;
    /** When the token expires (epoch ms or Date), for tokens that are not JWTs. */
    expiresAt?: number | Date;
  };
}

export interface FetchAuthSessionOptions {
  /** Get new credentials even if the cached ones are valid. */
  forceRefresh?: boolean;
  /** Passed to refresh handlers for this call (wins over `clientMetadataProvider`). */
  clientMetadata?: Record<string, string>;
}

/** The running engine `createAuth` returns. */
export interface Auth {
  federateToIdentityPool(input: FederateToIdentityPoolInput): Promise<FederateToIdentityPoolResult>;
  fetchAuthSession(options?: FetchAuthSessionOptions): Promise<AuthSession>;
  clearFederationToIdentityPool(): Promise<void>;
  /** Every step, as it happens; late subscribers see only later events. */
  readonly events$: Observable<AuthEvent>;
  /** The current state (replayed to new subscribers), then each change. */
  readonly state$: Observable<AuthState>;
  /** The XState actor: `useSelector`, the inspector, `getSnapshot()`. */
  readonly actor: Actor<AuthMachine>;
  /** An `AwsCredentialIdentityProvider` for any AWS SDK v3 client's `credentials`. */
  readonly awsCredentials: AwsCredentialsProvider;
  /** Stops timers, requests and subscriptions; pending calls reject with `AbortError`. */
  stop(): Promise<void>;
}

function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Creates an idpool engine: the federation machine bound to Cognito Identity, storage and
 * the clock, started at once (it restores the persisted session first).
 *
 * Simultaneous calls share one Cognito request of each kind; cached credentials are served
 * without a network call and refreshed ahead of their expiration; every step is emitted on
 * `events$`; no token or AWS secret ever appears in events, state or inspection.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId: 'us-east-1:…', allowGuestAccess: true });
 * auth.events$.subscribe((event) => console.log(event.type));
 * const { identityId, credentials } = await auth.federateToIdentityPool({ token: idToken, provider: 'google' });
 * const s3 = new S3Client({ region: 'us-east-1', credentials: auth.awsCredentials });
 * await auth.clearFederationToIdentityPool();
 * auth.stop();
 * ```
 */
export function createAuth(options: AuthOptions): Auth {
  const settings = resolveSettings(options);
  const writer = randomId();
  let client = settings.client;
  const cognito = () =>
    (client ??= createCognitoClient({ region: settings.region, ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}) }));
  const events = new Subject<AuthEvent>();
  // Set once the actor exists; storage calls start only after that.
  let dropIfHeld: (sessionId: string) => void = () => undefined;
  const store = new SessionStore({
    storage: settings.storage,
    identityPoolId: settings.identityPoolId,
    namespace: settings.namespace,
    writer,
    persistCredentials: settings.persistCredentials,
    now: () => settings.clock.now(),
    onFailure: (error) => events.next(storageFailureEvent(error)),
    onSessionCleared: (sessionId) => dropIfHeld(sessionId),
  });
  const actor = createActor(providedMachine(settings.clock), {
    input: {
      settings: {
        sessionIdPrefix: writer,
        allowGuestAccess: settings.allowGuestAccess || settings.credentialsProvider !== undefined,
        hasTokenProvider: settings.tokenProvider !== undefined,
        refreshHandlerKeys: [...settings.refreshHandlers.keys()],
        refreshAheadMs: settings.refreshAheadMs,
        retry: settings.retry,
      },
    },
    clock: { setTimeout: (fn, ms) => settings.clock.setTimeout(fn, ms), clearTimeout: (id) => settings.clock.clearTimeout(id) },
    ...(settings.inspect !== undefined ? { inspect: settings.inspect } : {}),
  });
  registerEngineServices(actor.system, createEngineServices({ settings, client: cognito, store }));

  const requests = new RequestRegistry();
  actor.on('*', (emitted: MachineEmitted) => {
    if (emitted.type === 'request.resolved') requests.resolve(emitted.requestIds, emitted.session);
    else if (emitted.type === 'request.rejected') requests.reject(emitted.requestIds, emitted.error);
    else events.next(emitted);
  });
  const state = new BehaviorSubject<AuthState>(toAuthState(actor.getSnapshot()));
  const snapshots = actor.subscribe((snapshot) => state.next(toAuthState(snapshot)));

  let stopped = false;
  // Another context cleared the session this engine holds: it is dropped as a shared clear is.
  dropIfHeld = (sessionId) => {
    if (!stopped && actor.getSnapshot().context.sessionId === sessionId) actor.send({ type: 'SYNC', session: null });
  };
  const follower = settings.shareSession
    ? followSharedSession({
        storage: settings.storage,
        store,
        writer,
        // A catch-up read may answer after stop(): a stopped actor takes no more events.
        send: (event) => {
          if (!stopped) actor.send(event);
        },
        current: () => {
          const snapshot = actor.getSnapshot();
          return { restoring: snapshot.matches('restoring'), sessionId: snapshot.context.sessionId };
        },
      })
    : undefined;
  actor.start();
  // Calls wait for the restore and for the catch-up on changes other contexts made during it.
  const restored = waitFor(actor, (snapshot) => !snapshot.matches('restoring'), { timeout: Number.POSITIVE_INFINITY })
    .then(() => follower?.afterRestore())
    .then(
      () => undefined,
      () => undefined,
    );

  /** Sends an API event and settles from the machine's answer; an event the state ignores is an error. */
  async function request(build: (requestId: string) => AuthMachineEvent): Promise<SessionView> {
    await restored;
    if (stopped) throw new AbortError('The engine was stopped.', { recoverySuggestion: 'Create a new engine with createAuth.' });
    const { requestId, settled } = requests.open();
    // Without a prototype: the machine reads optional fields (developerProvidedIdentityId,
    // clientMetadata) that a polluted Object.prototype would otherwise supply.
    actor.send(Object.assign(Object.create(null) as AuthMachineEvent, build(requestId)));
    const { context } = actor.getSnapshot();
    const accepted = context.sessionWaiters.includes(requestId) || context.federationWaiters.includes(requestId);
    if (requests.isOpen(requestId) && !accepted) {
      const value = toAuthState(actor.getSnapshot()).value;
      requests.reject([requestId], new InvalidStateException(`The call cannot be handled in the "${value}" state.`, {
        recoverySuggestion: 'Wait for the current operation to finish and try again.',
      }));
    }
    return settled;
  }

  const auth = {
    async federateToIdentityPool(input: FederateToIdentityPoolInput): Promise<FederateToIdentityPoolResult> {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new TypeError('federateToIdentityPool: pass { token, provider, options? }.');
      }
      // Own properties only: a polluted Object.prototype must not supply a token or an identity id.
      const loginsKey = toLoginsKey(ownValue(input, 'provider'));
      const givenOptions = ownValue(input, 'options');
      const options = givenOptions === undefined ? {} : givenOptions;
      if (typeof options !== 'object' || options === null || Array.isArray(options)) {
        throw new TypeError('federateToIdentityPool: options must be an object.');
      }
      const login = createLogin({
        loginsKey,
        token: ownValue(input, 'token'),
        expiresAt: ownValue(options, 'expiresAt'),
        source: 'app',
        // Lives beyond what a stored record may hold are shortened, so other contexts can restore it.
        now: settings.clock.now(),
      });
      const requestedIdentityId = ownValue(options, 'developerProvidedIdentityId');
      const developerProvidedIdentityId =
        requestedIdentityId === undefined ? undefined : checkIdentityId(requestedIdentityId, 'options.developerProvidedIdentityId');
      const view = await request((requestId) => ({
        type: 'FEDERATE',
        requestId,
        login,
        ...(developerProvidedIdentityId !== undefined ? { developerProvidedIdentityId } : {}),
      }));
      if (view.identityId === undefined || !view.credentials) throw new InvalidStateException('The federation ended without credentials.');
      // Write-through: the session is in storage before the caller hears it is federated.
      const outcome = await store.lastOutcome();
      if (!outcome.ok) throw notSavedError(outcome);
      return { identityId: view.identityId, credentials: toAwsCredentials(view.credentials, view.clockOffsetMs) };
    },

    async fetchAuthSession(fetchOptions: FetchAuthSessionOptions = {}): Promise<AuthSession> {
      if (typeof fetchOptions !== 'object' || fetchOptions === null || Array.isArray(fetchOptions)) {
        throw new TypeError('fetchAuthSession: options must be an object.');
      }
      const forceRefresh = ownValue(fetchOptions, 'forceRefresh') ?? false;
      if (typeof forceRefresh !== 'boolean') throw new TypeError('fetchAuthSession: options.forceRefresh must be a boolean.');
      const requestedMetadata = ownValue(fetchOptions, 'clientMetadata');
      const clientMetadata = requestedMetadata === undefined ? undefined : checkClientMetadata(requestedMetadata);
      const view = await request((requestId) => ({
        type: 'FETCH',
        requestId,
        forceRefresh,
        ...(clientMetadata ? { clientMetadata } : {}),
      }));
      return toAuthSession(view);
    },

    async clearFederationToIdentityPool(): Promise<void> {
      await request((requestId) => ({ type: 'CLEAR', requestId }));
      const outcome = await store.lastOutcome();
      if (!outcome.ok && outcome.staleLeft) throw notClearedError(outcome.error);
    },

    events$: events.asObservable(),
    state$: state.pipe(distinctUntilChanged(sameAuthState)),
    actor,
    async stop(): Promise<void> {
      if (stopped) return store.flushed();
      stopped = true;
      follower?.stop();
      actor.stop();
      snapshots.unsubscribe();
      requests.rejectAll(new AbortError('The engine was stopped.', { recoverySuggestion: 'Create a new engine with createAuth.' }));
      events.complete();
      state.complete();
      // Close the keep-alive sockets of a client this engine made (an injected one is the app's).
      if (!settings.client) client?.destroy();
      await store.flushed();
    },
  };
  return { ...auth, awsCredentials: createAwsCredentialsProvider(auth) };
}

/** `object[name]` when it is the object's own property, else `undefined`: never the prototype's. */
function ownValue<T extends object, K extends keyof T>(object: T, name: K): T[K] | undefined {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}

function storageFailureEvent(error: StorageError): AuthEvent {
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
function notSavedError(outcome: { error: StorageError; staleLeft: boolean }): StorageError {
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
function notClearedError(error: StorageError): StorageError {
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

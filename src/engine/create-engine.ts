import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { BehaviorSubject, distinctUntilChanged, Subject, type Observable } from 'rxjs';
import { createActor, waitFor, type Actor } from 'xstate';
import type { AuthMachine } from '../../machines/auth.machine';
import type { AuthMachineEvent, MachineEmitted } from '../../machines/auth.context';
import { cachedSession } from '../../machines/cached-session';
import { AbortError, InvalidStateException } from '../errors/error-classes';
import { createLogin } from '../login/create-login';
import { checkIdentityId } from '../login/identity-ids';
import { toLoginsKey } from '../login/logins-key';
import type { AuthEvent } from '../model/auth-events';
import { randomId } from '../model/random-id';
import type { SessionView } from '../model/session';
import { createFetchTransport } from '../services/fetch-transport';
import { SessionStore } from '../session/session-store';
import { toAuthSession, toAwsCredentials, type AuthSession, type FederateToIdentityPoolResult } from './auth-session';
import { sameAuthState, toAuthState, type AuthState } from './auth-state';
import { checkClientMetadata } from '../services/check-client-metadata';
import { machineClock } from './clock';
import { followSharedSession } from './follow-shared-session';
import { EngineServices } from './engine-services';
import { providedMachine, registerEngineServices } from './provided-machine';
import type { AuthOptions } from './options';
import { RequestRegistry } from './request-registry';
import { resolveSettings } from './resolve-settings';
import { notClearedError, notSavedError, storageFailureEvent } from './storage-outcome-errors';

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
  readonly awsCredentials: AwsCredentialIdentityProvider;
  /** Stops timers, requests and subscriptions; pending calls reject with `AbortError`. */
  stop(): Promise<void>;
}


/** The engine without its AWS SDK adapter (`awsCredentials`), which `createAuth` adds. */
export type Engine = Omit<Auth, 'awsCredentials'>;

/**
 * The federation machine bound to Cognito Identity, storage, the clock and the event stream,
 * started at once (it restores the persisted session first). `createAuth` is the public door.
 */
export function createEngine(options: AuthOptions): Engine {
  const settings = resolveSettings(options);
  const writer = randomId();
  // Made on the first Cognito call: an engine restored from storage may never make one.
  let transport = settings.transport;
  const cognito = () => (transport ??= createFetchTransport({ region: settings.region, ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}) }));
  // The streams are made on first use: an engine per server request that nobody watches pays nothing.
  let events: Subject<AuthEvent> | undefined;
  let states: { subject: BehaviorSubject<AuthState>; observable: Observable<AuthState>; subscription: { unsubscribe(): void } } | undefined;
  // Set once the actor exists; storage calls start only after that.
  let dropIfHeld: (sessionId: string) => void = () => undefined;
  const store = new SessionStore({
    storage: settings.storage,
    identityPoolId: settings.identityPoolId,
    namespace: settings.namespace,
    writer,
    persistCredentials: settings.persistCredentials,
    now: () => settings.clock.now(),
    onFailure: (error) => events?.next(storageFailureEvent(error)),
    onSessionCleared: (sessionId) => dropIfHeld(sessionId),
  });
  // The machine's timers keep a Node process alive only while a caller waits (docs/runtimes.md).
  const timers = machineClock(settings.clock);
  const requests = new RequestRegistry((waiting) => timers.keepAlive(waiting));
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
    clock: timers,
    ...(settings.inspect !== undefined ? { inspect: settings.inspect } : {}),
  });
  registerEngineServices(actor.system, new EngineServices(settings, store, cognito));
  actor.on('*', (emitted: MachineEmitted) => {
    if (emitted.type === 'request.resolved') requests.resolve(emitted.requestIds, emitted.session);
    else if (emitted.type === 'request.rejected') requests.reject(emitted.requestIds, emitted.error);
    else events?.next(emitted);
  });
  const watchStates = () => {
    const subject = new BehaviorSubject<AuthState>(toAuthState(actor.getSnapshot()));
    if (stopped) subject.complete();
    const subscription = actor.subscribe((snapshot) => subject.next(toAuthState(snapshot)));
    return { subject, observable: subject.pipe(distinctUntilChanged(sameAuthState)), subscription };
  };

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
  // Set once the restore (and the catch-up after it) is done: cached calls are served from then on.
  let ready = false;
  const restored = waitFor(actor, (snapshot) => !snapshot.matches('restoring'), { timeout: Number.POSITIVE_INFINITY })
    .then(() => follower?.afterRestore())
    .then(
      () => void (ready = true),
      () => void (ready = true),
    );

  /** Sends an API event; the machine settles it (a call no state takes is refused by the chart's `*` transition). */
  async function request(build: (requestId: string) => AuthMachineEvent): Promise<SessionView> {
    await restored;
    if (stopped) throw new AbortError('The engine was stopped.', { recoverySuggestion: 'Create a new engine with createAuth.' });
    const { requestId, settled } = requests.open();
    // Without a prototype: the machine reads optional fields (developerProvidedIdentityId,
    // clientMetadata) that a polluted Object.prototype would otherwise supply.
    actor.send(Object.assign(Object.create(null) as AuthMachineEvent, build(requestId)));
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
      // Valid credentials held: a read of the snapshot, no event, no waiter (the chart's own answer).
      const cached = ready && !stopped && !forceRefresh && !clientMetadata ? cachedSession(actor.getSnapshot(), settings.clock.now()) : undefined;
      if (cached) return toAuthSession(cached);
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

    get events$(): Observable<AuthEvent> {
      if (!events) {
        events = new Subject<AuthEvent>();
        if (stopped) events.complete();
      }
      return events.asObservable();
    },
    get state$(): Observable<AuthState> {
      return (states ??= watchStates()).observable;
    },
    actor,
    async stop(): Promise<void> {
      if (stopped) return store.flushed();
      stopped = true;
      follower?.stop();
      actor.stop();
      states?.subscription.unsubscribe();
      requests.rejectAll(new AbortError('The engine was stopped.', { recoverySuggestion: 'Create a new engine with createAuth.' }));
      events?.complete();
      states?.subject.complete();
      await store.flushed();
    },
  };
  return auth;
}

/** `object[name]` when it is the object's own property, else `undefined`: never the prototype's. */
function ownValue<T extends object, K extends keyof T>(object: T, name: K): T[K] | undefined {
  return Object.hasOwn(object, name) ? object[name] : undefined;
}


import { BehaviorSubject, distinctUntilChanged, Subject, type Observable } from 'rxjs';
import { createActor, waitFor, type Actor } from 'xstate';
import type { AuthMachine } from '../../machines/auth.machine';
import type { AuthMachineEvent, MachineEmitted } from '../../machines/auth.context';
import { AbortError, InvalidStateException } from '../errors/error-classes';
import { createLogin } from '../login/create-login';
import { checkIdentityId } from '../login/identity-ids';
import { toLoginsKey } from '../login/logins-key';
import type { AuthEvent } from '../model/auth-events';
import { randomId } from '../model/random-id';
import type { SessionView } from '../model/session';
import { checkClientMetadata } from '../services/check-client-metadata';
import type { CognitoTransport } from '../services/cognito-transport';
import { createFetchTransport } from '../services/fetch-transport';
import { SessionStore } from '../session/session-store';
import { toAuthSession, toAwsCredentials, type AuthSession, type FederateToIdentityPoolResult } from './auth-session';
import { sameAuthState, toAuthState, type AuthState } from './auth-state';
import { machineClock } from './clock';
import { EngineServices } from './engine-services';
import { followSharedSession, type SharedSessionFollower } from './follow-shared-session';
import type { AuthSettings } from './options';
import { providedMachine, registerEngineServices } from './provided-machine';
import { RequestRegistry } from './request-registry';
import { ServedSession } from './served-session';
import { notClearedError, notSavedError, storageFailureEvent } from './storage-outcome-errors';
import { ownValue } from './own-value';

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

const NO_KEYS: readonly string[] = Object.freeze([]);

interface WatchedStates {
  subject: BehaviorSubject<AuthState>;
  observable: Observable<AuthState>;
  subscription: { unsubscribe(): void };
}

function stoppedError(): AbortError {
  return new AbortError('The engine was stopped.', { recoverySuggestion: 'Create a new engine with createAuth.' });
}

/**
 * One engine: the federation machine bound to Cognito Identity, storage, the clock and the
 * event stream, started at once (it restores the persisted session first). A class, so that an
 * engine per server request pays for its fields and not for a closure per method; `createEngine`
 * hands apps an object whose methods work unbound.
 */
export class EngineCore {
  readonly actor: Actor<AuthMachine>;
  readonly #settings: AuthSettings;
  readonly #store: SessionStore;
  readonly #requests: RequestRegistry;
  readonly #served = new ServedSession();
  readonly #follower: SharedSessionFollower | undefined;
  /** Settles once the restore (and the catch-up on changes other contexts made during it) is done. */
  readonly #restored: Promise<void>;
  // Made on the first Cognito call: an engine restored from storage may never make one.
  #transport: CognitoTransport | undefined;
  // The streams are made on first use: an engine per server request that nobody watches pays nothing.
  #events: Subject<AuthEvent> | undefined;
  #states: WatchedStates | undefined;
  /** Cached calls are served from the snapshot once the restore is done. */
  #ready = false;
  /**
   * Federations and clears called and not yet sent to the machine (they wait for the restore):
   * meanwhile no call is answered from the snapshot, which does not know of them yet.
   */
  #changesPending = 0;
  #stopped = false;

  constructor(settings: AuthSettings) {
    this.#settings = settings;
    this.#transport = settings.transport;
    const writer = randomId();
    this.#store = new SessionStore({
      storage: settings.storage,
      identityPoolId: settings.identityPoolId,
      namespace: settings.namespace,
      writer,
      persistCredentials: settings.persistCredentials,
      // The bounded clock's now() is a function of its own (see boundedClock).
      now: settings.clock.now,
      onFailure: (error) => this.#events?.next(storageFailureEvent(error)),
      onSessionCleared: (sessionId) => this.#dropIfHeld(sessionId),
    });
    // The machine's timers keep a Node process alive only while a caller waits (docs/runtimes.md).
    const timers = machineClock(settings.clock);
    this.#requests = new RequestRegistry(timers);
    const actor = createActor(providedMachine(settings.clock), {
      input: {
        settings: {
          sessionIdPrefix: writer,
          allowGuestAccess: settings.allowGuestAccess || settings.credentialsProvider !== undefined,
          hasTokenProvider: settings.tokenProvider !== undefined,
          refreshHandlerKeys: settings.refreshHandlers.size === 0 ? NO_KEYS : [...settings.refreshHandlers.keys()],
          refreshAheadMs: settings.refreshAheadMs,
          retry: settings.retry,
        },
      },
      clock: timers,
      ...(settings.inspect !== undefined ? { inspect: settings.inspect } : {}),
    });
    this.actor = actor;
    registerEngineServices(actor.system, new EngineServices(settings, this.#store, this));
    actor.on('*', (emitted: MachineEmitted) => this.#onEmitted(emitted));
    this.#follower = settings.shareSession
      ? followSharedSession({
          storage: settings.storage,
          store: this.#store,
          writer,
          // A catch-up read may answer after stop(): a stopped actor takes no more events.
          send: (event) => {
            if (!this.#stopped) actor.send(event);
          },
          current: () => {
            const snapshot = actor.getSnapshot();
            return { restoring: snapshot.matches('restoring'), sessionId: snapshot.context.sessionId };
          },
        })
      : undefined;
    actor.start();
    // Calls wait for the restore and for the catch-up on changes other contexts made during it.
    this.#restored = waitFor(actor, (snapshot) => !snapshot.matches('restoring'), { timeout: Number.POSITIVE_INFINITY })
      .then(() => this.#follower?.afterRestore())
      .then(
        () => void (this.#ready = true),
        () => void (this.#ready = true),
      );
  }

  /** The Cognito transport, made on first use (EngineServices asks for it on its first call). */
  cognito(): CognitoTransport {
    const settings = this.#settings;
    return (this.#transport ??= createFetchTransport({ region: settings.region, ...(settings.endpoint !== undefined ? { endpoint: settings.endpoint } : {}) }));
  }

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
      now: this.#settings.clock.now(),
    });
    const requestedIdentityId = ownValue(options, 'developerProvidedIdentityId');
    const developerProvidedIdentityId =
      requestedIdentityId === undefined ? undefined : checkIdentityId(requestedIdentityId, 'options.developerProvidedIdentityId');
    const view = await this.#request(
      (requestId) => ({
        type: 'FEDERATE',
        requestId,
        login,
        ...(developerProvidedIdentityId !== undefined ? { developerProvidedIdentityId } : {}),
      }),
      true,
    );
    if (view.identityId === undefined || !view.credentials) throw new InvalidStateException('The federation ended without credentials.');
    // Write-through: the session is in storage before the caller hears it is federated.
    const outcome = await this.#store.lastOutcome();
    if (!outcome.ok) throw notSavedError(outcome);
    return { identityId: view.identityId, credentials: toAwsCredentials(view.credentials, view.clockOffsetMs) };
  }

  fetchAuthSession(fetchOptions?: FetchAuthSessionOptions): Promise<AuthSession> {
    // The common call, fetchAuthSession() with valid credentials held: no event, no waiter, nothing
    // allocated but the promise. Anything else (options, work for the machine) takes the checked path.
    if (fetchOptions === undefined) {
      try {
        const cached = this.#servedNow();
        if (cached) return Promise.resolve(cached);
      } catch (error) {
        return Promise.reject(error); // a throwing clock: a rejection, as from any async call
      }
    }
    return this.#fetchChecked(fetchOptions);
  }

  async clearFederationToIdentityPool(): Promise<void> {
    this.#served.forget();
    await this.#request((requestId) => ({ type: 'CLEAR', requestId }), true);
    const outcome = await this.#store.lastOutcome();
    if (!outcome.ok && outcome.staleLeft) throw notClearedError(outcome.error);
  }

  get events$(): Observable<AuthEvent> {
    if (!this.#events) {
      this.#events = new Subject<AuthEvent>();
      if (this.#stopped) this.#events.complete();
    }
    return this.#events.asObservable();
  }

  get state$(): Observable<AuthState> {
    return (this.#states ??= this.#watchStates()).observable;
  }

  async stop(): Promise<void> {
    const store = this.#store;
    if (this.#stopped) return store.flushed();
    this.#stopped = true;
    this.#served.forget();
    this.#follower?.stop();
    this.actor.stop();
    this.#states?.subscription.unsubscribe();
    this.#requests.rejectAll(stoppedError());
    this.#events?.complete();
    this.#states?.subject.complete();
    await store.flushed();
    await store.releaseHeldLease();
  }

  #onEmitted(emitted: MachineEmitted): void {
    if (emitted.type === 'request.resolved') this.#requests.resolve(emitted.requestIds, emitted.session);
    else if (emitted.type === 'request.rejected') this.#requests.reject(emitted.requestIds, emitted.error);
    else this.#events?.next(emitted);
  }

  /** Another context cleared the session this engine holds: it is dropped as a shared clear is. */
  #dropIfHeld(sessionId: string): void {
    if (!this.#stopped && this.actor.getSnapshot().context.sessionId === sessionId) this.actor.send({ type: 'SYNC', session: null });
  }

  #watchStates(): WatchedStates {
    const actor = this.actor;
    const subject = new BehaviorSubject<AuthState>(toAuthState(actor.getSnapshot()));
    if (this.#stopped) subject.complete();
    const subscription = actor.subscribe((snapshot) => subject.next(toAuthState(snapshot)));
    return { subject, observable: subject.pipe(distinctUntilChanged(sameAuthState)), subscription };
  }

  /** The session the chart serves without an event right now, if any. */
  #servedNow(): AuthSession | undefined {
    if (!this.#ready || this.#stopped || this.#changesPending > 0) return undefined;
    return this.#served.read(this.actor.getSnapshot(), this.#settings.clock.now());
  }

  async #fetchChecked(fetchOptions: FetchAuthSessionOptions = {}): Promise<AuthSession> {
    if (typeof fetchOptions !== 'object' || fetchOptions === null || Array.isArray(fetchOptions)) {
      throw new TypeError('fetchAuthSession: options must be an object.');
    }
    const forceRefresh = ownValue(fetchOptions, 'forceRefresh') ?? false;
    if (typeof forceRefresh !== 'boolean') throw new TypeError('fetchAuthSession: options.forceRefresh must be a boolean.');
    const requestedMetadata = ownValue(fetchOptions, 'clientMetadata');
    const clientMetadata = requestedMetadata === undefined ? undefined : checkClientMetadata(requestedMetadata);
    const cached = !forceRefresh && !clientMetadata ? this.#servedNow() : undefined;
    if (cached) return cached;
    const view = await this.#request((requestId) => ({
      type: 'FETCH',
      requestId,
      forceRefresh,
      ...(clientMetadata ? { clientMetadata } : {}),
    }));
    return toAuthSession(view);
  }

  /**
   * Sends an API event; the machine settles it (a call no state takes is refused by the chart's
   * `*` transition). A `change` (federate, clear) holds cached answers back from the moment it is
   * called until the machine has it, so a call made after it is never answered from before it.
   */
  async #request(build: (requestId: string) => AuthMachineEvent, change = false): Promise<SessionView> {
    if (change) this.#changesPending += 1;
    let sent: Promise<SessionView>;
    try {
      await this.#restored;
      if (this.#stopped) throw stoppedError();
      const { requestId, settled } = this.#requests.open();
      // Without a prototype: the machine reads optional fields (developerProvidedIdentityId,
      // clientMetadata) that a polluted Object.prototype would otherwise supply.
      this.actor.send(Object.assign(Object.create(null) as AuthMachineEvent, build(requestId)));
      sent = settled;
    } finally {
      if (change) this.#changesPending -= 1;
    }
    return sent;
  }
}

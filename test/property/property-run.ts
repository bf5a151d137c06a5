import { waitFor } from 'xstate';
import { createAuth, createMemoryStorage, toAuthState, type Auth, type AuthEvent, type AuthSession, type AuthState } from '../../src/index';
import { isBusy, type EngineStack } from '../support/engine-stack';
import { everyRendering } from '../support/secret-scan';
import type { Command, Run, User } from './engine-commands';

export const PROPERTY_RETRY = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 };
/**
 * Test-clock milliseconds before a Cognito call fails with NetworkError: it fires when an `advance`
 * passes it while a request is in flight; a `long` latency fault alone (700 ms of real time) is only slow.
 */
export const PROPERTY_REQUEST_TIMEOUT_MS = 400;
/** A generous real-time bound on one step: only a hang reaches it, even with every core busy. */
const STEP_TIMEOUT_MS = 10_000;

interface Call {
  label: string;
  /** Clears completed when the call started. */
  clearsAtStart: number;
  /** Whether a federation was in flight alongside (its result may name another identity). */
  alongsideFederation: boolean;
  settled: boolean;
}

/**
 * Runs one command sequence on a fresh engine (one local pool and clock for every run) and
 * checks the invariants after every step; throws naming the first one broken.
 */
export class PropertyRun {
  readonly storage = createMemoryStorage();
  readonly events: AuthEvent[] = [];
  readonly states: AuthState[] = [];
  readonly errors: unknown[] = [];
  readonly secrets: string[] = [];
  readonly violations: string[] = [];
  engine!: Auth;
  #clears = 0;
  #expectedIdentity: string | undefined;
  #forgotten: string | undefined;
  /** The OIDC user the app last federated, for the refresh handler. */
  #currentUser: User | undefined;
  #tokens = 0;
  #step = 'start';

  constructor(
    readonly stack: EngineStack,
    readonly run: Run,
    readonly tag: string,
  ) {}

  async execute(): Promise<void> {
    try {
      await this.startEngine();
      for (const [index, command] of this.run.commands.entries()) {
        this.#step = `step ${index + 1} ${JSON.stringify(command)}`;
        await this.perform(command);
        await this.checkStep();
      }
      this.checkSecrets();
    } finally {
      await this.engine?.stop();
      await this.drainPool();
    }
  }

  private fail(message: string): void {
    this.violations.push(`${this.#step}: ${message}`);
  }

  private async startEngine(): Promise<void> {
    const { pool, issuer, clock } = this.stack;
    const { settings } = this.run;
    this.engine = createAuth({
      identityPoolId: pool.identityPoolId,
      endpoint: pool.endpoint,
      clock,
      storage: this.storage,
      persistCredentials: settings.persist,
      allowGuestAccess: settings.guest,
      retry: PROPERTY_RETRY,
      requestTimeoutMs: PROPERTY_REQUEST_TIMEOUT_MS,
      ...(settings.handler
        ? {
            refreshHandlers: {
              [issuer.loginsKey]: async () => {
                const user = this.#currentUser === 'bob' ? 'bob' : 'alice';
                return { token: await this.mint(user, 600) };
              },
            },
          }
        : {}),
    });
    this.engine.events$.subscribe((event) => this.events.push(event));
    this.engine.state$.subscribe((state) => this.states.push(state));
    await this.idle();
  }

  private async mint(user: 'alice' | 'bob', expiresIn: number): Promise<string> {
    const token = await this.stack.issuer.mintToken({ sub: `${user}-${this.tag}`, jti: `${this.tag}-${++this.#tokens}` }, { expiresIn });
    this.secrets.push(token);
    return token;
  }

  private async perform(command: Command): Promise<void> {
    const { pool, clock } = this.stack;
    switch (command.kind) {
      case 'federate':
        return this.await([await this.federate(command.user, command.token)]);
      case 'fetch':
        return this.await([this.fetch(command.force, false)]);
      case 'burst': {
        // Concurrent callers of one federation share its token (different tokens would be a newer
        // federation superseding the older one, which then is a request of its own).
        const federating = command.calls.includes('federate');
        const token = federating ? await this.token(this.#currentUser ?? 'alice', 'valid') : undefined;
        const started = command.calls.map((call) => (call === 'federate' && token ? this.federateWith(token) : this.fetch(call === 'force', federating)));
        return this.await(started);
      }
      case 'clear': {
        const call = this.open('clear', false);
        const promise = this.engine.clearFederationToIdentityPool().then(
          async () => {
            call.settled = true;
            this.#clears += 1;
            this.#expectedIdentity = undefined;
            await this.checkStoredAfterClear();
          },
          (error: unknown) => this.rejected(call, error),
        );
        return this.await([{ call, promise }]);
      }
      case 'restart':
        await this.engine.stop();
        await this.drainPool();
        return this.startEngine();
      case 'fault':
        pool.injectFault({
          op: command.op,
          kind: command.fault,
          times: command.times,
          ...(command.fault === 'latency' ? { delayMs: command.long ? PROPERTY_REQUEST_TIMEOUT_MS + 300 : 20 } : {}),
          ...(command.fault === 'clockSkew' ? { skewSeconds: command.long ? 1_800 : -600 } : {}),
        });
        return;
      case 'forget': {
        // The identity the engine shows, or the guest identity it remembers (in its stored record).
        const identityId = toAuthState(this.engine.actor.getSnapshot()).identityId ?? (await this.storedGuestIdentityId());
        if (identityId !== undefined) pool.forgetIdentity(identityId);
        // The engine may serve the forgotten identity until its next refresh replaces it, once.
        this.#forgotten = identityId;
        return;
      }
      case 'advance':
        await clock.advance(command.ms, () => this.idle());
        return this.idle();
      case 'jump':
        clock.jump(command.ms);
        return;
    }
  }

  private open(label: string, alongsideFederation: boolean): Call {
    return { label, clearsAtStart: this.#clears, alongsideFederation, settled: false };
  }

  private async token(user: User, kind: 'valid' | 'expired' | 'garbage'): Promise<{ user: User; kind: string; token: string; provider: string }> {
    if (user === 'fb') {
      const token = kind === 'garbage' ? 'fb user with spaces' : `fb-${this.tag}:token-${++this.#tokens}`;
      if (kind !== 'garbage') this.secrets.push(token);
      return { user, kind, token, provider: 'facebook' };
    }
    const token = kind === 'garbage' ? 'not-a-jwt' : await this.mint(user, kind === 'expired' ? -60 : 600);
    return { user, kind, token, provider: this.stack.issuer.loginsKey };
  }

  private async federate(user: User, kind: 'valid' | 'expired' | 'garbage'): Promise<{ call: Call; promise: Promise<unknown> }> {
    return this.federateWith(await this.token(user, kind));
  }

  private federateWith({ user, kind, token, provider }: { user: User; kind: string; token: string; provider: string }): { call: Call; promise: Promise<unknown> } {
    const call = this.open(`federate ${user} (${kind})`, true);
    const promise = this.engine.federateToIdentityPool({ token, provider }).then(
      (result) => {
        call.settled = true;
        if (user !== 'fb') this.#currentUser = user;
        this.#expectedIdentity = result.identityId;
        this.served(call, result);
      },
      (error: unknown) => this.rejected(call, error),
    );
    return { call, promise };
  }

  private fetch(force: boolean, alongsideFederation: boolean): { call: Call; promise: Promise<unknown> } {
    const call = this.open(force ? 'fetch (force)' : 'fetch', alongsideFederation);
    const promise = this.engine.fetchAuthSession({ forceRefresh: force }).then(
      (session) => {
        call.settled = true;
        this.served(call, session);
      },
      (error: unknown) => this.rejected(call, error),
    );
    return { call, promise };
  }

  private rejected(call: Call, error: unknown): void {
    call.settled = true;
    this.errors.push(error);
    if (!(error instanceof Error) || !('code' in error)) this.fail(`${call.label} rejected with an untyped error: ${String(error)}`);
  }

  /** Invariants on what a caller receives. */
  private served(call: Call, session: AuthSession): void {
    const credentials = session.credentials;
    if (!credentials) return;
    this.secrets.push(credentials.secretAccessKey, credentials.sessionToken);
    if (this.#clears > call.clearsAtStart) this.fail(`${call.label}, started before a clear, was answered after it with credentials`);
    if (credentials.expiration.getTime() <= this.stack.clock.now()) {
      this.fail(`${call.label} got credentials that expired ${this.stack.clock.now() - credentials.expiration.getTime()} ms ago`);
    }
    if (session.identityId === undefined) this.fail(`${call.label} got credentials without an identity id`);
    if (session.federatedProvider !== undefined && !call.alongsideFederation) {
      if (this.#expectedIdentity === undefined) this.#expectedIdentity = session.identityId;
      else if (session.identityId !== this.#expectedIdentity && this.#expectedIdentity === this.#forgotten) {
        this.#expectedIdentity = session.identityId;
        this.#forgotten = undefined;
      } else if (session.identityId !== this.#expectedIdentity) {
        this.fail(`${call.label}: the identity changed from ${this.#expectedIdentity} to ${session.identityId} within one federation`);
      }
    }
  }

  /** Waits for the calls; while one waits on a back-off timer, time passes up to that timer. */
  private async await(started: Array<{ call: Call; promise: Promise<unknown> }>): Promise<void> {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      await this.idle();
      if (started.every(({ call }) => call.settled)) break;
      const next = this.stack.clock.pending()[0];
      if (next !== undefined && next <= PROPERTY_RETRY.maxDelayMs) await this.stack.clock.advance(Math.max(0, next), () => this.idle());
      else await new Promise((resolve) => setTimeout(resolve, 5));
      if (Date.now() > deadline) {
        this.fail(`calls never settled: ${started.filter(({ call }) => !call.settled).map(({ call }) => call.label).join(', ')} (engine ${JSON.stringify(toAuthState(this.engine.actor.getSnapshot()))})`);
        break;
      }
    }
  }

  /** Until the engine waits on no network call or app callback. */
  private async idle(): Promise<void> {
    try {
      await waitFor(this.engine.actor, (snapshot) => snapshot.status !== 'active' || !isBusy(snapshot), { timeout: STEP_TIMEOUT_MS });
    } catch {
      this.fail(`the engine stayed busy (${JSON.stringify(toAuthState(this.engine.actor.getSnapshot()))})`);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private async storedGuestIdentityId(): Promise<string | undefined> {
    const text = await this.storage.getItem(`idpool.default.${this.stack.pool.identityPoolId}.session`);
    return text === null ? undefined : (JSON.parse(text) as { guestIdentityId?: string }).guestIdentityId;
  }

  private async checkStoredAfterClear(): Promise<void> {
    const text = await this.storage.getItem(`idpool.default.${this.stack.pool.identityPoolId}.session`);
    const record = text === null ? null : (JSON.parse(text) as { identityId?: string; login?: unknown; credentials?: unknown });
    if (record && (record.identityId !== undefined || record.login !== undefined || record.credentials !== undefined)) {
      this.fail('the storage still holds a federated session after clearFederationToIdentityPool resolved');
    }
  }

  private async checkStep(): Promise<void> {
    const stats = this.stack.pool.stats();
    for (const [operation, count] of Object.entries(stats.maxInFlight)) {
      if (count > 1) this.fail(`${count} ${operation} requests were in flight at once`);
    }
    if (this.violations.length > 0) throw new Error(this.violations.join('\n'));
  }

  private checkSecrets(): void {
    const haystacks = {
      events: everyRendering(this.events),
      states: everyRendering(this.states),
      errors: this.errors.map((error) => everyRendering(error)).join('\n'),
    };
    for (const [where, text] of Object.entries(haystacks)) {
      for (const secret of this.secrets) {
        if (secret.length >= 8 && text.includes(secret)) throw new Error(`a secret (${secret.slice(0, 6)}…) appears in ${where}`);
      }
    }
  }

  /** Lets latency faults still being served by the pool finish, and drops unused faults. */
  private async drainPool(): Promise<void> {
    const { pool } = this.stack;
    const deadline = Date.now() + 2_000;
    while (Object.values(pool.stats().inFlight).some((n) => n > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

import { waitFor } from 'xstate';
import type { AuthMachineContext } from '../../machines/auth.context';
import type { Login } from '../../src/model/login';
import type { SessionView } from '../../src/model/session';
import { createAuth, createMemoryStorage, type Auth, type AuthEvent, type AuthSession, type FederateToIdentityPoolResult } from '../../src/index';
import { CallGate, type HeldCall } from '../support/call-gate';
import type { EngineStack } from '../support/engine-stack';
import { frozenTimersClock } from '../support/frozen-timers-clock';
import { createGatedTransport } from '../support/gated-transport';
import { callTimeoutsApartClock } from '../support/call-timeouts-apart-clock';
import { createGatedStorage } from '../support/gated-storage';
import { GENEROUS_BOUND_MS } from '../support/generous-bound';
import { flushIo } from '../support/test-clock';
import { networkOperation, type AuthModel, type ModelSnapshot } from './auth-model';
import { Bindings } from './bindings';
import { MODEL_CALL_TIMEOUTS, MODEL_TIMING, OIDC_TOKEN_TTL_SECONDS, SYNC_GAP_MS, type ModelEvent } from './model-config';
import { OPAQUE_LOGINS_KEY } from './pool-model';

type Settlement = { state: 'pending' } | { state: 'resolved'; value: unknown } | { state: 'rejected'; error: unknown };

interface OpenCall {
  kind: 'fetch' | 'federate' | 'clear';
  settlement: Settlement;
  /** The model settled it at an earlier step (and the check passed). */
  checked: boolean;
}

/** The held call an invoke of the model corresponds to. */
export function heldKind(src: string, input: Record<string, unknown>): string {
  const operation = networkOperation[src];
  if (operation) return operation;
  if (src === 'restoreSession') return 'storageRead';
  if (src === 'loadUserPoolTokens') return 'getTokens';
  if (src === 'refreshProviderToken') return (input['login'] as Login | undefined)?.source === 'userPool' ? 'getTokens' : 'refreshHandler';
  throw new Error(`no held call for ${src}`);
}

/**
 * Walks one model path through a real engine: replays the path in the model, performs each
 * step on the engine (an API call, letting a held Cognito request through with a fault
 * injected, answering a refresh handler or token provider, moving the test clock, a write by
 * another engine on the shared storage), then checks that engine and model agree on the
 * state, context, held calls, timers, events, settled promises, stored record and Cognito
 * request counts.
 */
export class PathDriver {
  readonly gate = new CallGate();
  readonly bindings = new Bindings();
  readonly storage = createMemoryStorage();
  readonly events: AuthEvent[] = [];
  readonly calls = new Map<string, OpenCall>();
  snapshots: ModelSnapshot[] = [];
  engine: Auth | undefined;
  peer: Auth | undefined;
  #seenEvents = 0;
  #peerRequests: Record<string, number> = {};
  #accessTokens = 0;
  /** Model invoke (child actor) → the engine's call it stands for. */
  readonly #callOf = new Map<unknown, HeldCall>();

  constructor(
    readonly stack: EngineStack,
    readonly model: AuthModel,
    readonly modelEvents: readonly ModelEvent[],
    readonly tag: string,
  ) {}

  get oidcKey(): string {
    return this.stack.issuer.loginsKey;
  }

  get storageKey(): string {
    return `idpool.default.${this.stack.pool.identityPoolId}.session`;
  }

  /** Replays the model from the clock's current time, seeds storage for the restore, starts the engine. */
  async start(): Promise<void> {
    let snapshot = this.model.initial(this.stack.clock.now());
    this.snapshots = [snapshot];
    for (const event of this.modelEvents) this.snapshots.push((snapshot = this.model.step(snapshot, event)));
    const { pool } = this.stack;
    pool.clearFaults();
    if (this.model.config.sync) {
      this.peer = createAuth({
        identityPoolId: pool.identityPoolId,
        endpoint: pool.endpoint,
        storage: this.storage,
        persistCredentials: true,
        shareSession: false,
        clock: frozenTimersClock(this.stack.clock),
      });
      await waitFor(this.peer.actor, (state) => !state.matches('restoring'));
    }
    await this.seed(this.modelEvents[0]);
    pool.resetStats();
    const settings = this.model.config.settings;
    const engine = createAuth({
      identityPoolId: pool.identityPoolId,
      transport: createGatedTransport(pool, this.gate),
      storage: createGatedStorage(this.storage, this.gate),
      persistCredentials: true,
      clock: callTimeoutsApartClock(this.stack.clock, Object.values(MODEL_CALL_TIMEOUTS)),
      ...MODEL_CALL_TIMEOUTS,
      allowGuestAccess: settings.allowGuestAccess,
      refreshAheadMs: MODEL_TIMING.refreshAheadMs,
      retry: MODEL_TIMING.retry,
      ...(settings.refreshHandlerKeys.length > 0
        ? {
            refreshHandlers: Object.fromEntries(
              settings.refreshHandlerKeys.map((key) => [key, (context: { provider: string; identityId?: string }) => this.gate.hold('refreshHandler', { ...context })]),
            ),
          }
        : {}),
      ...(settings.hasTokenProvider
        ? { tokenProvider: { getTokens: (options?: { forceRefresh?: boolean }) => this.gate.hold('getTokens', { forceRefresh: options?.forceRefresh === true }) } }
        : {}),
    });
    engine.events$.subscribe((event) => this.events.push(event));
    this.engine = engine;
    await this.settle(this.snapshots[0]!);
    this.check(0);
  }

  /** Performs model step `index` (1-based) on the engine, waits for it to settle, and checks. */
  async step(index: number): Promise<void> {
    const event = this.modelEvents[index - 1]!;
    const before = this.snapshots[index - 1]!;
    const after = this.snapshots[index]!;
    const engine = this.engine!;
    const clock = this.stack.clock;
    if (event.type === 'env.jump') clock.jump(after.world.now - before.world.now);
    else if (event.type.startsWith('xstate.after.')) await clock.advance(after.world.now - before.world.now);
    else if (event.type === 'SYNC') await this.sync(event, after);
    else if (event.type === 'REFRESH') engine.actor.send({ type: 'REFRESH' });
    else if (event.type === 'FETCH') this.open(after, 'fetch', engine.fetchAuthSession({ forceRefresh: event.forceRefresh === true }));
    else if (event.type === 'CLEAR') this.open(after, 'clear', engine.clearFederationToIdentityPool());
    else if (event.type === 'FEDERATE') {
      const login = sent<{ login: Login }>(after).login;
      const token = await this.realToken(login);
      this.open(after, 'federate', engine.federateToIdentityPool({ token, provider: login.loginsKey }));
    } else await this.answer(event, before, after);
    await this.settle(after);
    this.check(index);
    await this.checkStorage(index);
  }

  /**
   * Pairs each invoke of the model with the call it made on the engine side. A refresh handler
   * or token provider call whose invoke the machine stopped (it left the state) goes on in the
   * app and its answer is ignored: fail it so it settles and leaves the gate.
   */
  private pairCalls(model: ModelSnapshot): void {
    const live = new Set(Object.values(model.machine.children as Record<string, unknown>));
    for (const [child, call] of this.#callOf) {
      if (live.has(child)) continue;
      this.#callOf.delete(child);
      if (this.gate.held().includes(call)) call.fail(new Error('nobody waits for this answer any more'));
    }
    const paired = new Set(this.#callOf.values());
    for (const invoke of this.model.invokes(model)) {
      const child = (model.machine.children as Record<string, unknown>)[invoke.id];
      if (this.#callOf.has(child)) continue;
      const call = this.gate.held().find((held) => held.kind === heldKind(invoke.src, invoke.input) && !paired.has(held));
      if (call) {
        this.#callOf.set(child, call);
        paired.add(call);
      }
    }
  }

  async close(): Promise<void> {
    await this.engine?.stop();
    await this.peer?.stop();
    this.stack.pool.clearFaults();
  }

  // ---- performing steps ----

  private async seed(first: ModelEvent | undefined): Promise<void> {
    const outcome = first?.type === 'xstate.done.actor.0.auth.restoring' ? first.outcome : undefined;
    if (outcome === 'invalid') await this.storage.setItem(this.storageKey, '{"version":1,"writer":');
    if (outcome !== 'creds' && outcome !== 'login') return;
    const restored = this.snapshots[1]!;
    const login = restored.step.minted[0]!;
    const session = sent<{ output: { session: SessionView & { login: Login } } }>(restored).output.session;
    const seeder = createAuth({
      identityPoolId: this.stack.pool.identityPoolId,
      endpoint: this.stack.pool.endpoint,
      storage: this.storage,
      persistCredentials: outcome === 'creds',
      shareSession: false,
      clock: frozenTimersClock(this.stack.clock),
    });
    try {
      const result = await seeder.federateToIdentityPool({ token: await this.realToken(login), provider: login.loginsKey });
      this.bindings.unify('identity', session.identityId, result.identityId, 'seeding');
      if (session.credentials) this.bindings.unify('credentials', session.credentials.value.reveal().accessKeyId, result.credentials.accessKeyId, 'seeding');
    } finally {
      await seeder.stop();
    }
  }

  private async sync(event: ModelEvent, after: ModelSnapshot): Promise<void> {
    const peer = this.peer;
    if (!peer) throw new Error('SYNC without a peer engine');
    this.stack.clock.jump(SYNC_GAP_MS);
    const before = this.stack.pool.stats().requests;
    if (event.peer === 'clear') await peer.clearFederationToIdentityPool();
    else {
      const session = sent<{ session: SessionView & { login: Login } }>(after).session;
      const result = await peer.federateToIdentityPool({ token: await this.realToken(session.login), provider: session.login.loginsKey });
      this.bindings.unify('identity', session.identityId, result.identityId, 'peer federation');
      this.bindings.unify('credentials', session.credentials?.value.reveal().accessKeyId, result.credentials.accessKeyId, 'peer federation');
    }
    const afterStats = this.stack.pool.stats().requests;
    for (const [operation, count] of Object.entries(afterStats)) {
      this.#peerRequests[operation] = (this.#peerRequests[operation] ?? 0) + count - (before[operation] ?? 0);
    }
  }

  /** Ends the held call an invoke of the model stands for, the way the model's event says. */
  private async answer(event: ModelEvent, before: ModelSnapshot, after: ModelSnapshot): Promise<void> {
    const id = /^xstate\.(?:done|error)\.actor\.(.+)$/.exec(event.type)?.[1];
    const invoke = this.model.invokes(before).find((candidate) => candidate.id === id);
    if (!invoke) throw new Error(`no model invoke for ${event.type}`);
    const call = this.#callOf.get((before.machine.children as Record<string, unknown>)[invoke.id]);
    if (!call || !this.gate.held().includes(call)) throw new Error(`${event.type}: the engine made no ${heldKind(invoke.src, invoke.input)} call for it`);
    const where = `${event.type} (${event.outcome})`;
    const answered = sent<{ output?: unknown; error?: Error }>(after);
    const network = after.step.network;
    if (network) {
      this.checkRequest(call.info, invoke.input, where);
      if (network.fault) this.stack.pool.injectFault({ op: network.op, kind: network.fault });
      if (network.forget) this.stack.pool.forgetIdentity(this.bindings.real('identity', network.forget) ?? network.forget);
      call.release();
      return;
    }
    if (invoke.src === 'restoreSession') {
      if (event.outcome === 'error') call.fail(new Error('storage offline (model)'));
      else call.release();
      return;
    }
    if (answered.error) {
      call.fail(new Error('the identity provider refused (model)'));
      return;
    }
    const output = answered.output as { login: Login; userPoolTokens?: { accessToken: { reveal(): string } } } | null;
    if (output === null) {
      call.release(null);
      return;
    }
    if (call.kind === 'refreshHandler') {
      call.release({ token: await this.realToken(output.login) });
      return;
    }
    const accessToken = `access-${this.tag}-${++this.#accessTokens}`;
    this.bindings.unify('accessToken', output.userPoolTokens?.accessToken.reveal(), accessToken, where);
    call.release({ idToken: await this.realToken(output.login), accessToken });
  }

  private open(after: ModelSnapshot, kind: OpenCall['kind'], promise: Promise<unknown>): void {
    const requestId = sent<{ requestId: string }>(after).requestId;
    const call: OpenCall = { kind, settlement: { state: 'pending' }, checked: false };
    this.calls.set(requestId, call);
    promise.then(
      (value) => (call.settlement = { state: 'resolved', value }),
      (error: unknown) => (call.settlement = { state: 'rejected', error }),
    );
  }

  /** The real token for a model login: minted once (same subject and expiry), then reused. */
  private async realToken(login: Login): Promise<string> {
    const symbol = login.token.reveal();
    const known = this.bindings.real('token', symbol);
    if (known !== undefined) return known;
    let token: string;
    if (login.loginsKey === OPAQUE_LOGINS_KEY) {
      const [who, suffix] = symbol.split(':');
      token = `${who}-${this.tag}:${suffix}`;
    } else {
      // jti: two tokens minted in the same second for one user must still differ, as in the model.
      token = await this.stack.issuer.mintToken({ sub: this.realSubject(login.subject), jti: `${this.tag}-${symbol}` }, { expiresIn: OIDC_TOKEN_TTL_SECONDS });
      const exp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
      if (exp * 1000 !== login.expiresAt) throw new Error(`minted token expires at ${exp * 1000}, the model says ${login.expiresAt}`);
    }
    this.bindings.unify('token', symbol, token, 'minting');
    return token;
  }

  private realSubject(subject: string | undefined): string | undefined {
    return subject === undefined ? undefined : `${subject}-${this.tag}`;
  }

  /**
   * Waits until no released call is in flight, the engine's snapshot stops changing, and every
   * invoke the model has running is paired with a held call (the SDK takes a few turns of the
   * event loop before a request reaches the gate). Gives up after a generous real-time bound
   * (never reached when engine and model agree); the checks then say what differs.
   */
  async settle(model: ModelSnapshot): Promise<void> {
    const deadline = Date.now() + GENEROUS_BOUND_MS;
    let last = this.engine?.actor.getSnapshot();
    let quiet = 0;
    for (;;) {
      await flushIo();
      const current = this.engine?.actor.getSnapshot();
      quiet = this.gate.inFlight === 0 && current === last ? quiet + 1 : 0;
      last = current;
      if (quiet >= 2) {
        this.pairCalls(model);
        const paired = this.model.invokes(model).every((invoke) => this.#callOf.has((model.machine.children as Record<string, unknown>)[invoke.id]));
        if (paired || Date.now() > deadline) return;
      }
    }
  }

  // ---- checks ----

  private check(index: number): void {
    const model = this.snapshots[index]!;
    const engine = this.engine!;
    const where = index === 0 ? 'start' : `step ${index} ${JSON.stringify(this.modelEvents[index - 1])}`;
    const snapshot = engine.actor.getSnapshot();
    this.checkInvariants(where, snapshot);
    expectEqual(`${where}: state`, model.machine.value, snapshot.value);
    expectEqual(`${where}: clock`, model.world.now, this.stack.clock.now());
    this.checkContext(where, model.machine.context, snapshot.context);
    expectEqual(
      `${where}: held calls`,
      this.model.invokes(model).map((invoke) => heldKind(invoke.src, invoke.input)).sort(),
      this.gate.held().map((call) => call.kind).sort(),
    );
    expectEqual(
      `${where}: timers`,
      model.world.timers.map((timer) => timer.at - model.world.now).sort((a, b) => a - b),
      this.stack.clock.pending(),
    );
    this.checkEvents(where, model);
    this.checkSettlements(where, model);
    const requests = this.stack.pool.stats().requests;
    for (const operation of ['GetId', 'GetCredentialsForIdentity']) {
      const engineRequests = (requests[operation] ?? 0) - (this.#peerRequests[operation] ?? 0);
      expectEqual(`${where}: ${operation} requests`, model.world.requests[operation] ?? 0, engineRequests);
    }
    const maxInFlight = this.stack.pool.stats().maxInFlight;
    for (const [operation, count] of Object.entries(maxInFlight)) {
      if (count > 1) throw new Error(`${where}: ${count} ${operation} requests were in flight at once`);
    }
  }

  /** The shared storage holds what the model's last write (engine, seeding engine, other context) put there. */
  private async checkStorage(index: number): Promise<void> {
    const model = this.snapshots[index]!.world.stored;
    const where = `step ${index} ${JSON.stringify(this.modelEvents[index - 1])}: stored session`;
    const text = await this.storage.getItem(this.storageKey);
    const record = text === null ? null : (JSON.parse(text) as { identityId?: string; guestIdentityId?: string; login?: unknown; credentials?: unknown });
    expectEqual(`${where} present`, model !== null, record !== null);
    if (!model || !record) return;
    this.bindings.unify('identity', model.identityId, record.identityId, `${where} identityId`);
    this.bindings.unify('identity', model.guestIdentityId, record.guestIdentityId, `${where} guestIdentityId`);
    expectEqual(`${where} login and credentials`, [model.login, model.credentials], [record.login !== undefined, record.credentials !== undefined]);
  }

  /** Rules that hold whatever the model says (DESIGN.md), checked at every step. */
  private checkInvariants(where: string, snapshot: ReturnType<Auth['actor']['getSnapshot']>): void {
    const context = snapshot.context;
    if (snapshot.matches('federated') && (context.identityId === undefined || !context.credentials || !context.login)) {
      throw new Error(`${where}: invariant: the engine is federated without ${context.identityId === undefined ? 'an identity id' : !context.credentials ? 'credentials' : 'a login'}`);
    }
    for (const call of this.gate.held()) {
      if (call.kind === 'GetCredentialsForIdentity' && !/^[\w-]+:[0-9a-f-]+$/.test(String(call.info['IdentityId']))) {
        throw new Error(`${where}: invariant: GetCredentialsForIdentity is sent with IdentityId ${JSON.stringify(call.info['IdentityId'])}`);
      }
    }
    for (const [id, call] of this.calls) {
      const value = call.settlement.state === 'resolved' ? (call.settlement.value as AuthSession | undefined) : undefined;
      if (value?.credentials && value.identityId === undefined) throw new Error(`${where}: invariant: call ${id} got credentials without an identity id`);
    }
  }

  private checkContext(where: string, model: AuthMachineContext, real: AuthMachineContext): void {
    const b = this.bindings;
    b.unify('identity', model.identityId, real.identityId, `${where}: identityId`);
    b.unify('identity', model.guest.identityId, real.guest.identityId, `${where}: guest identityId`);
    b.unify('identity', model.pending?.identityId, real.pending?.identityId, `${where}: pending identityId`);
    b.unify('identity', model.refresh.previousIdentityId, real.refresh.previousIdentityId, `${where}: previousIdentityId`);
    b.unify('identity', model.staleIdentityId, real.staleIdentityId, `${where}: staleIdentityId`);
    expectEqual(`${where}: pending`, model.pending !== undefined, real.pending !== undefined);
    this.checkCredentials(`${where}: credentials`, model.credentials, real.credentials);
    this.checkCredentials(`${where}: guest credentials`, model.guest.credentials, real.guest.credentials);
    this.checkLogin(`${where}: login`, model.login, real.login);
    this.checkLogin(`${where}: pending login`, model.pending?.login, real.pending?.login);
    expectEqual(`${where}: context flags`, flagsOf(model), flagsOf(real));
  }

  private checkCredentials(where: string, model: AuthMachineContext['credentials'], real: AuthMachineContext['credentials']): void {
    expectEqual(`${where} held`, model !== undefined, real !== undefined);
    if (!model || !real) return;
    expectEqual(`${where} expiration`, model.expiration, real.expiration);
    this.bindings.unify('credentials', model.value.reveal().accessKeyId, real.value.reveal().accessKeyId, where);
  }

  private checkLogin(where: string, model: Login | undefined, real: Login | undefined): void {
    expectEqual(`${where} held`, model !== undefined, real !== undefined);
    if (!model || !real) return;
    expectEqual(`${where}`, [model.loginsKey, this.realSubject(model.subject), model.expiresAt, model.source], [real.loginsKey, real.subject, real.expiresAt, real.source]);
    this.bindings.unify('token', model.token.reveal(), real.token.reveal(), where);
  }

  private checkRequest(body: Record<string, unknown>, input: Record<string, unknown>, where: string): void {
    if (input['identityId'] !== undefined) this.bindings.unify('identity', String(input['identityId']), body['IdentityId'] as string | undefined, `${where}: request IdentityId`);
    const login = input['login'] as Login | undefined;
    const logins = (body['Logins'] ?? {}) as Record<string, string>;
    expectEqual(`${where}: request Logins keys`, login ? [login.loginsKey] : [], Object.keys(logins));
    if (login) this.bindings.unify('token', login.token.reveal(), logins[login.loginsKey], `${where}: request token`);
  }

  private checkEvents(where: string, model: ModelSnapshot): void {
    const expected = model.step.emitted.filter((event) => !event.type.startsWith('request.')) as AuthEvent[];
    const actual = this.events.slice(this.#seenEvents);
    this.#seenEvents = this.events.length;
    expectEqual(`${where}: event types`, expected.map((event) => event.type), actual.map((event) => event.type));
    expected.forEach((event, i) => {
      const real = actual[i]! as unknown as Record<string, unknown>;
      const modelEvent = event as unknown as Record<string, unknown>;
      for (const field of new Set([...Object.keys(modelEvent), ...Object.keys(real)])) {
        const m = modelEvent[field];
        const r = real[field];
        if (field === 'identityId' || field === 'previousIdentityId') {
          // An event names '' when the machine has no identity (guest failures before GetId answered).
          if (m === '' || r === '') expectEqual(`${where}: ${event.type}.${field}`, m, r);
          else this.bindings.unify('identity', m as string | undefined, r as string | undefined, `${where}: ${event.type}.${field}`);
        } else if (field === 'error') expectEqual(`${where}: ${event.type}.error.name`, (m as { name?: string } | undefined)?.name, (r as { name?: string } | undefined)?.name);
        else expectEqual(`${where}: ${event.type}.${field}`, m, r);
      }
    });
  }

  private checkSettlements(where: string, model: ModelSnapshot): void {
    const settledNow = new Map<string, { resolved: SessionView } | { rejected: Error }>();
    for (const emitted of model.step.emitted) {
      if (emitted.type === 'request.resolved') for (const id of emitted.requestIds) settledNow.set(id, { resolved: emitted.session });
      if (emitted.type === 'request.rejected') for (const id of emitted.requestIds) settledNow.set(id, { rejected: emitted.error });
    }
    for (const [id, call] of this.calls) {
      const expected = settledNow.get(id);
      if (!expected) {
        if (call.checked) continue;
        expectEqual(`${where}: call ${id} (${call.kind}) settled`, 'pending', call.settlement.state);
        continue;
      }
      call.checked = true;
      const label = `${where}: call ${id} (${call.kind})`;
      if ('rejected' in expected) {
        expectEqual(`${label} outcome`, 'rejected', call.settlement.state);
        expectEqual(`${label} error`, expected.rejected.name, (call.settlement as { error?: Error }).error?.name);
        continue;
      }
      const view = expected.resolved;
      if (call.kind === 'federate' && (view.identityId === undefined || !view.credentials)) {
        expectEqual(`${label} outcome`, 'rejected InvalidStateException', `${call.settlement.state} ${(call.settlement as { error?: Error }).error?.name}`);
        continue;
      }
      if (call.settlement.state !== 'resolved') {
        throw new Error(`${label}: model resolves it, engine ${call.settlement.state}${call.settlement.state === 'rejected' ? ` with ${String((call.settlement.error as Error)?.name)}: ${String((call.settlement.error as Error)?.message)}` : ''}`);
      }
      if (call.kind === 'clear') continue;
      const value = call.settlement.value as AuthSession & Partial<FederateToIdentityPoolResult>;
      this.bindings.unify('identity', view.identityId, value.identityId, `${label} identityId`);
      expectEqual(`${label} credentials`, view.credentials !== undefined, value.credentials !== undefined);
      if (view.credentials && value.credentials) {
        this.bindings.unify('credentials', view.credentials.value.reveal().accessKeyId, value.credentials.accessKeyId, `${label} credentials`);
        expectEqual(`${label} expiration`, view.credentials.expiration - view.clockOffsetMs, value.credentials.expiration.getTime());
      }
      if (call.kind === 'fetch') {
        expectEqual(`${label} federatedProvider`, view.federatedProvider, value.federatedProvider);
        expectEqual(`${label} tokens`, view.userPoolTokens !== undefined, value.tokens !== undefined);
        if (view.userPoolTokens && value.tokens) this.bindings.unify('token', view.userPoolTokens.idToken.reveal(), value.tokens.idToken?.toString(), `${label} id token`);
      }
    }
  }
}

/** The machine event a model step sent, as the step kind has it. */
function sent<T>(snapshot: ModelSnapshot): T {
  return snapshot.step.sent as unknown as T;
}

function flagsOf(context: AuthMachineContext) {
  return {
    returnTo: context.returnTo,
    cleared: context.cleared,
    clockOffsetMs: context.clockOffsetMs,
    refresh: [context.refresh.attempt, context.refresh.tokenRefreshed, context.refresh.identityReplaced, context.refresh.cooldown, context.refresh.error?.name],
    waiters: [context.sessionWaiters.length, context.federationWaiters.length],
    pending: context.pending ? [context.pending.identityIdFromApp, context.pending.identityIdGuessed, context.pending.gotFreshIdentityId] : null,
    userPoolTokens: context.userPoolTokens !== undefined,
    guestReplaced: context.guest.identityReplaced,
  };
}

function expectEqual(what: string, expected: unknown, actual: unknown): void {
  const a = JSON.stringify(expected);
  const b = JSON.stringify(actual);
  if (a !== b) throw new Error(`${what}: model expects ${a}, engine has ${b}`);
}

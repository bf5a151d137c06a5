import { createActor, type ActorLogic, type ActorScope, type EventObject, type SnapshotFrom } from 'xstate';
import { TestModel } from 'xstate/graph';
import { authMachine, type AuthMachine } from '../../machines/auth.machine';
import type { AuthMachineContext, MachineEmitted } from '../../machines/auth.context';
import type { HeldCredentials } from '../../src/model/credentials';
import type { Login } from '../../src/model/login';
import type { StoredSession } from '../../src/model/session';
import { credentialsUsable } from '../../machines/timing';
import { createClockGuards } from '../../machines/clock-guards';
import { Secret, StorageError } from '../../src/index';
import { PEER_USER, SYNC_GAP_MS, type AppUser, type ModelConfig, type ModelEvent, type Outcome, type PoolUser } from './model-config';
import { cognitoError, issueCredentials, mintLogin, restoreOutcome, tokenRefreshError } from './model-outcomes';
import { PoolModel } from './pool-model';
import { transitionId } from './transition-ids';

type AuthSnapshot = SnapshotFrom<AuthMachine>;

/** A timer the machine scheduled (an `after` transition), on the model's clock. */
export interface ModelTimer {
  id: string;
  at: number;
  type: string;
}

/** What the shared storage holds, as far as the checks look at it. */
export interface StoredView {
  identityId?: string;
  guestIdentityId?: string;
  login: boolean;
  credentials: boolean;
}

/** Everything around the machine: the clock, the pool, timers, another context, storage. */
export interface World {
  now: number;
  seq: number;
  pool: PoolModel;
  timers: ModelTimer[];
  /** The session another context federated and wrote (SYNC). */
  peer: StoredSession | undefined;
  /** Another context wrote while the engine was restoring, so the restore reads its record. */
  restoreFromPeer: boolean;
  stored: StoredView | null;
  /** Cognito requests the engine made, per operation. */
  requests: Record<string, number>;
}

/** What one step did, for the driver to reproduce and to check against. */
export interface StepRecord {
  event: ModelEvent | undefined;
  /** The machine event the step sent (with outputs, errors, logins), if any. */
  sent: EventObject | undefined;
  /** Transitions taken, in order (ids from `transition-ids.ts`). */
  taken: string[];
  emitted: MachineEmitted[];
  /** Engine-bound actions that ran (`persistSession`, `removePersistedSession`). */
  effects: string[];
  /** The network call this step answers, and what to arrange before letting it through. */
  network?: { op: 'GetId' | 'GetCredentialsForIdentity'; fault?: 'internal' | 'notAuthorized'; forget?: string };
  /** Logins created by this step, for the driver to mint real tokens for. */
  minted: Login[];
}

export interface ModelSnapshot {
  status: 'active';
  output: undefined;
  error: undefined;
  machine: AuthSnapshot;
  world: World;
  step: StepRecord;
}

export type ModelLogic = ActorLogic<ModelSnapshot, ModelEvent, undefined>;

interface ChildActor {
  src: unknown;
  options?: { input?: unknown };
}

interface ExecutedAction {
  type: string;
  params?: unknown;
  info: { context: AuthMachineContext };
}

/** Invoke sources that call Cognito, and the operation each sends. */
export const networkOperation: Record<string, 'GetId' | 'GetCredentialsForIdentity' | undefined> = {
  getId: 'GetId',
  getCredentials: 'GetCredentialsForIdentity',
  refreshCredentials: 'GetCredentialsForIdentity',
};

export interface AuthModel {
  config: ModelConfig;
  logic: ModelLogic;
  testModel: TestModel<ModelSnapshot, ModelEvent, undefined>;
  /** The initial snapshot, its clock at `start` (default: the model's). */
  initial(start?: number): ModelSnapshot;
  step(snapshot: ModelSnapshot, event: ModelEvent): ModelSnapshot;
  /** Offered events: every event that takes a transition (or, for clock jumps, changes what guards see). */
  events(snapshot: ModelSnapshot): ModelEvent[];
  /** Whether `events(snapshot)` would offer `event` (without stepping every other candidate). */
  offers(snapshot: ModelSnapshot, event: ModelEvent): boolean;
  /** The traversal key: state value, incoming transitions, the clock's verdicts, and what each offered event would take. */
  key(snapshot: ModelSnapshot): string;
  /** Active invokes: id, src and the input the machine gave them. */
  invokes(snapshot: ModelSnapshot): Array<{ id: string; src: string; input: Record<string, unknown> }>;
}

export interface AuthModelOptions {
  oidcLoginsKey: string;
  /** The model clock's start, epoch ms (a whole second). */
  start: number;
  /** Another machine with the same events (a mutated copy, for the coverage self-check). */
  machine?: AuthMachine;
}

/**
 * The test model: the real `authMachine` from `machines/`, provided with the same time rules the
 * engine uses, bound to a model clock; wrapped in a logic that also models the world around it
 * (clock, identity pool, timers, another context, storage) so that invoke results, `after`
 * timers and clock jumps become events with payloads. The key keeps context out except what
 * guards read.
 */
export function createAuthModel(config: ModelConfig, options: AuthModelOptions): AuthModel {
  const clock = { now: options.start };
  // The engine's own time rules (timing read from the settings in the context), on the model's clock.
  const rules = createClockGuards({ now: () => clock.now, random: () => 0.5 });
  const machine = (options.machine ?? authMachine).provide({ guards: rules.guards, delays: rules.delays });
  const input = { settings: config.settings };

  const recorded = { transitions: [] as unknown[], actions: [] as ExecutedAction[] };
  const self = createActor(machine, { input });
  const system = Object.create(self.system) as typeof self.system & { _sendInspectionEvent: (event: { type: string; _transitions?: unknown[] }) => void };
  system._sendInspectionEvent = (event) => {
    if (event.type === '@xstate.microstep') recorded.transitions.push(...(event._transitions ?? []));
  };
  const scope = {
    self,
    system,
    id: '',
    sessionId: '',
    logger: () => undefined,
    defer: () => undefined,
    stopChild: () => undefined,
    emit: () => undefined,
    actionExecutor: (action: ExecutedAction) => recorded.actions.push(action),
  } as unknown as ActorScope<AuthSnapshot, EventObject>;

  const run = (snapshot: AuthSnapshot | undefined, event: EventObject | undefined): { next: AuthSnapshot; taken: string[]; actions: ExecutedAction[] } => {
    recorded.transitions = [];
    recorded.actions = [];
    const next = snapshot === undefined ? machine.getInitialSnapshot(scope as never, input) : machine.transition(snapshot, event as never, scope as never);
    return { next, taken: recorded.transitions.map((t) => transitionId(t as Parameters<typeof transitionId>[0])), actions: recorded.actions };
  };

  const copyWorld = (world: World): World => ({
    ...world,
    pool: world.pool.clone(),
    timers: [...world.timers],
    requests: { ...world.requests },
  });

  const invokes = (snapshot: ModelSnapshot) =>
    Object.entries(snapshot.machine.children as Record<string, ChildActor | undefined>).flatMap(([id, child]) =>
      child ? [{ id, src: String(child.src), input: (child.options?.input ?? {}) as Record<string, unknown> }] : [],
    );

  const applyActions = (world: World, record: StepRecord, actions: ExecutedAction[]) => {
    for (const action of actions) {
      const params = action.params as Record<string, unknown> | string | undefined;
      if (action.type === 'xstate.emit' && typeof params === 'object') record.emitted.push(params['event'] as MachineEmitted);
      else if (action.type === 'xstate.raise' && typeof params === 'object' && typeof params['delay'] === 'number') {
        world.timers.push({ id: String(params['id']), at: world.now + params['delay'], type: (params['event'] as EventObject).type });
      } else if (action.type === 'xstate.cancel' && typeof params === 'object') {
        world.timers = world.timers.filter((timer) => timer.id !== params['sendId']);
      }
      else if (action.type === 'persistSession') {
        record.effects.push(action.type);
        world.stored = storedView(action.info.context);
      } else if (action.type === 'removePersistedSession') {
        record.effects.push(action.type);
        const guestIdentityId = action.info.context.guest.identityId;
        world.stored = guestIdentityId !== undefined ? { guestIdentityId, login: false, credentials: false } : null;
      }
    }
  };

  const initial = (start = options.start): ModelSnapshot => {
    const world: World = {
      now: start,
      seq: 0,
      pool: new PoolModel(),
      timers: [],
      peer: undefined,
      restoreFromPeer: false,
      stored: null,
      requests: {},
    };
    clock.now = world.now;
    const record: StepRecord = { event: undefined, sent: undefined, taken: [], emitted: [], effects: [], minted: [] };
    const { next, actions } = run(undefined, undefined);
    applyActions(world, record, actions);
    return { status: 'active', output: undefined, error: undefined, machine: next, world, step: record };
  };

  const jumpTarget = (snapshot: ModelSnapshot, to: NonNullable<ModelEvent['to']>): number | undefined => {
    const context = snapshot.machine.context;
    if (to === 'tokenExpiry') return context.login?.expiresAt;
    const held = to === 'credentialsExpiry' ? context.credentials : context.guest.credentials;
    return held ? held.expiration - context.clockOffsetMs : undefined;
  };

  const invokeEvent = (snapshot: ModelSnapshot, world: World, event: ModelEvent, record: StepRecord): EventObject => {
    const match = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event.type);
    const invoke = invokes(snapshot).find((candidate) => candidate.id === match?.[2]);
    if (!match || !invoke || event.outcome === undefined) throw new Error(`model: no invoke for ${event.type}`);
    const outcome: Outcome = event.outcome;
    const done = (output: unknown): EventObject => ({ type: `xstate.done.actor.${invoke.id}`, output }) as EventObject;
    const fail = (error: unknown): EventObject => ({ type: `xstate.error.actor.${invoke.id}`, error }) as EventObject;
    const login = invoke.input['login'] as Login | undefined;
    const operation = networkOperation[invoke.src];
    if (operation) {
      record.network = { op: operation };
      world.requests[operation] = (world.requests[operation] ?? 0) + 1;
      if (outcome === 'internal' || outcome === 'notAuthorized') {
        record.network.fault = outcome;
        return fail(cognitoError(outcome === 'internal' ? 'InternalErrorException' : 'NotAuthorizedException'));
      }
      if (operation === 'GetId') {
        const answer = world.pool.getId(login, world.now);
        return answer.ok ? done({ identityId: answer.value, clockOffsetMs: 0 }) : fail(cognitoError(answer.error));
      }
      const identityId = String(invoke.input['identityId']);
      if (outcome === 'forget') {
        record.network.forget = identityId;
        world.pool.forget(identityId);
      }
      const answer = world.pool.getCredentials(identityId, login, world.now);
      return answer.ok
        ? done({ identityId: answer.value, credentials: issueCredentials(world), clockOffsetMs: 0 })
        : fail(cognitoError(answer.error));
    }
    if (invoke.src === 'restoreSession') {
      if (outcome === 'error') return fail(new StorageError('model: storage offline', { adapter: 'custom', operation: 'getItem' }));
      const restored = restoreOutcome(world, outcome as 'empty' | 'creds' | 'login' | 'invalid' | 'peer', options.oidcLoginsKey, world.peer);
      record.minted.push(...restored.minted);
      if (outcome === 'invalid') world.stored = null;
      else if (outcome === 'creds' || outcome === 'login') {
        const session = (restored.outcome as { session: StoredSession }).session;
        world.stored = { identityId: session.identityId!, login: true, credentials: outcome === 'creds' };
      }
      return done(restored.outcome);
    }
    if (outcome === 'fail') return fail(tokenRefreshError());
    if (invoke.src === 'refreshProviderToken') {
      if (!login) throw new Error('model: token refresh without a login');
      const who = (login.subject ?? login.token.reveal().split(':')[0]) as AppUser | PoolUser;
      const next = mintLogin(world, who, options.oidcLoginsKey, login.source);
      record.minted.push(next);
      if (login.source === 'userPool') return done({ login: next, userPoolTokens: userPoolTokens(world, next) });
      return done({ login: next });
    }
    if (invoke.src === 'loadUserPoolTokens') {
      if (outcome === 'none') return done(null);
      const next = mintLogin(world, outcome as PoolUser, options.oidcLoginsKey, 'userPool');
      record.minted.push(next);
      return done({ login: next, userPoolTokens: userPoolTokens(world, next) });
    }
    throw new Error(`model: unknown invoke ${invoke.src}`);
  };

  const apiEvent = (snapshot: ModelSnapshot, world: World, event: ModelEvent, record: StepRecord): EventObject => {
    if (event.type === 'REFRESH') return { type: 'REFRESH' };
    world.seq += 1;
    const requestId = `q${world.seq}`;
    if (event.type === 'FETCH') return { type: 'FETCH', requestId, forceRefresh: event.forceRefresh === true } as EventObject;
    if (event.type === 'CLEAR') return { type: 'CLEAR', requestId } as EventObject;
    const pending = snapshot.machine.context.pending;
    let login: Login;
    if (event.who === 'samePending') {
      if (!pending) throw new Error('model: samePending without a pending federation');
      login = pending.login;
    } else {
      login = mintLogin(world, event.who ?? 'alice', options.oidcLoginsKey, 'app');
      record.minted.push(login);
    }
    return { type: 'FEDERATE', requestId, login } as EventObject;
  };

  const syncEvent = (snapshot: ModelSnapshot, world: World, event: ModelEvent, record: StepRecord): EventObject => {
    world.now += SYNC_GAP_MS;
    if (snapshot.machine.matches('restoring')) world.restoreFromPeer = true;
    if (event.peer === 'clear') {
      world.peer = undefined;
      world.stored = null;
      return { type: 'SYNC', session: null } as EventObject;
    }
    const login = mintLogin(world, PEER_USER, options.oidcLoginsKey, 'app');
    record.minted.push(login);
    const id = world.pool.getId(login, world.now);
    if (!id.ok || !world.pool.getCredentials(id.value, login, world.now).ok) throw new Error('model: peer federation refused');
    const session: StoredSession = { identityId: id.value, login, credentials: issueCredentials(world) };
    world.peer = session;
    world.stored = { identityId: id.value, login: true, credentials: true };
    return { type: 'SYNC', session } as EventObject;
  };

  const step = (snapshot: ModelSnapshot, event: ModelEvent): ModelSnapshot => {
    const world = copyWorld(snapshot.world);
    const record: StepRecord = { event, sent: undefined, taken: [], emitted: [], effects: [], minted: [] };
    let sent: EventObject;
    if (event.type === 'env.jump') {
      const target = event.to ? jumpTarget(snapshot, event.to) : undefined;
      if (target === undefined || target <= world.now) throw new Error(`model: nothing to jump to (${event.to})`);
      world.now = target;
      return { ...snapshot, world, step: record };
    } else if (event.type.startsWith('xstate.after.')) {
      const timer = world.timers.find((candidate) => candidate.type === event.type);
      if (!timer) throw new Error(`model: no timer for ${event.type}`);
      world.now = Math.max(world.now, timer.at);
      world.timers = world.timers.filter((candidate) => candidate !== timer);
      sent = { type: event.type };
    } else if (event.type === 'SYNC') sent = syncEvent(snapshot, world, event, record);
    else if (event.type.startsWith('xstate.')) sent = invokeEvent(snapshot, world, event, record);
    else sent = apiEvent(snapshot, world, event, record);
    clock.now = world.now;
    const { next, taken, actions } = run(snapshot.machine, sent);
    record.sent = sent;
    record.taken = taken;
    // A failed storage read is reported by the engine's store (sessionStorage_failure) before the machine hears of it.
    if (event.type === 'xstate.error.actor.0.auth.restoring' && event.outcome === 'error') {
      record.emitted.push({ type: 'sessionStorage_failure', adapter: 'custom', operation: 'getItem', error: { name: 'StorageError', message: 'model' } });
    }
    applyActions(world, record, actions);
    return { status: 'active', output: undefined, error: undefined, machine: next, world, step: record };
  };

  const flagsAt = (context: AuthMachineContext, now: number) => {
    clock.now = now;
    const usable = (held: HeldCredentials | undefined) => credentialsUsable(held, context.clockOffsetMs, now);
    return {
      credentials: usable(context.credentials),
      token: context.login ? rules.guards.isProviderTokenUsable({ context, event: { type: 'REFRESH' } }) : null,
      guest: usable(context.guest.credentials),
    };
  };

  // What the guards decide for each offered event (the transitions it would take), the clock's
  // verdict on the held credentials and token, and how we got here. Nothing else of the context.
  const key = (snapshot: ModelSnapshot): string => {
    const context = snapshot.machine.context;
    const flags = flagsAt(context, snapshot.world.now);
    const next = events(snapshot).map((event) => [JSON.stringify(event), cachedStep(snapshot, event).step.taken]);
    clock.now = snapshot.world.now;
    return JSON.stringify({
      value: snapshot.machine.value,
      in: snapshot.step.taken,
      usable: [flags.credentials, flags.token, flags.guest],
      next,
    });
  };

  const flagsKey = (snapshot: ModelSnapshot): string => JSON.stringify(flagsAt(snapshot.machine.context, snapshot.world.now));

  const memo = new WeakMap<ModelSnapshot, Map<string, ModelSnapshot>>();
  const cachedStep = (snapshot: ModelSnapshot, event: ModelEvent): ModelSnapshot => {
    let known = memo.get(snapshot);
    if (!known) memo.set(snapshot, (known = new Map()));
    const id = JSON.stringify(event);
    let next = known.get(id);
    if (!next) {
      // The model makes many errors (outcomes, and the machine's own rejections); their stacks are never read.
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 0;
      try {
        next = step(snapshot, event);
      } finally {
        Error.stackTraceLimit = limit;
      }
      known.set(id, next);
    }
    return next;
  };

  const candidates = (snapshot: ModelSnapshot): ModelEvent[] => {
    const context = snapshot.machine.context;
    const found: ModelEvent[] = [];
    if (!snapshot.machine.matches('restoring')) {
      if (config.calls.includes('fetch')) found.push({ type: 'FETCH', forceRefresh: false });
      if (config.calls.includes('forceRefresh')) found.push({ type: 'FETCH', forceRefresh: true });
      if (config.calls.includes('clear')) found.push({ type: 'CLEAR' });
      if (config.calls.includes('refresh')) found.push({ type: 'REFRESH' });
      for (const who of config.federate) found.push({ type: 'FEDERATE', who });
      if (context.pending) found.push({ type: 'FEDERATE', who: 'samePending' });
    }
    if (config.sync) found.push({ type: 'SYNC', peer: snapshot.world.peer ? 'clear' : 'federate' });
    if (config.jumps) {
      for (const to of ['tokenExpiry', 'credentialsExpiry'] as const) {
        const target = jumpTarget(snapshot, to);
        if (target !== undefined && target > snapshot.world.now) found.push({ type: 'env.jump', to });
      }
    }
    for (const timer of snapshot.world.timers) found.push({ type: timer.type });
    for (const invoke of invokes(snapshot)) {
      found.push(...outcomesFor(snapshot, invoke).filter((event) => !config.outcomes || config.outcomes.includes(event.outcome!)));
    }
    return found;
  };

  const outcomesFor = (snapshot: ModelSnapshot, invoke: { id: string; src: string; input: Record<string, unknown> }): ModelEvent[] => {
    const done = (outcome: Outcome): ModelEvent => ({ type: `xstate.done.actor.${invoke.id}`, outcome });
    const fail = (outcome: Outcome): ModelEvent => ({ type: `xstate.error.actor.${invoke.id}`, outcome });
    const world = snapshot.world;
    const login = invoke.input['login'] as Login | undefined;
    switch (invoke.src) {
      case 'restoreSession':
        // Another context wrote while the restore waited on storage: it reads that write.
        if (world.restoreFromPeer) return [done(world.peer ? 'peer' : 'empty')];
        return config.restores.map((variant) => (variant === 'error' ? fail(variant) : done(variant)));
      case 'getId': {
        const accepted = !login || world.pool.verify(login, world.now).ok;
        return [accepted ? done('ok') : fail('natural'), fail('internal')];
      }
      case 'getCredentials':
      case 'refreshCredentials': {
        const issues = world.pool.wouldIssue(String(invoke.input['identityId']), login, world.now);
        const found = [issues ? done('ok') : fail('natural'), fail('internal')];
        if (issues) found.push(fail('forget'));
        if (issues && invoke.src === 'refreshCredentials') found.push(fail('notAuthorized'));
        return found;
      }
      case 'refreshProviderToken':
        return [done('ok'), fail('fail')];
      case 'loadUserPoolTokens':
        return [done('carol'), done('dave'), done('none'), fail('fail')];
      default:
        throw new Error(`model: unknown invoke ${invoke.src}`);
    }
  };

  const enabled = (snapshot: ModelSnapshot, event: ModelEvent): boolean => {
    const next = cachedStep(snapshot, event);
    if (event.type === 'env.jump') return flagsKey(next) !== flagsKey(snapshot);
    return next.step.taken.length > 0;
  };
  const events = (snapshot: ModelSnapshot): ModelEvent[] => candidates(snapshot).filter((event) => enabled(snapshot, event));
  const offers = (snapshot: ModelSnapshot, event: ModelEvent): boolean => {
    const id = JSON.stringify(event);
    return candidates(snapshot).some((candidate) => JSON.stringify(candidate) === id) && enabled(snapshot, event);
  };

  const logic: ModelLogic = {
    transition: (snapshot, event) => cachedStep(snapshot, event),
    getInitialSnapshot: () => initial(),
    getPersistedSnapshot: (snapshot) => snapshot,
  };
  const testModel = new TestModel<ModelSnapshot, ModelEvent, undefined>(logic, {
    serializeState: (snapshot) => key(snapshot),
    serializeEvent: (event) => JSON.stringify(event),
    events,
  });
  return { config, logic, testModel, initial, step: cachedStep, events, offers, key, invokes };
}

function userPoolTokens(world: { seq: number }, login: Login) {
  world.seq += 1;
  return { idToken: login.token, accessToken: new Secret(`access${world.seq}`) };
}

function storedView(context: AuthMachineContext): StoredView {
  return {
    ...(context.identityId !== undefined ? { identityId: context.identityId } : {}),
    ...(context.guest.identityId !== undefined ? { guestIdentityId: context.guest.identityId } : {}),
    login: context.login !== undefined,
    credentials: context.credentials !== undefined,
  };
}

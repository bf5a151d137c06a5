import { waitFor, type InspectionEvent } from 'xstate';
import { createAuth, createMemoryStorage, toAuthState, type Auth } from '../../src/index';
import { sessionKey } from '../../src/session/session-store';
import { isBusy, type EngineStack } from '../support/engine-stack';
import { hops, LatentStorage } from './latent-storage';
import type { ContextCommand, SharedCommand, SharedRun } from './shared-commands';

const RETRY = { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 100 };
const SETTLE_TIMEOUT_MS = 10_000;
/** Timers this short (a lease poll, a back-off) may run during a settle; longer ones wait for `advance`. */
const LEASE_POLL_STEP_MS = 1_000;
/** How long a settle lets busy engines work before it moves the test clock (a poll interval, not a measure). */
const BUSY_POLL_MS = 50;

/** A generous real-time bound on one call: a call that never settles is a violation, not a hang. */
async function bounded<T>(promise: Promise<T>, what: string, fail: (message: string) => void): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      fail(`${what} never settled`);
      resolve(undefined);
    }, SETTLE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Context {
  view: LatentStorage;
  engine: Auth;
  /** The session id the engine held when its last CLEAR reached the machine. */
  clearing: string | undefined;
}

/**
 * Runs one command sequence on two or three engines sharing one storage, each over its own
 * slow, faulty view of it, and checks after every step that has every notice delivered:
 *
 * - a clear that resolved in one context is never undone: no context holds or serves that
 *   session again, and storage does not hold it (checked once notices are delivered and every
 *   write has settled: that is what "after the clear" means for the other contexts);
 * - after a session write that failed (its clean-up not failing too), storage never holds a
 *   record that landed before the failure and is older than the failed write: no restore can
 *   bring back an older session. Older is the engines' own order (the record's Lamport stamp,
 *   `updatedAt`), not landing order: a record another context stamped after the failed write
 *   (two contexts signing in at once) is the newer session, and the same session's record
 *   (a refresh that failed to save) is no older session.
 *
 * Throws naming the first invariant broken.
 */
export class SharedRunner {
  readonly shared = createMemoryStorage();
  readonly contexts: Context[] = [];
  readonly violations: string[] = [];
  /** Session ids whose clear resolved. */
  readonly cleared = new Set<string>();
  /** Writes that landed under the session key, numbered; and the number of the stored one. */
  #writes = 0;
  #storedWrite = 0;
  /**
   * The newest failed session write whose clean-up could run (nothing else set to fail after it):
   * how many writes had landed when it failed, its stamp and its session.
   */
  #cleanFailure: { at: number; updatedAt: number; sessionId: string } | undefined;
  #step = 'start';
  #tokens = 0;

  constructor(
    readonly stack: EngineStack,
    readonly run: SharedRun,
    readonly tag: string,
  ) {}

  get key(): string {
    return sessionKey('default', this.stack.pool.identityPoolId);
  }

  async execute(): Promise<void> {
    this.shared.subscribe((change) => {
      if (change.key !== this.key) return;
      this.#writes += 1;
      this.#storedWrite = this.#writes;
    });
    try {
      for (let i = 0; i < this.run.contexts; i++) {
        const view = new LatentStorage(this.shared, this.run.latency[i] ?? [0], (key, value) => this.#failed(view, key, value));
        const context: Context = { view, engine: undefined as unknown as Auth, clearing: undefined };
        context.engine = this.#start(context);
        this.contexts.push(context);
      }
      await this.settle();
      for (const [index, command] of this.run.commands.entries()) {
        this.#step = `step ${index + 1} ${JSON.stringify(command)}`;
        const done = await bounded((command.kind === 'advance' ? this.perform(command) : this.#whileTimePasses(this.perform(command))).then(() => true), 'the step', (message) => this.#fail(`${message} (${this.#states()})`));
        if (!done) break;
        if (this.contexts.some((context) => context.view.holding)) continue;
        await this.settle();
        await this.check();
      }
      this.#step = 'end (every notice delivered)';
      for (const context of this.contexts) context.view.deliverNotices(false);
      await this.settle();
      await this.check();
    } finally {
      await bounded(Promise.all(this.contexts.map((context) => context.engine.stop())), 'stop()', (message) => this.#fail(message));
    }
    if (this.violations.length > 0) throw new Error(this.violations.join('\n'));
  }

  #states(): string {
    return this.contexts.map((context) => JSON.stringify(toAuthState(context.engine.actor.getSnapshot()))).join(', ');
  }

  #fail(message: string): void {
    this.violations.push(`${this.#step}: ${message}`);
  }

  #failed(view: LatentStorage, key: string, value: string | null): void {
    // A failed write of a session (not of a clean-up's empty record) whose clean-up will not be
    // failed too: storage must not keep what was there before.
    const record = value === null ? undefined : (JSON.parse(value) as StoredRecord);
    if (key !== this.key || record?.sessionId === undefined || view.failuresLeft !== 0) return;
    this.#cleanFailure = { at: this.#writes, updatedAt: record.updatedAt, sessionId: record.sessionId };
  }

  #start(context: Context): Auth {
    const { pool, clock } = this.stack;
    const engine = createAuth({
      identityPoolId: pool.identityPoolId,
      endpoint: pool.endpoint,
      clock,
      storage: context.view,
      persistCredentials: this.run.persist,
      retry: RETRY,
      // Long on the test clock: settles move it in small steps while requests are in flight.
      requestTimeoutMs: 30_000,
      inspect: (event: InspectionEvent) => {
        if (event.type === '@xstate.event' && event.event.type === 'CLEAR' && event.actorRef === engine.actor) {
          context.clearing = heldSessionId(engine);
        }
      },
    });
    return engine;
  }

  private async perform(command: SharedCommand): Promise<void> {
    switch (command.kind) {
      case 'together':
        await Promise.all([this.act(command.first), this.act(command.second)]);
        return;
      case 'failWrites': {
        this.#view(command.ctx).failNext(command.count);
        return;
      }
      case 'holdNotices':
        this.#view(command.ctx).holdNotices();
        return;
      case 'deliverNotices':
        this.#view(command.ctx).deliverNotices(command.reversed);
        return;
      case 'advance':
        await this.stack.clock.advance(command.ms, () => this.settle());
        return;
      default:
        return this.act(command);
    }
  }

  #view(index: number): LatentStorage {
    return this.contexts[index % this.contexts.length]!.view;
  }

  private async act(command: ContextCommand): Promise<void> {
    const context = this.contexts[command.ctx % this.contexts.length]!;
    switch (command.kind) {
      case 'federate': {
        const token = await this.stack.issuer.mintToken({ sub: `${command.user}-${this.tag}`, jti: `${this.tag}-${++this.#tokens}` });
        const call = context.engine.federateToIdentityPool({ token, provider: this.stack.issuer.loginsKey });
        await bounded(call.catch((error: unknown) => this.#expectTyped('federate', error)), 'federate', (message) => this.#fail(message));
        return;
      }
      case 'fetch':
        await this.#fetch(context);
        return;
      case 'clear':
        context.clearing = undefined;
        const call = context.engine.clearFederationToIdentityPool().then(
          () => {
            if (context.clearing !== undefined) this.cleared.add(context.clearing);
          },
          (error: unknown) => this.#expectTyped('clear', error),
        );
        await bounded(call, 'clear', (message) => this.#fail(message));
        return;
      case 'restart':
        await context.engine.stop();
        context.engine = this.#start(context);
        return;
    }
  }

  #expectTyped(what: string, error: unknown): void {
    if (!(error instanceof Error) || !('code' in error)) this.#fail(`${what} rejected with an untyped error: ${String(error)}`);
  }

  #served(context: Context, federated: boolean): void {
    if (!federated || this.contexts.some((each) => each.view.holding)) return;
    const sessionId = heldSessionId(context.engine);
    if (this.cleared.has(sessionId ?? '')) this.#fail(`a context served the cleared session ${sessionId}`);
  }

  /**
   * `work`, while the test clock moves through short timers (a lease poll, a back-off) whenever an
   * engine is busy, as real time would: a refresh waiting on another context's lease with its
   * notices held back sees the holder's record on its next poll. (An `advance` moves the clock itself.)
   */
  async #whileTimePasses(work: Promise<void>): Promise<void> {
    let finished = false;
    let wake = () => {};
    const driving = (async () => {
      while (!finished) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, BUSY_POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        const next = this.stack.clock.pending()[0];
        if (!finished && next !== undefined && next <= LEASE_POLL_STEP_MS && this.contexts.some((context) => engineBusy(context.engine))) {
          await this.stack.clock.advance(next);
        }
      }
    })();
    try {
      await work;
    } finally {
      finished = true;
      wake();
      await driving;
    }
  }

  /** Until every engine waits on nothing and no storage call or notice is on its way. */
  async settle(): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let quiet = 0;
    while (quiet < 3) {
      if (Date.now() > deadline) {
        this.#fail(`the contexts never settled (${this.#states()})`);
        return;
      }
      const busy = this.contexts.some((context) => context.view.busy || engineBusy(context.engine));
      if (busy) {
        quiet = 0;
        await waitForAll(this.contexts.map((context) => context.engine), BUSY_POLL_MS);
        // An engine waiting for another's refresh lease polls on the test clock: let it.
        const next = this.stack.clock.pending()[0];
        if (next !== undefined && next <= LEASE_POLL_STEP_MS && this.contexts.some((context) => engineBusy(context.engine))) {
          await this.stack.clock.advance(next);
        }
        await hops(2);
        continue;
      }
      quiet += 1;
      await hops(8);
    }
  }

  private async check(): Promise<void> {
    for (const [index, context] of this.contexts.entries()) {
      const sessionId = heldSessionId(context.engine);
      if (sessionId !== undefined && this.cleared.has(sessionId)) this.#fail(`context ${index} holds the cleared session ${sessionId}`);
    }
    const text = await this.shared.getItem(this.key);
    if (text !== null) {
      const stored = JSON.parse(text) as StoredRecord;
      if (stored.sessionId !== undefined && this.cleared.has(stored.sessionId)) this.#fail(`storage holds the cleared session ${stored.sessionId}`);
      const failure = this.#cleanFailure;
      if (
        failure !== undefined &&
        this.#storedWrite <= failure.at &&
        stored.sessionId !== undefined &&
        stored.sessionId !== failure.sessionId &&
        stored.updatedAt <= failure.updatedAt
      ) {
        this.#fail(
          `storage holds an older session written before a failed write (write ${this.#storedWrite} stamped ${stored.updatedAt}, ` +
            `failure after write ${failure.at} stamped ${failure.updatedAt})`,
        );
      }
    }
    for (const context of this.contexts) await this.#fetch(context);
  }

  async #fetch(context: Context): Promise<void> {
    const call = context.engine.fetchAuthSession().then(
      (session) => this.#served(context, session.credentials !== undefined && session.federatedProvider !== undefined),
      (error: unknown) => this.#expectTyped('fetch', error),
    );
    await bounded(call, 'fetch', (message) => this.#fail(`${message} (${this.#states()}) pending=${JSON.stringify(this.stack.clock.pending())}`));
  }
}

/** What the invariants read of a stored session record. */
interface StoredRecord {
  sessionId?: string;
  updatedAt: number;
}

function engineBusy(engine: Auth): boolean {
  const snapshot = engine.actor.getSnapshot();
  return snapshot.status === 'active' && isBusy(snapshot);
}

/**
 * The session an engine holds. The one internal fact these properties read: which federation a
 * context holds (kept across refreshes, new on each federation) is what "a cleared session is
 * never served again" is about, and the public API shows identities and credentials, not sessions.
 */
function heldSessionId(engine: Auth): string | undefined {
  return engine.actor.getSnapshot().context.sessionId;
}

/** Until no engine is busy, or `timeoutMs` of real time (then the caller moves the test clock). */
async function waitForAll(engines: Auth[], timeoutMs: number): Promise<void> {
  await Promise.all(
    engines.map((engine) => waitFor(engine.actor, (snapshot) => snapshot.status !== 'active' || !engineBusy(engine), { timeout: timeoutMs }).catch(() => undefined)),
  );
}

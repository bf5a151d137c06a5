import { createAuth, createMemoryStorage, toAuthState, type Auth, type AuthSession } from '../../src/index';
import type { FaultKind } from '../../src/local/index';
import { isBusy, type EngineStack } from '../support/engine-stack';
import { frozenTimersClock } from '../support/frozen-timers-clock';
import { GENEROUS_BOUND_MS, until } from '../support/generous-bound';
import type { Column } from './fault-matrix';

/**
 * The engine's request timeout, on the stack's test clock: it fires only when `settle` moves
 * simulated time past it, never because the machine is slow.
 */
export const REQUEST_TIMEOUT_MS = 15_000;
/** A latency fault holds its request this long in real time: far longer than any cell runs, so only the simulated timeout ends it. */
const LATENCY_HOLD_MS = 120_000;
export const SKEW_SECONDS = 7_200;
const RETRY = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 100 };

export interface CellOutcome {
  result: string;
  requests: Record<string, number>;
  /** The session right before the fault, and what a plain fetchAuthSession returns afterwards. */
  before: AuthSession;
  after: AuthSession | { error: string };
  state: string;
  events: string[];
}

/**
 * Runs one cell: brings an engine into the column's situation on the shared pool, injects the
 * fault on the next GetCredentialsForIdentity, makes the call, lets test-clock time pass for
 * back-off timers (and, while a latency fault holds the request, for the request timeout) until
 * it settles, then fetches again. Real time only bounds the waits ("hangs").
 */
export async function runCell(stack: EngineStack, fault: FaultKind, column: Column, tag: string): Promise<CellOutcome> {
  const { pool, issuer, clock } = stack;
  const storage = createMemoryStorage();
  const options = { identityPoolId: pool.identityPoolId, endpoint: pool.endpoint, clock, storage, retry: RETRY, requestTimeoutMs: REQUEST_TIMEOUT_MS };
  const alice = () => issuer.mintToken({ sub: `alice-${tag}`, jti: `${tag}-${Math.random()}` }, { expiresIn: 86_400 });
  let auth: Auth;
  let before: AuthSession;
  if (column === 'restoring') {
    const seeder = createAuth({ ...options, clock: frozenTimersClock(clock), shareSession: false });
    before = await seeder.federateToIdentityPool({ token: await alice(), provider: issuer.loginsKey });
    await seeder.stop();
    auth = createAuth({ ...options, persistCredentials: false });
  } else {
    auth = createAuth({ ...options, allowGuestAccess: column === 'guest' });
    before = column === 'guest' ? await auth.fetchAuthSession() : await auth.federateToIdentityPool({ token: await alice(), provider: issuer.loginsKey });
  }
  const events: string[] = [];
  auth.events$.subscribe((event) => events.push(event.type));
  try {
    pool.resetStats();
    pool.injectFault({
      op: 'GetCredentialsForIdentity',
      kind: fault,
      ...(fault === 'latency' ? { delayMs: LATENCY_HOLD_MS } : {}),
      ...(fault === 'clockSkew' ? { skewSeconds: SKEW_SECONDS } : {}),
    });
    let call: Promise<AuthSession>;
    if (column === 'guest' || column === 'refreshing') call = auth.fetchAuthSession({ forceRefresh: true });
    else if (column === 'federating') call = auth.federateToIdentityPool({ token: await alice(), provider: issuer.loginsKey });
    else call = auth.fetchAuthSession();
    const { outcome: result } = await settle(stack, auth, call, fault);
    const requests = pool.stats().requests;
    const state = toAuthState(auth.actor.getSnapshot()).value;
    const next = await settle(stack, auth, auth.fetchAuthSession(), fault);
    const after = next.outcome === 'resolves' ? (next.value as AuthSession) : { error: next.outcome };
    return { result, requests, before, after, state, events };
  } finally {
    await auth.stop();
    pool.clearFaults();
    await drain(stack);
  }
}

/** The call's outcome ('resolves' or the error name) and value; throws when it does not settle. */
async function settle(stack: EngineStack, auth: Auth, call: Promise<unknown>, fault: FaultKind): Promise<{ outcome: string; value?: unknown }> {
  let outcome: string | undefined;
  let value: unknown;
  call.then(
    (resolved) => {
      outcome = 'resolves';
      value = resolved;
    },
    (error: unknown) => (outcome = error instanceof Error ? error.name : String(error)),
  );
  const deadline = Date.now() + GENEROUS_BOUND_MS;
  let heldRequestTimedOut = false;
  while (outcome === undefined) {
    if (Date.now() > deadline) throw new Error(`the call never settled (engine ${JSON.stringify(toAuthState(auth.actor.getSnapshot()))})`);
    if (fault === 'latency' && !heldRequestTimedOut && isHeldByLatencyFault(stack)) {
      // The pool holds the faulted request (the first GetCredentialsForIdentity since the fault):
      // the request timeout's simulated time passes.
      heldRequestTimedOut = true;
      await stack.clock.advance(REQUEST_TIMEOUT_MS);
      continue;
    }
    const next = stack.clock.pending()[0];
    if (!isBusy(auth.actor.getSnapshot()) && next !== undefined && next <= RETRY.maxDelayMs) await stack.clock.advance(Math.max(0, next));
    else await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { outcome, value };
}

function isHeldByLatencyFault(stack: EngineStack): boolean {
  const { requests, inFlight } = stack.pool.stats();
  return requests['GetCredentialsForIdentity'] === 1 && inFlight['GetCredentialsForIdentity'] === 1;
}

/** Waits until the pool serves no request (an aborted latency fault's connection closes) so the next cell starts clean. */
async function drain(stack: EngineStack): Promise<void> {
  await until(() => Object.values(stack.pool.stats().inFlight).every((count) => count === 0), 'the pool to finish serving requests');
}

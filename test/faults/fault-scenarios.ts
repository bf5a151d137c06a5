import { waitFor } from 'xstate';
import { createAuth, createMemoryStorage, type Auth, type AuthSession } from '../../src/index';
import type { FaultKind } from '../../src/local/index';
import type { EngineStack } from '../support/engine-stack';
import { frozenTimersClock } from '../support/frozen-timers-clock';
import type { Column } from './fault-matrix';

/** Short request timeout so a latency fault longer than it costs little real time. */
export const REQUEST_TIMEOUT_MS = 300;
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
 * back-off timers until it settles (or five seconds of real time: "hangs"), then fetches again.
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
      ...(fault === 'latency' ? { delayMs: REQUEST_TIMEOUT_MS * 2 } : {}),
      ...(fault === 'clockSkew' ? { skewSeconds: SKEW_SECONDS } : {}),
    });
    let call: Promise<AuthSession>;
    if (column === 'guest' || column === 'refreshing') call = auth.fetchAuthSession({ forceRefresh: true });
    else if (column === 'federating') call = auth.federateToIdentityPool({ token: await alice(), provider: issuer.loginsKey });
    else call = auth.fetchAuthSession();
    const { outcome: result } = await settle(stack, auth, call);
    const requests = pool.stats().requests;
    const state = JSON.stringify(auth.actor.getSnapshot().value);
    const next = await settle(stack, auth, auth.fetchAuthSession());
    const after = next.outcome === 'resolves' ? (next.value as AuthSession) : { error: next.outcome };
    return { result, requests, before, after, state, events };
  } finally {
    await auth.stop();
    pool.clearFaults();
    await drain(stack);
  }
}

/** The call's outcome ('resolves' or the error name) and value; throws when it does not settle. */
async function settle(stack: EngineStack, auth: Auth, call: Promise<unknown>): Promise<{ outcome: string; value?: unknown }> {
  let outcome: string | undefined;
  let value: unknown;
  call.then(
    (resolved) => {
      outcome = 'resolves';
      value = resolved;
    },
    (error: unknown) => (outcome = error instanceof Error ? error.name : String(error)),
  );
  const deadline = Date.now() + 5_000;
  while (outcome === undefined && Date.now() < deadline) {
    await waitFor(auth.actor, (snapshot) => !snapshot.matches('federating') && !snapshot.matches('restoring') && !(snapshot.matches('refreshing') && !snapshot.matches({ refreshing: 'backingOff' })) && !snapshot.matches({ signedOut: 'fetchingGuestCredentials' }), { timeout: 5_000 }).catch(() => undefined);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (outcome !== undefined) break;
    const next = stack.clock.pending()[0];
    if (next !== undefined && next <= RETRY.maxDelayMs) await stack.clock.advance(Math.max(0, next));
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (outcome === undefined) throw new Error(`the call never settled (engine in ${JSON.stringify(auth.actor.getSnapshot().value)})`);
  return { outcome, value };
}

/** Waits for requests the pool still serves (a latency fault) so the next cell starts clean. */
async function drain(stack: EngineStack): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (Object.values(stack.pool.stats().inFlight).some((count) => count > 0) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalIdentityPoolOptions, type LocalOidcIssuer } from '../../src/local/index';
import { createAuth, toAuthState, type Auth, type AuthEvent, type AuthOptions, type AuthState, type AuthStateValue } from '../../src/index';
import { waitFor } from 'xstate';
import { TestClock } from './test-clock';

export interface EngineStack {
  issuer: LocalOidcIssuer;
  pool: LocalIdentityPool;
  clock: TestClock;
  /** An engine on this pool and clock; stopped by `close()`. */
  engine(options?: Partial<AuthOptions>): Auth;
  /** Every event each engine emitted, in order. */
  events: AuthEvent[];
  states: AuthState[];
  close(): Promise<void>;
}

/**
 * A local OIDC issuer, a local identity pool trusting it (and opaque Facebook tokens), on one
 * test clock. `deviceClockSkewMs` sets the engine's clock that far off the pool's and issuer's.
 */
export async function startEngineStack(
  poolOptions: Partial<LocalIdentityPoolOptions> = {},
  { deviceClockSkewMs = 0 }: { deviceClockSkewMs?: number } = {},
): Promise<EngineStack> {
  const clock = new TestClock();
  // The engine reads the device clock; the pool and the issuer keep true time.
  const trueNow = () => clock.now() - deviceClockSkewMs;
  const issuer = await startLocalOidcIssuer({ now: trueNow });
  const pool = await startLocalIdentityPool({
    now: trueNow,
    providers: {
      [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience },
      'graph.facebook.com': { opaque: true },
    },
    ...poolOptions,
  });
  const engines: Auth[] = [];
  const events: AuthEvent[] = [];
  const states: AuthState[] = [];
  return {
    issuer,
    pool,
    clock,
    events,
    states,
    engine(options = {}) {
      const auth = createAuth({ identityPoolId: pool.identityPoolId, endpoint: pool.endpoint, clock, ...options });
      auth.events$.subscribe((event) => events.push(event));
      auth.state$.subscribe((state) => states.push(state));
      engines.push(auth);
      return auth;
    },
    async close() {
      await Promise.all(engines.map((auth) => auth.stop()));
      await pool.close();
      await issuer.close();
    },
  };
}

/** Resolves when the engine's public state (`auth.state$`) is `value`. */
export async function untilState(auth: Auth, value: AuthStateValue, timeout = 10_000): Promise<void> {
  await waitFor(auth.actor, (snapshot) => toAuthState(snapshot).value === value, { timeout });
}

/**
 * Resolves when the engine is waiting on no network call or app callback (it may wait on a timer,
 * e.g. a back-off): no actor it invoked (a Cognito call, a storage read, a refresh handler) is
 * still running. Read from the actor's public snapshot, without naming any of its states.
 */
export async function untilIdle(auth: Auth, timeout = 10_000): Promise<void> {
  await waitFor(auth.actor, (snapshot) => !isBusy(snapshot), { timeout });
}

/** Whether any actor the engine invoked is still running. */
export function isBusy(snapshot: { children: Record<string, { getSnapshot(): { status: string } } | undefined> }): boolean {
  return Object.values(snapshot.children).some((child) => child?.getSnapshot().status === 'active');
}

import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Observable } from 'rxjs';
import type { Actor } from 'xstate';
import type { AuthMachine } from '../../machines/auth.machine';
import type { AuthEvent } from '../model/auth-events';
import type { AuthSession, FederateToIdentityPoolResult } from './auth-session';
import type { AuthState } from './auth-state';
import { EngineCore, type FederateToIdentityPoolInput, type FetchAuthSessionOptions } from './engine-core';
import type { AuthOptions } from './options';
import { resolveSettings } from './resolve-settings';

export type { FederateToIdentityPoolInput, FetchAuthSessionOptions };

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
  const core = new EngineCore(resolveSettings(options));
  // Methods that work unbound (`const { fetchAuthSession } = auth`), each a line over the core.
  return {
    federateToIdentityPool: (input) => core.federateToIdentityPool(input),
    fetchAuthSession: (fetchOptions) => core.fetchAuthSession(fetchOptions),
    clearFederationToIdentityPool: () => core.clearFederationToIdentityPool(),
    get events$() {
      return core.events$;
    },
    get state$() {
      return core.state$;
    },
    actor: core.actor,
    stop: () => core.stop(),
  };
}

import { fromPromise, type AnyActorRef } from 'xstate';
import { authMachine, type AuthMachine } from '../../machines/auth.machine';
import { createClockGuards } from '../../machines/clock-guards';
import type { AuthClock } from '../model/clock';
import type {
  CredentialsOutput,
  CredentialsRequest,
  IdentityIdRequest,
  IdentityIdOutput,
  UserPoolTokensRequest,
  CredentialsRefreshRequest,
  RefreshedTokenOutput,
  ProviderTokenRequest,
  UserPoolTokensOutput,
} from '../model/service-calls';
import type { RestoreOutcome } from '../model/session';
import type { EngineServices } from './engine-services';

// The system every actor of one engine shares (its root and the invoked promise actors).
type AnyActorSystem = AnyActorRef['system'];

// Engines find their services through their actor system, so one provided machine (per clock)
// serves every engine: `machine.provide` copies the whole state tree, tens of KB an engine.
const servicesBySystem = new WeakMap<AnyActorSystem, EngineServices>();
const machinesByClock = new WeakMap<AuthClock, AuthMachine>();

/** Registers an engine's services for its actor system; call before the actor starts. */
export function registerEngineServices(system: AnyActorSystem, services: EngineServices): void {
  servicesBySystem.set(system, services);
}

function servicesOf(system: AnyActorSystem): EngineServices {
  const services = servicesBySystem.get(system);
  if (!services) throw new Error('idpool: this actor was not created by createAuth');
  return services;
}

/** The machine with every open implementation provided, shared by all engines on `clock`. */
export function providedMachine(clock: AuthClock): AuthMachine {
  const cached = machinesByClock.get(clock);
  if (cached) return cached;
  const time = createClockGuards({ now: () => clock.now(), random: Math.random });
  const machine = authMachine.provide({
    actors: {
      restoreSession: fromPromise<RestoreOutcome>(({ system }) => servicesOf(system).restoreSession()),
      getId: fromPromise<IdentityIdOutput, IdentityIdRequest>(({ input, signal, system }) => servicesOf(system).getId(input, signal)),
      getCredentials: fromPromise<CredentialsOutput, CredentialsRequest>(({ input, signal, system }) => servicesOf(system).getCredentials(input, signal)),
      refreshCredentials: fromPromise<CredentialsOutput, CredentialsRefreshRequest>(({ input, signal, system }) =>
        servicesOf(system).refreshCredentials(input, signal),
      ),
      refreshProviderToken: fromPromise<RefreshedTokenOutput, ProviderTokenRequest>(({ input, signal, system }) =>
        servicesOf(system).refreshProviderToken(input, signal),
      ),
      loadUserPoolTokens: fromPromise<UserPoolTokensOutput | null, UserPoolTokensRequest>(({ input, signal, system }) =>
        servicesOf(system).loadUserPoolTokens(input, signal),
      ),
    },
    actions: {
      persistSession: ({ context, system }) => servicesOf(system).persistSession(context),
      removePersistedSession: ({ context, system }, params) => servicesOf(system).removePersistedSession(context, params),
    },
    guards: time.guards,
    delays: time.delays,
  });
  machinesByClock.set(clock, machine);
  return machine;
}

import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { fromPromise, type AnyActorRef } from 'xstate';

// The system every actor of one engine shares (its root and the invoked promise actors).
type AnyActorSystem = AnyActorRef['system'];
import {
  authMachine,
  type AuthMachine,
  type GetCredentialsInput,
  type GetIdInput,
  type LoadUserPoolTokensInput,
  type RefreshCredentialsInput,
  type RefreshProviderTokenInput,
  type RemovePersistedSessionParams,
} from '../../machines/auth.machine';
import type { AuthMachineContext, CredentialsOutput, IdentityIdOutput, RefreshedTokenOutput, RestoreOutcome, StoredSession, UserPoolTokensOutput } from '../../machines/auth.types';
import { createTimeRules } from '../../machines/time-rules';
import { InvalidStateException } from '../errors/error-classes';
import type { AuthClock, AuthSettings } from '../options';
import { restoreSession } from '../session/restore-session';
import type { SessionStore } from '../session/session-store';
import { callCredentialsProvider } from '../services/call-credentials-provider';
import { getCredentials } from '../services/get-credentials';
import { getId } from '../services/get-id';
import { loadUserPoolTokens } from '../services/load-user-pool-tokens';
import { refreshProviderToken } from '../services/refresh-provider-token';
import type { CallSettings } from '../services/send-command';
import { clearProvider } from '../services/clear-provider';
import { loadClientMetadata } from '../services/load-client-metadata';
import { refreshWithLease } from './refresh-with-lease';

export interface ImplementationDeps {
  settings: AuthSettings;
  /** The Cognito client, made on first use: an engine restored from storage may never need one. */
  client: () => CognitoIdentityClient;
  store: SessionStore;
}

/** What the engine stores for a machine context: the federation and the guest identity id. */
function storedSessionOf(context: AuthMachineContext): StoredSession {
  const session: StoredSession = {};
  if (context.sessionId !== undefined) session.sessionId = context.sessionId;
  if (context.identityId !== undefined) session.identityId = context.identityId;
  if (context.login) session.login = context.login;
  if (context.credentials) session.credentials = context.credentials;
  if (context.guest.identityId !== undefined) session.guestIdentityId = context.guest.identityId;
  if (context.clockOffsetMs !== 0) session.clockOffsetMs = context.clockOffsetMs;
  return session;
}

/** One engine's side of the machine: its Cognito client, storage, token sources and clock. */
export interface EngineServices {
  restoreSession(): Promise<RestoreOutcome>;
  getId(input: GetIdInput, signal: AbortSignal): Promise<IdentityIdOutput>;
  getCredentials(input: GetCredentialsInput, signal: AbortSignal): Promise<CredentialsOutput>;
  refreshCredentials(input: RefreshCredentialsInput, signal: AbortSignal): Promise<CredentialsOutput>;
  refreshProviderToken(input: RefreshProviderTokenInput, signal: AbortSignal): Promise<RefreshedTokenOutput>;
  loadUserPoolTokens(input: LoadUserPoolTokensInput, signal?: AbortSignal): Promise<UserPoolTokensOutput | null>;
  persistSession(context: AuthMachineContext): void;
  removePersistedSession(context: AuthMachineContext, params: RemovePersistedSessionParams): void;
}

/** Binds the machine's open implementations to one engine's settings, client and store. */
export function createEngineServices({ settings, client, store }: ImplementationDeps): EngineServices {
  const call: CallSettings & { identityPoolId: string } = {
    get client() {
      return client();
    },
    now: () => settings.clock.now(),
    clock: settings.clock,
    requestTimeoutMs: settings.requestTimeoutMs,
    identityPoolId: settings.identityPoolId,
  };
  const provider = settings.credentialsProvider;
  // Every app callback is bounded by callbackTimeoutMs on the engine's clock.
  const callbackBounds = { clock: settings.clock, timeoutMs: settings.callbackTimeoutMs };

  // A credentials provider answers identity and credentials in one call: the answer GetId's
  // step got is kept for the GetCredentialsForIdentity step that follows it.
  let providerAnswer: { token: string | undefined; output: CredentialsOutput } | undefined;
  const fetchCredentials = (input: GetCredentialsInput, signal: AbortSignal, forceRefresh: boolean): Promise<CredentialsOutput> => {
    if (!provider) return getCredentials(call, input, signal);
    const kept = providerAnswer;
    providerAnswer = undefined;
    if (!forceRefresh && kept && kept.output.identityId === input.identityId && kept.token === input.login?.token.reveal()) {
      return Promise.resolve(kept.output);
    }
    return callCredentialsProvider(provider, { ...input, forceRefresh }, call.now, { ...callbackBounds, signal });
  };

  const clientMetadataFor = async (given: Record<string, string> | undefined, secrets: readonly string[], signal: AbortSignal) => {
    if (given) return given;
    const metadataProvider = settings.clientMetadataProvider;
    if (!metadataProvider) return undefined;
    return loadClientMetadata(metadataProvider, secrets, { ...callbackBounds, signal });
  };

  return {
    restoreSession: () =>
      restoreSession({
        storage: settings.storage,
        store,
        identityPoolId: settings.identityPoolId,
        namespace: settings.namespace,
        ...(settings.migrateFrom !== undefined ? { migrateFrom: settings.migrateFrom } : {}),
      }),
    async getId(input, signal) {
      if (provider) {
        const output = await callCredentialsProvider(provider, { identityId: '', ...input, forceRefresh: false }, call.now, { ...callbackBounds, signal });
        providerAnswer = { token: input.login?.token.reveal(), output };
        return { identityId: output.identityId };
      }
      return getId(call, input, signal);
    },
    getCredentials: (input, signal) => fetchCredentials(input, signal, false),
    refreshCredentials: (input, signal) =>
      refreshWithLease({ settings, store, signal, replacing: input.replacing, sessionId: input.sessionId }, () => fetchCredentials(input, signal, true)),
    async refreshProviderToken(input, signal) {
      const clientMetadata = await clientMetadataFor(input.clientMetadata, [input.login.token.reveal()], signal);
      return refreshProviderToken(
        {
          refreshHandlers: settings.refreshHandlers,
          ...(settings.tokenProvider ? { tokenProvider: settings.tokenProvider } : {}),
          bounds: callbackBounds,
          now: call.now,
        },
        {
          login: input.login,
          signal,
          ...(input.identityId !== undefined ? { identityId: input.identityId } : {}),
          ...(clientMetadata ? { clientMetadata } : {}),
        },
      );
    },
    async loadUserPoolTokens(input, signal) {
      if (!settings.tokenProvider) throw new InvalidStateException('No token provider is configured.');
      return loadUserPoolTokens(settings.tokenProvider, input.forceRefresh, { ...callbackBounds, ...(signal ? { signal } : {}) });
    },
    persistSession(context) {
      void store.write(storedSessionOf(context));
    },
    removePersistedSession(context, params) {
      // The guest identity id outlives a clear, as Amplify keeps it; a clear names its session.
      void store.remove({ guestIdentityId: context.guest.identityId, clearedSessionId: params.clearedSessionId });
      if (provider) clearProvider(provider);
    },
  };
}

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
  const time = createTimeRules({ now: () => clock.now(), random: Math.random });
  const machine = authMachine.provide({
    actors: {
      restoreSession: fromPromise<RestoreOutcome>(({ system }) => servicesOf(system).restoreSession()),
      getId: fromPromise<IdentityIdOutput, GetIdInput>(({ input, signal, system }) => servicesOf(system).getId(input, signal)),
      getCredentials: fromPromise<CredentialsOutput, GetCredentialsInput>(({ input, signal, system }) =>
        servicesOf(system).getCredentials(input, signal),
      ),
      refreshCredentials: fromPromise<CredentialsOutput, RefreshCredentialsInput>(({ input, signal, system }) =>
        servicesOf(system).refreshCredentials(input, signal),
      ),
      refreshProviderToken: fromPromise<RefreshedTokenOutput, RefreshProviderTokenInput>(({ input, signal, system }) =>
        servicesOf(system).refreshProviderToken(input, signal),
      ),
      loadUserPoolTokens: fromPromise<UserPoolTokensOutput | null, LoadUserPoolTokensInput>(({ input, signal, system }) =>
        servicesOf(system).loadUserPoolTokens(input, signal),
      ),
    },
    actions: {
      persistSession: ({ context, system }) => servicesOf(system).persistSession(context),
      removePersistedSession: ({ context, system }, params) =>
        servicesOf(system).removePersistedSession(context, (params ?? {}) as RemovePersistedSessionParams),
    },
    guards: time.guards,
    delays: time.delays,
  });
  machinesByClock.set(clock, machine);
  return machine;
}

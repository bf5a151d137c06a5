import type { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { fromPromise } from 'xstate';
import type {
  GetCredentialsInput,
  GetIdInput,
  LoadUserPoolTokensInput,
  RefreshCredentialsInput,
  RefreshProviderTokenInput,
} from '../../machines/auth.machine';
import type { AuthMachineContext, CredentialsOutput, IdentityIdOutput, RefreshedTokenOutput, RestoreOutcome, StoredSession, UserPoolTokensOutput } from '../../machines/auth.types';
import { createTimeRules } from '../../machines/time-rules';
import { InvalidStateException } from '../errors/error-classes';
import type { AuthSettings } from '../options';
import { restoreSession } from '../session/restore-session';
import type { SessionStore } from '../session/session-store';
import { callCredentialsProvider } from '../services/call-credentials-provider';
import { getCredentials } from '../services/get-credentials';
import { getId } from '../services/get-id';
import { loadUserPoolTokens } from '../services/load-user-pool-tokens';
import { refreshProviderToken } from '../services/refresh-provider-token';
import type { CallSettings } from '../services/send-command';
import { checkClientMetadata } from './check-client-metadata';
import { refreshWithLease } from './refresh-with-lease';

export interface ImplementationDeps {
  settings: AuthSettings;
  /** The Cognito client, made on first use: an engine restored from storage may never need one. */
  client: () => CognitoIdentityClient;
  store: SessionStore;
}

/** What the engine stores for a machine context: the federation and the guest identity id. */
export function storedSessionOf(context: AuthMachineContext): StoredSession {
  const session: StoredSession = {};
  if (context.identityId !== undefined) session.identityId = context.identityId;
  if (context.login) session.login = context.login;
  if (context.credentials) session.credentials = context.credentials;
  if (context.guest.identityId !== undefined) session.guestIdentityId = context.guest.identityId;
  if (context.clockOffsetMs !== 0) session.clockOffsetMs = context.clockOffsetMs;
  return session;
}

/**
 * Everything the pure machine leaves open, bound to this engine's Cognito client, storage,
 * token sources and clock: passed to `authMachine.provide(...)`.
 */
export function createImplementations({ settings, client, store }: ImplementationDeps) {
  const call: CallSettings & { identityPoolId: string } = {
    get client() {
      return client();
    },
    now: () => settings.clock.now(),
    requestTimeoutMs: settings.requestTimeoutMs,
    identityPoolId: settings.identityPoolId,
  };
  const time = createTimeRules(
    { now: () => settings.clock.now(), random: Math.random },
    { refreshAheadMs: settings.refreshAheadMs, retry: settings.retry },
  );
  const provider = settings.credentialsProvider;

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
    return callCredentialsProvider(provider, { ...input, forceRefresh }, call.now);
  };

  const clientMetadataFor = async (given: Record<string, string> | undefined) => {
    if (given) return given;
    if (!settings.clientMetadataProvider) return undefined;
    return checkClientMetadata(await settings.clientMetadataProvider(), 'clientMetadataProvider()');
  };

  return {
    actors: {
      restoreSession: fromPromise<RestoreOutcome>(() =>
        restoreSession({
          storage: settings.storage,
          store,
          identityPoolId: settings.identityPoolId,
          namespace: settings.namespace,
          ...(settings.migrateFrom !== undefined ? { migrateFrom: settings.migrateFrom } : {}),
        }),
      ),
      getId: fromPromise<IdentityIdOutput, GetIdInput>(async ({ input, signal }) => {
        if (provider) {
          const output = await callCredentialsProvider(provider, { identityId: '', ...input, forceRefresh: false }, call.now);
          providerAnswer = { token: input.login?.token.reveal(), output };
          return { identityId: output.identityId };
        }
        return getId(call, input, signal);
      }),
      getCredentials: fromPromise<CredentialsOutput, GetCredentialsInput>(({ input, signal }) => fetchCredentials(input, signal, false)),
      refreshCredentials: fromPromise<CredentialsOutput, RefreshCredentialsInput>(({ input, signal }) =>
        refreshWithLease({ settings, store, signal, replacing: input.replacing }, () => fetchCredentials(input, signal, true)),
      ),
      refreshProviderToken: fromPromise<RefreshedTokenOutput, RefreshProviderTokenInput>(async ({ input }) => {
        const clientMetadata = await clientMetadataFor(input.clientMetadata);
        return refreshProviderToken(
          { refreshHandlers: settings.refreshHandlers, ...(settings.tokenProvider ? { tokenProvider: settings.tokenProvider } : {}) },
          { login: input.login, ...(input.identityId !== undefined ? { identityId: input.identityId } : {}), ...(clientMetadata ? { clientMetadata } : {}) },
        );
      }),
      loadUserPoolTokens: fromPromise<UserPoolTokensOutput | null, LoadUserPoolTokensInput>(async ({ input }) => {
        if (!settings.tokenProvider) throw new InvalidStateException('No token provider is configured.');
        return loadUserPoolTokens(settings.tokenProvider, input.forceRefresh);
      }),
    },
    actions: {
      persistSession: ({ context }: { context: AuthMachineContext }) => {
        void store.write(storedSessionOf(context));
      },
      removePersistedSession: ({ context }: { context: AuthMachineContext }) => {
        // The guest identity id outlives a clear, as Amplify keeps it.
        const guestIdentityId = context.guest.identityId;
        void (guestIdentityId !== undefined ? store.write({ guestIdentityId }) : store.remove());
        provider?.clearCredentialsAndIdentityId();
      },
    },
    guards: time.guards,
    delays: time.delays,
  };
}

import type { AuthMachineContext } from '../../machines/auth.context';
import { InvalidStateException } from '../errors/error-classes';
import type {
  CredentialsOutput,
  CredentialsRequest,
  IdentityIdRequest,
  IdentityIdOutput,
  UserPoolTokensRequest,
  CredentialsRefreshRequest,
  RefreshedTokenOutput,
  ProviderTokenRequest,
  RemovePersistedSessionParams,
  UserPoolTokensOutput,
} from '../model/service-calls';
import type { RestoreOutcome, StoredSession } from '../model/session';
import { callCredentialsProvider } from '../services/call-credentials-provider';
import type { CallbackBounds } from '../services/call-app-callback';
import { clearProvider } from '../services/clear-provider';
import type { CognitoTransport } from '../services/cognito-transport';
import { getCredentials } from '../services/get-credentials';
import { getId } from '../services/get-id';
import { loadClientMetadata } from '../services/load-client-metadata';
import { loadUserPoolTokens } from '../services/load-user-pool-tokens';
import { refreshProviderToken } from '../services/refresh-provider-token';
import type { CallSettings } from '../services/send-command';
import { restoreSession } from '../session/restore-session';
import type { SessionStore } from '../session/session-store';
import type { AuthSettings } from './options';
import { refreshWithLease } from './refresh-with-lease';

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

/**
 * One engine's side of the machine: the actors and storage actions the chart names, bound to
 * its settings, Cognito transport, store and clock. A class, so that its methods are shared by
 * every engine (one per server request costs its fields, not a closure per method).
 */
export class EngineServices {
  readonly #settings: AuthSettings;
  readonly #store: SessionStore;
  readonly #transport: { cognito(): CognitoTransport };
  #call: (CallSettings & { identityPoolId: string }) | undefined;
  /**
   * A credentials provider answers identity and credentials in one call: the answer GetId's
   * step got is kept for the GetCredentialsForIdentity step that follows it.
   */
  #providerAnswer: { token: string | undefined; output: CredentialsOutput } | undefined;

  /** `transport.cognito()` is asked on the first Cognito call: an engine restored from storage may never make one. */
  constructor(settings: AuthSettings, store: SessionStore, transport: { cognito(): CognitoTransport }) {
    this.#settings = settings;
    this.#store = store;
    this.#transport = transport;
  }

  restoreSession(): Promise<RestoreOutcome> {
    const settings = this.#settings;
    return restoreSession({
      storage: settings.storage,
      store: this.#store,
      identityPoolId: settings.identityPoolId,
      namespace: settings.namespace,
      ...(settings.migrateFrom !== undefined ? { migrateFrom: settings.migrateFrom } : {}),
    });
  }

  async getId(input: IdentityIdRequest, signal: AbortSignal): Promise<IdentityIdOutput> {
    const provider = this.#settings.credentialsProvider;
    if (!provider) return getId(this.#callSettings(), input, signal);
    const output = await callCredentialsProvider(provider, { identityId: '', ...input, forceRefresh: false }, this.#now, this.#bounds(signal));
    this.#providerAnswer = { token: input.login?.token.reveal(), output };
    return { identityId: output.identityId };
  }

  getCredentials(input: CredentialsRequest, signal: AbortSignal): Promise<CredentialsOutput> {
    return this.#fetchCredentials(input, signal, false);
  }

  refreshCredentials(input: CredentialsRefreshRequest, signal: AbortSignal): Promise<CredentialsOutput> {
    const lease = { settings: this.#settings, store: this.#store, signal, replacing: input.replacing, sessionId: input.sessionId };
    return refreshWithLease(lease, () => this.#fetchCredentials(input, signal, true));
  }

  async refreshProviderToken(input: ProviderTokenRequest, signal: AbortSignal): Promise<RefreshedTokenOutput> {
    const settings = this.#settings;
    const clientMetadata = await this.#clientMetadataFor(input.clientMetadata, [input.login.token.reveal()], signal);
    return refreshProviderToken(
      {
        refreshHandlers: settings.refreshHandlers,
        ...(settings.tokenProvider ? { tokenProvider: settings.tokenProvider } : {}),
        bounds: { clock: settings.clock, timeoutMs: settings.callbackTimeoutMs },
        now: this.#now,
      },
      {
        login: input.login,
        signal,
        ...(input.identityId !== undefined ? { identityId: input.identityId } : {}),
        ...(clientMetadata ? { clientMetadata } : {}),
      },
    );
  }

  async loadUserPoolTokens(input: UserPoolTokensRequest, signal: AbortSignal): Promise<UserPoolTokensOutput | null> {
    const tokenProvider = this.#settings.tokenProvider;
    if (!tokenProvider) throw new InvalidStateException('No token provider is configured.');
    return loadUserPoolTokens(tokenProvider, input.forceRefresh, this.#bounds(signal));
  }

  persistSession(context: AuthMachineContext): void {
    void this.#store.write(storedSessionOf(context));
  }

  removePersistedSession(context: AuthMachineContext, params: RemovePersistedSessionParams): void {
    // The guest identity id outlives a clear, as Amplify keeps it; a clear names its session.
    void this.#store.remove({ guestIdentityId: context.guest.identityId, clearedSessionId: params.clearedSessionId });
    const provider = this.#settings.credentialsProvider;
    if (provider) clearProvider(provider);
  }

  readonly #now = (): number => this.#settings.clock.now();

  /** Every app callback is bounded by callbackTimeoutMs on the engine's clock. */
  #bounds(signal: AbortSignal): CallbackBounds {
    return { clock: this.#settings.clock, timeoutMs: this.#settings.callbackTimeoutMs, signal };
  }

  #callSettings(): CallSettings & { identityPoolId: string } {
    const settings = this.#settings;
    return (this.#call ??= {
      transport: this.#transport.cognito(),
      now: this.#now,
      clock: settings.clock,
      requestTimeoutMs: settings.requestTimeoutMs,
      identityPoolId: settings.identityPoolId,
    });
  }

  #fetchCredentials(input: CredentialsRequest, signal: AbortSignal, forceRefresh: boolean): Promise<CredentialsOutput> {
    const provider = this.#settings.credentialsProvider;
    if (!provider) return getCredentials(this.#callSettings(), input, signal);
    const kept = this.#providerAnswer;
    this.#providerAnswer = undefined;
    if (!forceRefresh && kept && kept.output.identityId === input.identityId && kept.token === input.login?.token.reveal()) {
      return Promise.resolve(kept.output);
    }
    return callCredentialsProvider(provider, { ...input, forceRefresh }, this.#now, this.#bounds(signal));
  }

  async #clientMetadataFor(given: Record<string, string> | undefined, secrets: readonly string[], signal: AbortSignal) {
    if (given) return given;
    const metadataProvider = this.#settings.clientMetadataProvider;
    if (!metadataProvider) return undefined;
    return loadClientMetadata(metadataProvider, secrets, this.#bounds(signal));
  }
}

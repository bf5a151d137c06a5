import { filter, firstValueFrom } from 'rxjs';
import {
  createAuth,
  createMemoryStorage,
  NotAuthorizedException,
  type Auth,
  type AuthOptions,
  type AuthSession,
  type AuthState,
  type FederateToIdentityPoolInput,
  type FederateToIdentityPoolResult,
  type FetchAuthSessionOptions,
} from '../index';
import type { AmplifyCredentialsProvider } from './amplify-types';
import { createAmplifyCredentialsProvider } from './amplify-credentials-provider';
import { FederatedUserStore, federatedUserKey, type FederatedUser } from './federated-user-store';
import { listenToAuthEvents, type AuthHubCallback } from './hub-listener';
import { toLegacyCredentials, type FederatedResponse, type LegacyCredentials } from './legacy-credentials';

/**
 * An idpool engine with Amplify's function names: v6 (`fetchAuthSession`, …) and v5
 * (`federatedSignIn`, …). Made by {@link createAmplifyAuth}.
 *
 * @example
 * ```ts
 * const amplify: AmplifyAuth = createAmplifyAuth({ identityPoolId });
 * Amplify.configure(config, { Auth: { credentialsProvider: amplify.credentialsProvider } });
 * ```
 */
export interface AmplifyAuth {
  /** The engine underneath: `events$`, `state$`, `actor`, `awsCredentials`. */
  readonly auth: Auth;
  /** For `Amplify.configure(config, { Auth: { credentialsProvider } })`. */
  readonly credentialsProvider: AmplifyCredentialsProvider;
  federateToIdentityPool(input: FederateToIdentityPoolInput): Promise<FederateToIdentityPoolResult>;
  fetchAuthSession(options?: FetchAuthSessionOptions): Promise<AuthSession>;
  /** Clears the federation and the v5 user object. */
  clearFederationToIdentityPool(): Promise<void>;
  /** `Hub.listen('auth', callback)`: every idpool event as `{ payload: { event, data } }`; returns the unsubscribe. */
  listen(channel: 'auth', callback: AuthHubCallback): () => void;
  /** Amplify v5: federates `response.token` and keeps `user` with the session. */
  federatedSignIn(provider: string, response: FederatedResponse, user?: FederatedUser): Promise<LegacyCredentials>;
  /** Amplify v5: the `user` given to `federatedSignIn` for the current identity; rejects with `NotAuthorizedException` when there is none. */
  currentAuthenticatedUser(): Promise<FederatedUser>;
  /** Amplify v5: the current credentials (federated, or guest when allowed). */
  currentCredentials(): Promise<LegacyCredentials>;
  stop(): Promise<void>;
}

function namespaceName(namespace: AuthOptions['namespace']): string {
  if (typeof namespace === 'string') return namespace;
  return namespace?.name ?? 'default';
}

function checkUser(user: unknown): FederatedUser | undefined {
  if (user === undefined) return undefined;
  if (typeof user !== 'object' || user === null || Array.isArray(user)) throw new TypeError('federatedSignIn: user must be an object.');
  JSON.stringify(user); // must survive storage
  return user as FederatedUser;
}

function checkResponse(response: unknown): FederatedResponse {
  if (typeof response !== 'object' || response === null) throw new TypeError('federatedSignIn: pass { token, identity_id?, expires_at? } as the second argument.');
  const { expires_at: expiresAt, identity_id: identityId } = response as FederatedResponse;
  if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) {
    throw new TypeError('federatedSignIn: expires_at must be epoch milliseconds.');
  }
  if (identityId !== undefined && typeof identityId !== 'string') throw new TypeError('federatedSignIn: identity_id must be a string.');
  return response as FederatedResponse;
}

const isSettled = (state: AuthState): boolean => state.value !== 'restoring' && state.value !== 'federating';

/**
 * Creates an idpool engine (`createAuth(options)`) and wraps it in Amplify's API names, so
 * an app moving off Amplify keeps its calls: v6 `fetchAuthSession`, `Hub.listen('auth')`,
 * a `credentialsProvider` for `Amplify.configure`, and v5 `federatedSignIn`,
 * `currentAuthenticatedUser`, `currentCredentials`. The v5 `user` object is stored in the
 * engine's storage under `idpool.<namespace>.<identityPoolId>.user`, removed when the
 * federation is cleared or expires. Caching, refresh and events are the engine's.
 *
 * @example
 * ```ts
 * import { createAmplifyAuth } from 'idpool/amplify';
 *
 * declare const googleIdToken: string;
 * const amplify = createAmplifyAuth({ identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' });
 * const stop = amplify.listen('auth', ({ payload }) => console.log(payload.event));
 * await amplify.federatedSignIn('google', { token: googleIdToken }, { name: 'Alice' });
 * const user = await amplify.currentAuthenticatedUser(); // { name: 'Alice' }
 * const { identityId } = await amplify.fetchAuthSession();
 * stop();
 * ```
 */
export function createAmplifyAuth(options: AuthOptions): AmplifyAuth {
  if (typeof options !== 'object' || options === null) throw new TypeError('createAmplifyAuth: options must be an object.');
  // The adapter needs the engine's storage to keep the user beside the session.
  const storage = options.storage ?? createMemoryStorage();
  const auth = createAuth({ ...options, storage });
  const users = new FederatedUserStore(storage, federatedUserKey(namespaceName(options.namespace), options.identityPoolId));
  const forgetUser = auth.events$.subscribe((event) => {
    if (event.type === 'federationToIdentityPoolCleared' || event.type === 'sessionExpired') users.remove().catch(() => undefined);
  });

  async function settledState(): Promise<AuthState | undefined> {
    return firstValueFrom(auth.state$.pipe(filter(isSettled))).catch(() => undefined);
  }

  return {
    auth,
    credentialsProvider: createAmplifyCredentialsProvider(auth),
    federateToIdentityPool: (input) => auth.federateToIdentityPool(input),
    fetchAuthSession: (fetchOptions) => auth.fetchAuthSession(fetchOptions),
    async clearFederationToIdentityPool() {
      await auth.clearFederationToIdentityPool();
      await users.remove();
    },
    listen: (channel, callback) => listenToAuthEvents(auth.events$, channel, callback),

    async federatedSignIn(provider, response, user) {
      const { token, identity_id: identityId, expires_at: expiresAt } = checkResponse(response);
      const checkedUser = checkUser(user);
      const result = await auth.federateToIdentityPool({
        token,
        provider,
        options: {
          ...(identityId !== undefined ? { developerProvidedIdentityId: identityId } : {}),
          ...(expiresAt !== undefined ? { expiresAt } : {}),
        },
      });
      if (checkedUser === undefined) await users.remove();
      else await users.save(result.identityId, checkedUser);
      return { ...result.credentials, identityId: result.identityId, authenticated: true };
    },

    async currentAuthenticatedUser() {
      const state = await settledState();
      const federated = state !== undefined && (state.value === 'federated' || state.value === 'refreshing') && state.guest !== true;
      const user = federated && state.identityId !== undefined ? await users.load(state.identityId) : undefined;
      if (user === undefined) {
        throw new NotAuthorizedException('The user is not authenticated.', {
          recoverySuggestion: 'Call federatedSignIn(provider, { token }, user) first.',
        });
      }
      return user;
    },

    async currentCredentials() {
      return toLegacyCredentials(await auth.fetchAuthSession());
    },

    async stop() {
      forgetUser.unsubscribe();
      await auth.stop();
      await users.flushed();
    },
  };
}

import { fromPromise } from 'xstate';
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
} from '../src/model/service-calls';
import type { RestoreOutcome } from '../src/model/session';

// The machine's actors, by signature only: the engine provides each (machine.provide), so the
// chart never does I/O itself.

function notProvided(name: string): never {
  throw new Error(`${name} is provided by the engine (machine.provide)`);
}

export const authActors = {
  /** Reads the persisted session. */
  restoreSession: fromPromise<RestoreOutcome>(async () => notProvided('restoreSession')),
  /** GetId: the identity id for a login (or a new guest identity). */
  getId: fromPromise<IdentityIdOutput, IdentityIdRequest>(async () => notProvided('getId')),
  /** GetCredentialsForIdentity. */
  getCredentials: fromPromise<CredentialsOutput, CredentialsRequest>(async () => notProvided('getCredentials')),
  /** GetCredentialsForIdentity under the refresh lease (one refresher across sharing contexts). */
  refreshCredentials: fromPromise<CredentialsOutput, CredentialsRefreshRequest>(async () => notProvided('refreshCredentials')),
  /** A new provider token from the refresh handler or token provider. */
  refreshProviderToken: fromPromise<RefreshedTokenOutput, ProviderTokenRequest>(async () => notProvided('refreshProviderToken')),
  /** The token provider's user-pool session, if any. */
  loadUserPoolTokens: fromPromise<UserPoolTokensOutput | null, UserPoolTokensRequest>(async () => notProvided('loadUserPoolTokens')),
};

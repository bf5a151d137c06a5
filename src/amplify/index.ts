/**
 * `idpool/amplify`: idpool behind Amplify's API names. Plug it into Amplify v6 as a
 * `credentialsProvider`, or call `fetchAuthSession`, `listen('auth')` and the v5-shaped
 * `federatedSignIn` / `currentAuthenticatedUser` / `currentCredentials` without Amplify.
 * Built on idpool's public API only; needs no Amplify package.
 *
 * @packageDocumentation
 */
export { createAmplifyAuth } from './create-amplify-auth';
export type { AmplifyAuth } from './create-amplify-auth';
export { createAmplifyCredentialsProvider } from './amplify-credentials-provider';
export type {
  AmplifyAwsCredentials,
  AmplifyCredentialsAndIdentityId,
  AmplifyCredentialsProvider,
  AmplifyGetCredentialsOptions,
} from './amplify-types';
export { federatedUserKey } from './federated-user-store';
export type { FederatedUser } from './federated-user-store';
export { toHubPayload } from './hub-listener';
export type { AuthHubCallback, AuthHubCapsule, AuthHubPayload } from './hub-listener';
export type { FederatedResponse, LegacyCredentials } from './legacy-credentials';

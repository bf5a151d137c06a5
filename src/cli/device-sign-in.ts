import * as oidc from 'openid-client';
import type { TokenResponse } from './loopback-sign-in';
import { ProviderError, toProviderError } from './oidc-client';

export interface DeviceSignInOptions {
  readonly config: oidc.Configuration;
  readonly scope: string;
  /** How long the user has to approve; the provider's own `expires_in` may end it sooner. */
  readonly timeoutMs: number;
  /** Aborts the polling (Ctrl+C). */
  readonly signal: AbortSignal;
  /** Shows the user where to go and the code to enter. */
  readonly announce: (prompt: { verificationUri: string; verificationUriComplete?: string; userCode: string; expiresInS: number }) => void;
}

/**
 * The device authorization grant (RFC 8628): the provider hands out a user code, the user enters it
 * on any device with a browser, and openid-client polls the token endpoint at the provider's
 * interval (slowing down when told to) until the user approves, refuses or the code expires.
 */
export async function signInWithDevice(options: DeviceSignInOptions): Promise<TokenResponse> {
  const { config } = options;
  if (config.serverMetadata().device_authorization_endpoint === undefined) {
    throw new ProviderError('the identity provider has no device authorization endpoint; sign in without --device');
  }
  let started: oidc.DeviceAuthorizationResponse;
  try {
    started = await oidc.initiateDeviceAuthorization(config, { scope: options.scope });
  } catch (error) {
    throw toProviderError(error, 'device authorization');
  }
  options.announce({
    verificationUri: started.verification_uri,
    ...(started.verification_uri_complete === undefined ? {} : { verificationUriComplete: started.verification_uri_complete }),
    userCode: started.user_code,
    expiresInS: started.expires_in,
  });
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  try {
    return await oidc.pollDeviceAuthorizationGrant(config, started, undefined, { signal });
  } catch (error) {
    if (options.signal.aborted) throw new ProviderError('sign-in cancelled');
    if (signal.aborted) throw new ProviderError(`no sign-in within ${Math.round(options.timeoutMs / 1000)} s; run idpool login again`);
    throw toProviderError(error, 'device sign-in');
  }
}

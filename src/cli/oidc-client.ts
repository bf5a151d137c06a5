import * as oidc from 'openid-client';
import { printable } from './usage-error';

/** How long any one request to the identity provider may take. */
export const PROVIDER_TIMEOUT_S = 15;

/** An identity-provider error the user can act on; its message quotes no token. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  /** The OAuth error code when the provider gave one (`access_denied`, `invalid_grant`, …). */
  readonly code: string | undefined;

  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** Plain http is for an issuer on this machine only (the local issuer); anything else must be https. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost');
}

/** Checks `--issuer`: an absolute https URL, or http on loopback. Throws a RangeError for the usage message. */
export function parseIssuerUrl(text: string): URL {
  if (!URL.canParse(text)) throw new RangeError(`--issuer must be an absolute URL, got '${text.slice(0, 200)}'`);
  const url = new URL(text);
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) throw new RangeError('--issuer must be https (plain http only on 127.0.0.1, [::1] or localhost)');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') throw new RangeError('--issuer must not carry credentials, a query or a fragment');
  return url;
}

/** Printable, bounded text from a provider's `error_description` (it is the provider's text, not ours). */
const providerText = (text: string | undefined): string => printable(text ?? '');

/** The provider's error as a {@link ProviderError}; other errors pass through unchanged. */
export function toProviderError(error: unknown, doing: string): unknown {
  if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError) {
    const description = providerText(error.error_description);
    return new ProviderError(`${doing}: the identity provider answered ${providerText(error.error)}${description === '' ? '' : ` (${description})`}`, error.error);
  }
  if (error instanceof oidc.ClientError) {
    // openid-client's message is generic ("invalid response encountered"); oauth4webapi's, its cause,
    // names the check that failed (`unexpected "state" response parameter value`). Neither quotes values.
    const detail = error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
    return new ProviderError(`${doing}: ${providerText(detail)}`, error.code);
  }
  if (error instanceof TypeError && /fetch failed/.test(error.message)) return new ProviderError(`${doing}: cannot reach the identity provider`);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return new ProviderError(`${doing}: the identity provider did not answer in time`);
  return error;
}

/**
 * The issuer's configuration from its discovery document, for this client: `client_secret_basic`
 * with a secret (a confidential client), none without (a public one).
 */
export async function discoverIssuer(issuer: URL, clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  try {
    return await oidc.discovery(
      issuer,
      clientId,
      clientSecret === undefined ? undefined : { client_secret: clientSecret },
      clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(clientSecret),
      { timeout: PROVIDER_TIMEOUT_S, ...(isLoopbackHttp(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}) },
    );
  } catch (error) {
    throw toProviderError(error, `discovery of ${issuer.href}`);
  }
}

/** The scope to ask for: `openid`, `offline_access` where the provider lists it, and the extra ones given. */
export function loginScope(config: oidc.Configuration, extra: readonly string[]): string {
  const supported = config.serverMetadata().scopes_supported;
  const scopes = ['openid', ...(supported?.includes('offline_access') ? ['offline_access'] : []), ...extra];
  return [...new Set(scopes)].join(' ');
}

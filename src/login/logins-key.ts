import { InvalidParameterException } from '../errors/error-classes';

/** Short provider names and the Cognito Logins keys they stand for. */
export const providerLoginsKeys = {
  google: 'accounts.google.com',
  facebook: 'graph.facebook.com',
  amazon: 'www.amazon.com',
  apple: 'appleid.apple.com',
  developer: 'cognito-identity.amazonaws.com',
} as const;

export type ProviderShortName = keyof typeof providerLoginsKeys;

/** Logins keys whose tokens are not JWTs (access tokens, SAML assertions). */
const opaqueLoginsKeys = new Set(['graph.facebook.com', 'www.amazon.com', 'api.twitter.com', 'www.digits.com']);

const MAX_LOGINS_KEY_LENGTH = 2048;

/**
 * Turns a `provider` given to idpool into the Cognito Logins key: a short name
 * (`google`, …) or any Logins key as it is (an OIDC issuer domain, a user pool
 * `cognito-idp.<region>.amazonaws.com/<poolId>`, a SAML provider ARN).
 */
export function toLoginsKey(provider: unknown): string {
  if (typeof provider !== 'string' || provider.trim() === '') {
    throw new InvalidParameterException('provider must be a non-empty string.', {
      recoverySuggestion: `Use a short name (${Object.keys(providerLoginsKeys).join(', ')}) or the Logins key configured on the identity pool.`,
    });
  }
  // Own properties only: `provider` is caller text, and "constructor" or "__proto__" must not
  // read Object.prototype.
  if (Object.hasOwn(providerLoginsKeys, provider)) return providerLoginsKeys[provider as ProviderShortName];
  if (provider.length > MAX_LOGINS_KEY_LENGTH || /[\s\u0000-\u001f]/.test(provider)) {
    throw new InvalidParameterException('provider is not a valid Logins key.', {
      recoverySuggestion: 'Use the Logins key exactly as configured on the identity pool, without spaces.',
    });
  }
  if (provider.startsWith('https://')) return provider.slice('https://'.length).replace(/\/$/, '');
  if (!provider.includes('.') && !provider.startsWith('arn:')) {
    throw new InvalidParameterException(`Unknown provider "${provider}".`, {
      recoverySuggestion: `Use a short name (${Object.keys(providerLoginsKeys).join(', ')}) or a full Logins key such as an issuer domain.`,
    });
  }
  return provider;
}

/** Whether tokens for this Logins key must be JWTs (OIDC providers, user pools, Cognito's own). */
export function requiresJwt(loginsKey: string): boolean {
  return !opaqueLoginsKeys.has(loginsKey) && !loginsKey.startsWith('arn:');
}

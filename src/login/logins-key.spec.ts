// Pins how a `provider` becomes a Cognito Logins key (short names, issuer URLs, keys as they are) and which keys take JWTs.
import { describe, expect, it } from 'vitest';
import { InvalidParameterException } from '../errors/error-classes';
import { providerLoginsKeys, requiresJwt, toLoginsKey } from './logins-key';

describe('toLoginsKey', () => {
  it.each(Object.entries(providerLoginsKeys))('short name %s → %s', (name, key) => {
    expect(toLoginsKey(name)).toBe(key);
  });

  it.each([
    ['an OIDC issuer domain', 'tenant.auth0.com', 'tenant.auth0.com'],
    ['a user pool', 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc', 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc'],
    ['a SAML provider ARN', 'arn:aws:iam::123456789012:saml-provider/corp', 'arn:aws:iam::123456789012:saml-provider/corp'],
    ['an issuer URL, scheme and trailing slash dropped', 'https://issuer.example.test/', 'issuer.example.test'],
    ['an issuer URL with a path', 'https://issuer.example.test/realms/a', 'issuer.example.test/realms/a'],
  ])('%s is kept as a Logins key', (_name, provider, key) => {
    expect(toLoginsKey(provider)).toBe(key);
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['blank', '   '],
    ['an unknown short name', 'myspace'],
    ['an Object.prototype name', 'constructor'],
    ['__proto__', '__proto__'],
    ['a key with a space', 'issuer.example.test evil'],
    ['a key with a control character', 'issuer.example.test\u0000'],
    ['a key over 2048 characters', `${'a'.repeat(2045)}.com`],
  ])('refuses %s with InvalidParameterException', (_name, provider) => {
    expect(() => toLoginsKey(provider)).toThrow(InvalidParameterException);
  });

  it('a key of exactly 2048 characters is accepted', () => {
    const key = `${'a'.repeat(2044)}.com`;
    expect(toLoginsKey(key)).toBe(key);
  });
});

describe('requiresJwt', () => {
  it('is true for OIDC issuers, user pools and Cognito developer identities', () => {
    for (const key of ['accounts.google.com', 'appleid.apple.com', 'cognito-identity.amazonaws.com', 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc', 'tenant.auth0.com']) {
      expect(requiresJwt(key)).toBe(true);
    }
  });

  it('is false for opaque-token providers and SAML ARNs', () => {
    for (const key of ['graph.facebook.com', 'www.amazon.com', 'api.twitter.com', 'www.digits.com', 'arn:aws:iam::123456789012:saml-provider/corp']) {
      expect(requiresJwt(key)).toBe(false);
    }
  });
});

import { InvalidParameterException } from '../errors/error-classes';

// Cognito's own patterns for IdentityPoolId and IdentityId: `<region>:<uuid>`, 1–55 characters.
const identityPattern = /^[\w-]+:[0-9a-f-]+$/;

/** Whether `value` has the shape of an identity pool id or identity id. */
export function isIdentityIdShaped(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 55 && identityPattern.test(value);
}

/** Throws `InvalidParameterException` unless `value` is an identity id (`region:uuid`). */
export function checkIdentityId(value: unknown, name: string): string {
  if (!isIdentityIdShaped(value)) {
    throw new InvalidParameterException(`${name} must be an identity id of the form "region:uuid".`, {
      recoverySuggestion: 'Pass the IdentityId that GetOpenIdTokenForDeveloperIdentity or GetId returned.',
    });
  }
  return value;
}

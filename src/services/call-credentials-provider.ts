import type { CredentialsOutput } from '../model/service-calls';
import type { Login } from '../model/login';
import { AbortError, NetworkError, UnknownException } from '../errors/error-classes';
import { isAuthError, toAuthError } from '../errors/to-auth-error';
import { isIdentityIdShaped } from '../login/identity-ids';
import { Secret } from '../model/secret';
import { callAppCallback, type CallbackBounds } from './call-app-callback';
import type { CredentialsAndIdentityIdProvider } from './credentials-provider';
import { expirationProblem, storableExpiration } from '../model/lifetimes';

// A provider that gives no expiration is asked again after this long.
const ASSUMED_LIFETIME_MS = 60 * 60_000;
// Generous bounds on what AWS issues (access key ids are ≤ 128, session tokens a few KB).
const MAX_KEY_LENGTH = 128;
const MAX_SECRET_LENGTH = 16_384;

const answerAdvice = 'Return { credentials: { accessKeyId, secretAccessKey, sessionToken?, expiration?: Date }, identityId? } from getCredentialsAndIdentityId().';

function badAnswer(problem: string): UnknownException {
  return new UnknownException(`The credentials provider returned ${problem}.`, { recoverySuggestion: answerAdvice });
}

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** The expiration a provider gave (a `Date`, or nothing), as epoch ms; anything else is refused. */
function expirationOf(value: unknown, issuedAt: number): number {
  if (value === undefined || value === null) return issuedAt + ASSUMED_LIFETIME_MS;
  let time = Number.NaN;
  try {
    // Date.prototype.getTime throws for anything but a real Date, whatever it claims to be.
    time = Date.prototype.getTime.call(value);
  } catch {
    throw badAnswer('an expiration that is not a Date');
  }
  const problem = expirationProblem(time, issuedAt);
  if (problem !== undefined) throw badAnswer(`an expiration that ${problem}`);
  return storableExpiration(time, issuedAt);
}

/** Checks and seals what the provider answered; throws `UnknownException` for anything unusable. */
function readAnswer(result: unknown, fallbackIdentityId: string, issuedAt: number): CredentialsOutput {
  if (typeof result !== 'object' || result === null) throw badAnswer('no credentials or no identity id');
  const { credentials, identityId: givenIdentityId } = result as { credentials?: unknown; identityId?: unknown };
  if (typeof credentials !== 'object' || credentials === null) throw badAnswer('no credentials or no identity id');
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials as Record<string, unknown>;
  if (!isText(accessKeyId, MAX_KEY_LENGTH) || !isText(secretAccessKey, MAX_SECRET_LENGTH)) {
    throw badAnswer('credentials without a string accessKeyId and secretAccessKey');
  }
  if (sessionToken !== undefined && sessionToken !== null && (typeof sessionToken !== 'string' || sessionToken.length > MAX_SECRET_LENGTH)) {
    throw badAnswer('a sessionToken that is not a string');
  }
  const identityId = givenIdentityId ?? (fallbackIdentityId !== '' ? fallbackIdentityId : undefined);
  if (identityId === undefined) throw badAnswer('no credentials or no identity id');
  if (!isIdentityIdShaped(identityId)) throw badAnswer('an identity id that is not of the form "region:uuid"');
  return {
    identityId,
    credentials: {
      value: new Secret({ accessKeyId, secretAccessKey, sessionToken: typeof sessionToken === 'string' ? sessionToken : '' }),
      expiration: expirationOf(expiration, issuedAt),
      issuedAt,
    },
  };
}

/**
 * Gets credentials from the app's own `credentialsProvider` instead of Cognito Identity. The
 * call is bounded by `bounds` (`NetworkError` when it takes too long), whatever it throws
 * becomes an `AuthError` with a redacted cause, and an unusable answer an `UnknownException`.
 */
export async function callCredentialsProvider(
  provider: CredentialsAndIdentityIdProvider,
  input: { identityId: string; login?: Login; forceRefresh: boolean },
  now: () => number,
  bounds: CallbackBounds,
): Promise<CredentialsOutput> {
  const token = input.login?.token.reveal();
  const outcome = await callAppCallback(
    () =>
      provider.getCredentialsAndIdentityId({
        authenticated: input.login !== undefined,
        ...(input.login && token !== undefined ? { tokens: { idToken: token, loginsKey: input.login.loginsKey } } : {}),
        forceRefresh: input.forceRefresh,
      }),
    bounds,
  );
  if (outcome.kind === 'aborted') throw new AbortError('The credentials request was cancelled.', { recoverySuggestion: 'Nothing to do: a newer call replaced this one.' });
  if (outcome.kind === 'timedOut') {
    throw new NetworkError(`The credentials provider did not answer within ${bounds.timeoutMs} ms.`, {
      retryable: true,
      recoverySuggestion: 'Check what getCredentialsAndIdentityId() waits for, or raise the callbackTimeoutMs option.',
    });
  }
  if (outcome.kind === 'threw') throw toAuthError(outcome.thrown, token !== undefined ? [token] : []);
  try {
    return readAnswer(outcome.value, input.identityId, now());
  } catch (error) {
    if (isAuthError(error)) throw error;
    // A getter or Proxy trap of the answer threw.
    throw badAnswer('an answer that cannot be read');
  }
}

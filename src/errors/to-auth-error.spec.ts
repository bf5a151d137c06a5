// Pins toAuthError: which AuthError class (and retryable flag) anything thrown becomes, with secrets scrubbed and hostile values survived.
import { describe, expect, it } from 'vitest';
import { AuthError } from './auth-error';
import {
  AbortError,
  ExternalServiceException,
  InternalErrorException,
  InvalidIdentityPoolConfigurationException,
  InvalidParameterException,
  LimitExceededException,
  NetworkError,
  NotAuthorizedException,
  ResourceConflictException,
  ResourceNotFoundException,
  TokenRefreshException,
  TooManyRequestsException,
  UnknownException,
} from './error-classes';
import { RedactedCause } from './redacted-cause';
import { isAuthError, toAuthError } from './to-auth-error';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const SECRET = 'opaque-provider-token-1234';

/** An AWS SDK ServiceException as it arrives: a name, a message, `$fault` and `$metadata`. */
function sdkError(name: string, message = 'Cognito said no', httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode, requestId: 'req-1' } });
}

describe('Cognito exception names', () => {
  it.each([
    ['NotAuthorizedException', NotAuthorizedException, false],
    ['ResourceNotFoundException', ResourceNotFoundException, false],
    ['TooManyRequestsException', TooManyRequestsException, true],
    ['InvalidParameterException', InvalidParameterException, false],
    ['ValidationException', InvalidParameterException, false],
    ['InvalidIdentityPoolConfigurationException', InvalidIdentityPoolConfigurationException, false],
    ['LimitExceededException', LimitExceededException, true],
    ['ResourceConflictException', ResourceConflictException, false],
    ['InternalErrorException', InternalErrorException, true],
    ['ExternalServiceException', ExternalServiceException, true],
  ] as const)('%s → %o, retryable %s', (name, type, retryable) => {
    const error = toAuthError(sdkError(name));
    expect(error).toBeInstanceOf(type);
    expect(error.name).toBe(type.code);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe('Cognito said no');
    expect(error.recoverySuggestion).not.toBe('See the error message and cause.');
    expect(error.cause).toBeInstanceOf(RedactedCause);
    expect((error.cause as RedactedCause).$metadata).toEqual({ httpStatusCode: 400, requestId: 'req-1' });
  });

  it('looks names up as own entries only: an Object.prototype name is unknown', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) expect(toAuthError(sdkError(name))).toBeInstanceOf(UnknownException);
  });
});

describe('failures without a known name', () => {
  it('an AbortError is a cancelled call, not retryable', () => {
    const error = toAuthError(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error.retryable).toBe(false);
  });

  it('an unknown name with HTTP 5xx is InternalErrorException, retryable', () => {
    const error = toAuthError(sdkError('BadGateway', 'upstream', 502));
    expect(error).toBeInstanceOf(InternalErrorException);
    expect(error.retryable).toBe(true);
  });

  it.each([
    ['a socket code', Object.assign(new Error('read failed'), { code: 'ECONNRESET' })],
    ['a DNS code', Object.assign(new Error('lookup'), { code: 'EAI_AGAIN' })],
    ['a TimeoutError', Object.assign(new Error('slow'), { name: 'TimeoutError' })],
    ["undici's message", new TypeError('fetch failed')],
    ["Chromium's message", new TypeError('Failed to fetch')],
    ['a network cause two links down', new Error('outer', { cause: new Error('inner', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }) })],
  ])('%s is a NetworkError, retryable', (_name, thrown) => {
    const error = toAuthError(thrown);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.retryable).toBe(true);
  });

  it('a "network" message with an HTTP status is what the server said, not a network failure', () => {
    expect(toAuthError(sdkError('Weird', 'network policy denied', 403))).toBeInstanceOf(UnknownException);
  });

  it('anything else is UnknownException, not retryable, with a message even when the original had none', () => {
    const error = toAuthError(new Error(''));
    expect(error).toBeInstanceOf(UnknownException);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Cognito Identity request failed.');
  });
});

describe('secrets never pass through', () => {
  it('removes the given secrets and any JWT from the message and every link of the cause', () => {
    const thrown = sdkError('NotAuthorizedException', `Invalid login token ${JWT} for ${SECRET}`);
    thrown.cause = new Error(`inner ${SECRET}`);
    const error = toAuthError(thrown, [SECRET]);
    const text = [error.message, (error.cause as Error).message, ((error.cause as Error).cause as Error).message, String((error.cause as Error).stack)].join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(JWT);
    expect(error.message).toBe('Invalid login token [redacted] for [redacted]');
  });

  it('keeps a copy, never the original: its extra fields (a request dump) are left behind', () => {
    const thrown = Object.assign(sdkError('NotAuthorizedException'), { $response: { body: SECRET }, input: { Logins: { k: SECRET } } });
    const error = toAuthError(thrown, [SECRET]);
    expect(error.cause).not.toBe(thrown);
    expect(JSON.stringify(error.cause) + Object.keys(error.cause as object).join()).not.toMatch(/\$response|Logins/);
  });

  it('rebuilds an AuthError from elsewhere as a fresh one of its class, redacted, without its own fields', () => {
    const original = Object.assign(new TokenRefreshException(`refresh failed for ${SECRET}`, { retryable: true, recoverySuggestion: `retry ${SECRET}` }), {
      request: { token: SECRET },
    });
    const error = toAuthError(original, [SECRET]);
    expect(error).toBeInstanceOf(TokenRefreshException);
    expect(error).not.toBe(original);
    expect(error.message).toBe('refresh failed for [redacted]');
    expect(error.recoverySuggestion).toBe('retry [redacted]');
    expect(error.retryable).toBe(true);
    expect(error).not.toHaveProperty('request');
  });

  it('an AuthError with a code it cannot have becomes UnknownException; retryable only when exactly true', () => {
    const forged = Object.assign(new AuthError('forged'), { code: 'constructor', retryable: 'yes' });
    const error = toAuthError(forged);
    expect(error).toBeInstanceOf(UnknownException);
    expect(error.retryable).toBe(false);
  });
});

describe('hostile values', () => {
  const everyTrapThrows = new Proxy({}, {
    get() { throw new Error(`get ${SECRET}`); },
    getPrototypeOf() { throw new Error('getPrototypeOf'); },
    has() { throw new Error('has'); },
    ownKeys() { throw new Error('ownKeys'); },
    getOwnPropertyDescriptor() { throw new Error('getOwnPropertyDescriptor'); },
  });
  const throwingGetters = Object.defineProperties({}, {
    name: { get: () => { throw new Error('name'); } },
    message: { get: () => { throw new Error('message'); } },
    cause: { get: () => { throw new Error('cause'); } },
  });
  const selfCaused = new Error('loop');
  selfCaused.cause = selfCaused;

  it.each([
    ['a Proxy whose every trap throws', everyTrapThrows],
    ['an object whose getters throw', throwingGetters],
    ['a null-prototype object', Object.create(null) as object],
    ['an error that is its own cause', selfCaused],
    ['undefined', undefined],
    ['null', null],
    ['a string', `failed with ${JWT}`],
    ['a number', 42],
    ['a symbol', Symbol('x')],
  ])('%s becomes an AuthError without throwing or leaking', (_name, thrown) => {
    const error = toAuthError(thrown, [SECRET]);
    expect(isAuthError(error)).toBe(true);
    expect(error).toBeInstanceOf(UnknownException);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(JWT);
    expect(error.cause).toBeInstanceOf(RedactedCause);
  });

  it('isAuthError is false, not a throw, for a Proxy whose getPrototypeOf throws', () => {
    expect(isAuthError(everyTrapThrows)).toBe(false);
    expect(isAuthError(new NetworkError('x'))).toBe(true);
  });
});

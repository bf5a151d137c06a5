import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  createAuth,
  createMemoryStorage,
  NotAuthorizedException,
  type AuthEvent,
  type CredentialsAndIdentityIdProvider,
} from '../../src/index';
import { redactedCause } from '../../src/errors/redacted-cause';
import { redactSecrets } from '../../src/errors/redact-secrets';
import { toAuthError } from '../../src/errors/to-auth-error';
import { toLoginsKey } from '../../src/login/logins-key';
import { resolveSettings } from '../../src/engine/resolve-settings';
import { everyRendering, expectNoSecrets } from '../support/secret-scan';
import { flushIo, TestClock } from '../support/test-clock';
import { standaloneEngines, STANDALONE_POOL_ID as IDENTITY_POOL_ID } from '../support/standalone-engines';

// Attacks on the engine's callbacks, error redaction and timers (issue 11 findings 9, 11, 12)
// that the first round of fixes did not hold.
const IDENTITY_ID = 'us-east-1:11111111-1111-4111-8111-111111111111';
const DAY_MS = 86_400_000;
// A Facebook access token is opaque (not a JWT): only exact matching can redact it.
const FACEBOOK_TOKEN = `EAABsbCS1iHgBAKZCZAx${'q7'.repeat(80)}`;

const engine = standaloneEngines();

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('prototype names as provider names', () => {
  for (const name of ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf']) {
    it(`toLoginsKey("${name}") is an unknown provider, not a property of Object.prototype`, () => {
      let key: unknown;
      try {
        key = toLoginsKey(name);
      } catch (error) {
        expect(error).toMatchObject({ name: 'InvalidParameterException' });
        return;
      }
      expect.fail(`toLoginsKey returned ${typeof key}`);
    });
  }

  it('federateToIdentityPool({ provider: "constructor" }) rejects with InvalidParameterException before any request', async () => {
    const auth = engine({ endpoint: 'http://127.0.0.1:9' });
    const error = await failureOf(auth.federateToIdentityPool({ token: FACEBOOK_TOKEN, provider: 'constructor' }));
    expect(error).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('a refreshHandlers key "__proto__" (an own property, as JSON.parse makes) is refused, not registered under Object.prototype', () => {
    const handlers = {};
    Object.defineProperty(handlers, '__proto__', { value: async () => ({ token: FACEBOOK_TOKEN }), enumerable: true });
    expect(() => createAuth({ identityPoolId: IDENTITY_POOL_ID, refreshHandlers: handlers })).toThrow();
  });
});

describe('options read through a polluted Object.prototype', () => {
  const pollutable = {
    endpoint: 'http://attacker.example',
    credentialsProvider: { getCredentialsAndIdentityId: () => undefined, clearCredentialsAndIdentityId: () => undefined },
    tokenProvider: { getTokens: () => null },
    clientMetadataProvider: () => ({}),
    refreshHandlers: { 'graph.facebook.com': () => undefined },
    inspect: () => undefined,
    region: 'eu-west-1',
  } as const;
  for (const [key, value] of Object.entries(pollutable)) {
    it(`Object.prototype.${key} set before createAuth is not taken as the option`, () => {
      const prototype = Object.prototype as Record<string, unknown>;
      prototype[key] = value;
      try {
        const settings = resolveSettings({ identityPoolId: IDENTITY_POOL_ID }) as unknown as Record<string, unknown>;
        if (key === 'refreshHandlers') expect((settings[key] as Map<string, unknown>).size).toBe(0);
        else if (key === 'region') expect(settings[key]).toBe('us-east-1');
        else expect(Object.hasOwn(settings, key)).toBe(false);
      } finally {
        delete prototype[key];
      }
    });
  }

  it('refreshHandlers given as a Map are registered, not silently ignored', () => {
    const handler = async () => ({ token: FACEBOOK_TOKEN });
    const settings = resolveSettings({ identityPoolId: IDENTITY_POOL_ID, refreshHandlers: new Map([['facebook', handler]]) as unknown as Record<string, () => Promise<{ token: string }>> });
    expect(settings.refreshHandlers.get('graph.facebook.com')).toBe(handler);
  });

  it('an option whose getter (or Proxy trap) throws: a TypeError naming the option, not what the getter threw', () => {
    const options = {
      identityPoolId: IDENTITY_POOL_ID,
      get endpoint(): string {
        throw new RangeError(`getter quoting ${FACEBOOK_TOKEN}`);
      },
    };
    expect(() => createAuth(options)).toThrow(TypeError);
    expect(() => createAuth(options)).toThrow(/endpoint/);
    const proxy = new Proxy({ identityPoolId: IDENTITY_POOL_ID }, {
      getOwnPropertyDescriptor: () => {
        throw new RangeError('trap');
      },
    });
    expect(() => createAuth(proxy)).toThrow(TypeError);
  });

  it('Object.prototype.maxAttempts does not reach the retry policy', () => {
    const prototype = Object.prototype as Record<string, unknown>;
    prototype['maxAttempts'] = 1e9;
    try {
      expect(resolveSettings({ identityPoolId: IDENTITY_POOL_ID, retry: {} }).retry.maxAttempts).toBeLessThan(100);
    } finally {
      delete prototype['maxAttempts'];
    }
  });
});

describe('redaction of causes', () => {
  it('a secret straddling the 4,096-character cut of a long message leaves no part of it', () => {
    const cause = redactedCause(new Error(`${'y'.repeat(4_000)} ${FACEBOOK_TOKEN}`), [FACEBOOK_TOKEN]);
    expect(cause.message).not.toContain(FACEBOOK_TOKEN.slice(0, 20));
    expect(String(cause.stack)).not.toContain(FACEBOOK_TOKEN.slice(0, 20));
  });

  it('a name or code that is the secret is not kept', () => {
    const shortToken = 'EAABsbCS1iHgBA';
    const thrown = Object.assign(new Error('failed'), { name: shortToken, code: shortToken });
    const cause = redactedCause(thrown, [shortToken]);
    expect(inspect(cause)).not.toContain(shortToken);
    expect(inspect(toAuthError(thrown, [shortToken]), { depth: 8 })).not.toContain(shortToken);
  });

  it('a secret that is not well-formed UTF-16 (a lone surrogate) does not make redaction throw', () => {
    const odd = 'EAABsbCS1iHgBA\uD800rest';
    expect(() => redactSecrets(`quoted ${odd}`, [odd])).not.toThrow();
    expect(redactSecrets(`quoted ${odd}`, [odd])).not.toContain('EAABsbCS1iHgBA');
    expect(toAuthError(new Error(`quoted ${odd}`), [odd])).toBeInstanceOf(AuthError);
  });

  it('an encrypted token (JWE, five parts, as Cognito refresh tokens are) is redacted whole', () => {
    const jwe = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ.AAAAencryptedkey.BBBBiv.CCCCciphertextSECRETPART.DDDDtag';
    expect(redactSecrets(`refresh token ${jwe} was refused`, [])).toBe('refresh token [redacted] was refused');
  });

  it('AWS secret keys and session tokens quoted as fields of a message are redacted, though idpool never saw them', () => {
    const secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const sessionToken = `IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ${'Dx7+'.repeat(30)}==`;
    const messages = [
      `STS answered {"AccessKeyId":"ASIAEXAMPLE","SecretKey":"${secretKey}","SessionToken":"${sessionToken}"}`,
      `credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: '${secretKey}', sessionToken: '${sessionToken}' }`,
      `aws_secret_access_key = ${secretKey}\naws_session_token=${sessionToken}`,
    ];
    for (const message of messages) {
      const redacted = redactSecrets(message, []);
      expect(redacted).not.toContain(secretKey);
      expect(redacted).not.toContain(sessionToken.slice(0, 30));
    }
  });

  it("the Logins map Cognito quotes in a ValidationException is redacted even when the token is not the one idpool sent", () => {
    const message = `1 validation error detected: Value '{graph.facebook.com=${FACEBOOK_TOKEN.toUpperCase()}}' at 'logins' failed to satisfy constraint`;
    expect(redactSecrets(message, [FACEBOOK_TOKEN])).not.toContain(FACEBOOK_TOKEN.toUpperCase().slice(0, 20));
  });

  it('an AuthError thrown by an app callback: a Proxy whose message getter throws gives a typed error, not a raw TypeError', () => {
    const hostile = new Proxy(new NotAuthorizedException('refused'), {
      get(target, key) {
        if (key === 'message' || key === 'cause' || key === 'recoverySuggestion') throw new TypeError('trap');
        return Reflect.get(target, key) as unknown;
      },
    });
    let result: unknown;
    expect(() => {
      result = toAuthError(hostile, [FACEBOOK_TOKEN]);
    }).not.toThrow();
    expect(result).toBeInstanceOf(AuthError);
  });

  it('an AuthError thrown by an app callback: its recoverySuggestion and own fields are not kept when they quote the token', () => {
    const thrown = Object.assign(new NotAuthorizedException('refused', { recoverySuggestion: `retry with ${FACEBOOK_TOKEN}` }), {
      request: { Logins: { 'graph.facebook.com': FACEBOOK_TOKEN } },
    });
    const error = toAuthError(thrown, [FACEBOOK_TOKEN]);
    expect(error).toMatchObject({ name: 'NotAuthorizedException' });
    expectNoSecrets({ rendering: everyRendering(error), suggestion: error.recoverySuggestion }, [FACEBOOK_TOKEN]);
  });

  it('a credentials provider rejecting with an AuthError that carries the token in a field: fetchAuthSession rejects without it', async () => {
    const clock = new TestClock();
    const provider: CredentialsAndIdentityIdProvider = {
      getCredentialsAndIdentityId: () =>
        Promise.reject(Object.assign(new NotAuthorizedException('refused'), { logins: { 'graph.facebook.com': FACEBOOK_TOKEN } })),
      clearCredentialsAndIdentityId: () => undefined,
    };
    const auth = engine({ clock, credentialsProvider: provider });
    const error = await failureOf(auth.federateToIdentityPool({ token: FACEBOOK_TOKEN, provider: 'facebook' }));
    expect(error).toMatchObject({ name: 'NotAuthorizedException' });
    expectNoSecrets({ rendering: everyRendering(error) }, [FACEBOOK_TOKEN]);
  });
});

describe('lifetimes a callback may give and the stored record may hold', () => {
  it('credentials from a provider living 2 years, persisted: the next engine restores them, no sessionRestore_failure', async () => {
    const clock = new TestClock();
    const storage = createMemoryStorage();
    let calls = 0;
    const provider: CredentialsAndIdentityIdProvider = {
      getCredentialsAndIdentityId: async () => {
        calls += 1;
        return {
          identityId: IDENTITY_ID,
          credentials: { accessKeyId: `ASIALONG${calls}`, secretAccessKey: 'long-lived-secret-key', sessionToken: 'long-lived-session', expiration: new Date(clock.now() + 730 * DAY_MS) },
        };
      },
      clearCredentialsAndIdentityId: () => undefined,
    };
    const first = engine({ clock, storage, persistCredentials: true, credentialsProvider: provider });
    await first.federateToIdentityPool({ token: FACEBOOK_TOKEN, provider: 'facebook' });
    await flushIo();
    await first.stop();

    const events: AuthEvent[] = [];
    const second = engine({ clock, storage, persistCredentials: true, credentialsProvider: provider });
    second.events$.subscribe((event) => events.push(event));
    const session = await second.fetchAuthSession();
    expect(events.map((event) => event.type)).not.toContain('sessionRestore_failure');
    expect(session.credentials?.accessKeyId).toBe('ASIALONG1');
    expect(session.federatedProvider).toBe('graph.facebook.com');
    expect(calls).toBe(1);
  });
});

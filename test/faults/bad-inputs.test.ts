import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuth, InvalidParameterException, toAuthState, type Auth, type AuthOptions, type AwsCredentials } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

// Malformed inputs across the public API, beyond the ones in test/engine/bad-input.test.ts
// (33 there; the count here is in the describe title): each is a typed error, changes no state, makes no network call, and
// leaves an earlier valid session exactly as it was.

let stack: EngineStack;
let auth: Auth;
let session: { identityId: string; credentials: AwsCredentials };

beforeAll(async () => {
  stack = await startEngineStack();
});
// A fresh engine with a valid session per case, so one accepted input cannot spoil the next case.
beforeEach(async () => {
  await auth?.stop();
  auth = stack.engine();
  session = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
});
afterAll(async () => {
  await stack.close();
});

type ErrorClass = typeof TypeError | typeof InvalidParameterException;
interface BadInput {
  name: string;
  call: () => unknown;
  error: ErrorClass;
  /** The error names the offending option or argument. */
  names?: RegExp;
}

const jwtOf = (payload: string) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(payload).toString('base64url')}.c2ln`;
const federate = (input: unknown) => () => auth.federateToIdentityPool(input as never);
const fetchWith = (options: unknown) => () => auth.fetchAuthSession(options as never);
const metadata = (clientMetadata: unknown) => fetchWith({ clientMetadata });
const create = (options: Partial<AuthOptions> | null | undefined) => () =>
  createAuth(options === null || options === undefined ? (options as never) : ({ identityPoolId: stack.pool.identityPoolId, ...options } as AuthOptions));
const withOwnKey = (key: string) => {
  const value: Record<string, string> = { fine: 'yes' };
  Object.defineProperty(value, key, { value: 'x', enumerable: true });
  return value;
};
const validToken = () => stack.issuer.mintToken({ sub: 'bob' });
const provider = () => stack.issuer.loginsKey;

const badInputs: BadInput[] = [
  // federateToIdentityPool: the input and its token
  { name: 'federate(null)', call: federate(null), error: TypeError },
  { name: 'federate("token")', call: federate('token'), error: TypeError },
  { name: 'a missing token', call: () => auth.federateToIdentityPool({ provider: provider() } as never), error: InvalidParameterException, names: /token/ },
  { name: 'a null token', call: () => federate({ token: null, provider: provider() })(), error: InvalidParameterException, names: /token/ },
  { name: 'a token object with toString', call: () => federate({ token: { toString: () => 'x.y.z' }, provider: provider() })(), error: InvalidParameterException },
  { name: 'a token with a NUL character', call: () => federate({ token: 'fb-1:abc\u0000def', provider: 'facebook' })(), error: InvalidParameterException },
  { name: 'a token with a line break', call: () => federate({ token: 'fb-1:abc\ndef', provider: 'facebook' })(), error: InvalidParameterException },
  { name: 'a JWT with an empty sub', call: async () => federate({ token: await stack.issuer.mintToken({ sub: '' }), provider: provider() })(), error: InvalidParameterException, names: /sub/ },
  { name: 'a JWT whose payload is not JSON', call: () => federate({ token: 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln', provider: provider() })(), error: InvalidParameterException },
  { name: 'a JWT whose payload is a JSON array', call: () => federate({ token: jwtOf('["sub"]'), provider: provider() })(), error: InvalidParameterException },
  { name: 'a token of two segments for an OIDC provider', call: () => federate({ token: 'eyJhbGciOiJSUzI1NiJ9.e30', provider: provider() })(), error: InvalidParameterException },
  // federateToIdentityPool: the provider
  { name: 'a null provider', call: async () => federate({ token: await validToken(), provider: null })(), error: InvalidParameterException, names: /provider/ },
  { name: 'a provider of white space', call: async () => federate({ token: await validToken(), provider: '   ' })(), error: InvalidParameterException, names: /provider/ },
  { name: 'a provider with a line break', call: async () => federate({ token: await validToken(), provider: `${provider()}\n` })(), error: InvalidParameterException, names: /provider/ },
  { name: 'a provider of 3,000 characters', call: async () => federate({ token: await validToken(), provider: `a.${'b'.repeat(3_000)}` })(), error: InvalidParameterException, names: /provider/ },
  { name: 'a numeric provider', call: async () => federate({ token: await validToken(), provider: 42 })(), error: InvalidParameterException, names: /provider/ },
  // federateToIdentityPool: options
  { name: 'options: a string', call: async () => federate({ token: await validToken(), provider: provider(), options: 'fast' })(), error: TypeError, names: /options/ },
  { name: 'a numeric developerProvidedIdentityId', call: async () => federate({ token: await validToken(), provider: 'developer', options: { developerProvidedIdentityId: 42 } })(), error: InvalidParameterException, names: /developerProvidedIdentityId/ },
  { name: 'a developerProvidedIdentityId of 56 characters', call: async () => federate({ token: await validToken(), provider: 'developer', options: { developerProvidedIdentityId: `us-east-1:${'a'.repeat(46)}` } })(), error: InvalidParameterException, names: /developerProvidedIdentityId/ },
  { name: 'expiresAt: NaN', call: () => federate({ token: 'fb-1:abc', provider: 'facebook', options: { expiresAt: Number.NaN } })(), error: InvalidParameterException, names: /expiresAt/ },
  { name: 'expiresAt: Infinity', call: () => federate({ token: 'fb-1:abc', provider: 'facebook', options: { expiresAt: Number.POSITIVE_INFINITY } })(), error: InvalidParameterException, names: /expiresAt/ },
  { name: 'expiresAt: an invalid Date', call: () => federate({ token: 'fb-1:abc', provider: 'facebook', options: { expiresAt: new Date('not a date') } })(), error: InvalidParameterException, names: /expiresAt/ },
  { name: 'expiresAt: 0', call: () => federate({ token: 'fb-1:abc', provider: 'facebook', options: { expiresAt: 0 } })(), error: InvalidParameterException, names: /expiresAt/ },
  // fetchAuthSession
  { name: 'fetchAuthSession(null)', call: fetchWith(null), error: TypeError, names: /options/ },
  { name: 'fetchAuthSession("force")', call: fetchWith('force'), error: TypeError, names: /options/ },
  { name: 'forceRefresh: 1', call: fetchWith({ forceRefresh: 1 }), error: TypeError, names: /forceRefresh/ },
  // clientMetadata, including prototype-pollution keys
  { name: 'clientMetadata with an own "prototype" key', call: metadata(withOwnKey('prototype')), error: InvalidParameterException, names: /prototype/ },
  { name: 'clientMetadata with an own "__proto__" key (defineProperty)', call: metadata(withOwnKey('__proto__')), error: InvalidParameterException, names: /__proto__/ },
  { name: 'clientMetadata with a nested __proto__ object value', call: metadata(JSON.parse('{"a":{"__proto__":{"polluted":"yes"}}}')), error: InvalidParameterException },
  { name: 'clientMetadata: null', call: metadata(null), error: InvalidParameterException, names: /clientMetadata/ },
  { name: 'clientMetadata: a Map', call: metadata(new Map([['a', 'b']])), error: InvalidParameterException, names: /clientMetadata/ },
  { name: 'clientMetadata with 51 entries', call: metadata(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))), error: InvalidParameterException, names: /entries/ },
  { name: 'clientMetadata with a 4,097-character value', call: metadata({ a: 'x'.repeat(4_097) }), error: InvalidParameterException, names: /longer/ },
  { name: 'clientMetadata with an empty key', call: metadata({ '': 'x' }), error: InvalidParameterException },
  { name: 'clientMetadata with a 257-character key', call: metadata({ ['k'.repeat(257)]: 'x' }), error: InvalidParameterException },
  // createAuth
  { name: 'createAuth(null)', call: create(null), error: TypeError, names: /options/ },
  { name: 'createAuth(undefined)', call: create(undefined), error: TypeError, names: /options/ },
  { name: 'an identityPoolId of 56 characters', call: () => createAuth({ identityPoolId: `us-east-1:${'0'.repeat(46)}` }), error: InvalidParameterException, names: /identityPoolId/ },
  { name: 'an identityPoolId with a space', call: () => createAuth({ identityPoolId: 'us-east-1: 00000000-0000-4000-8000-000000000000' }), error: InvalidParameterException, names: /identityPoolId/ },
  { name: 'region: "moon-1"', call: create({ region: 'moon-1' }), error: TypeError, names: /region/ },
  { name: 'a numeric endpoint', call: create({ endpoint: 4000 as never }), error: TypeError, names: /endpoint/ },
  { name: 'persistCredentials: "yes"', call: create({ persistCredentials: 'yes' as never }), error: TypeError, names: /persistCredentials/ },
  { name: 'shareSession: 1', call: create({ shareSession: 1 as never }), error: TypeError, names: /shareSession/ },
  { name: 'namespace: { name: 5 }', call: create({ namespace: { name: 5 as never } }), error: TypeError, names: /namespace\.name/ },
  { name: 'namespace.migrateFrom with a space', call: create({ namespace: { name: 'app', migrateFrom: 'old name' } }), error: TypeError, names: /migrateFrom/ },
  { name: 'refreshHandlers: null', call: create({ refreshHandlers: null as never }), error: TypeError, names: /refreshHandlers/ },
  { name: 'a credentialsProvider without clearCredentialsAndIdentityId', call: create({ credentialsProvider: { getCredentialsAndIdentityId: async () => undefined } as never }), error: TypeError, names: /credentialsProvider/ },
  { name: 'clientMetadataProvider: a string', call: create({ clientMetadataProvider: 'web' as never }), error: TypeError, names: /clientMetadataProvider/ },
  { name: 'inspect: 42', call: create({ inspect: 42 as never }), error: TypeError, names: /inspect/ },
  { name: 'clock: {}', call: create({ clock: {} as never }), error: TypeError, names: /clock/ },
  { name: 'retry: "fast"', call: create({ retry: 'fast' as never }), error: TypeError, names: /retry/ },
  { name: 'retry.baseDelayMs: 0', call: create({ retry: { baseDelayMs: 0 } }), error: TypeError, names: /retry\.baseDelayMs/ },
  { name: 'retry.maxAttempts: 1.5', call: create({ retry: { maxAttempts: 1.5 } }), error: TypeError, names: /retry\.maxAttempts/ },
  { name: 'requestTimeoutMs: 0', call: create({ requestTimeoutMs: 0 }), error: TypeError, names: /requestTimeoutMs/ },
  { name: 'refreshAheadMs: Infinity', call: create({ refreshAheadMs: Number.POSITIVE_INFINITY }), error: TypeError, names: /refreshAheadMs/ },
];

describe(`bad inputs (${badInputs.length})`, () => {
  it.each(badInputs)('$name → $error.name, no state change, no network call, the session untouched', async ({ call, error, names }) => {
    const events = stack.events.length;
    const before = auth.actor.getSnapshot();
    stack.pool.resetStats();
    const outcome = await Promise.resolve()
      .then(call)
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(outcome).toBeInstanceOf(error);
    if (names) expect((outcome as Error).message).toMatch(names);
    expect(stack.pool.stats().requests).toEqual({});
    const after = auth.actor.getSnapshot();
    expect(toAuthState(after)).toEqual(toAuthState(before));
    // The same snapshot: the input never reached the machine.
    expect(after).toBe(before);
    expect(stack.events.length).toBe(events);
    expect(await auth.fetchAuthSession()).toMatchObject({ identityId: session.identityId, credentials: session.credentials });
    expect(stack.pool.stats().requests).toEqual({});
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

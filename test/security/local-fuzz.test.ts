import { Agent } from 'node:http';
import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEVELOPER_CREDENTIALS } from '../../src/local/index';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { rawRequest, type RawReply } from '../local/raw-request';

/**
 * Fuzzes the local pool's HTTP surface: targets, STS actions, headers, bodies and Logins keys.
 * Invariants: no 5xx (no fault is injected), no response holds a secret it should not, no
 * internal settings in any answer, Object.prototype untouched, and the pool keeps serving.
 * 1,000 runs by default; IDPOOL_FUZZ_RUNS=<n> for more.
 */
const RUNS = Number.parseInt(process.env.IDPOOL_FUZZ_RUNS ?? '', 10) || 1_000;

const DEVELOPER_ACCESS_KEY = 'AKIAFUZZDEVELOPER000';
const DEVELOPER_SECRET = 'fuzzDeveloperSecretNeverInAnyAnswer0000';
const INTERNAL_NAMES = ['developerCredentials', 'secretAccessKey', 'credentialsTtlSeconds', 'allowUnauthenticated', 'developerProviderName', 'privateKey'];
const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', '__lookupSetter__', 'toJSON'];
const OPERATIONS = ['GetId', 'GetCredentialsForIdentity', 'GetOpenIdToken', 'GetOpenIdTokenForDeveloperIdentity'];

let stack: LocalStack;
let agent: Agent;
let validToken = '';
let memberId = '';
let guestId = '';
/** Secret keys and session tokens the pool has handed out so far: no later answer may hold one. */
const issuedSecrets = new Set<string>();

beforeAll(async () => {
  stack = await startLocalStack({
    allowUnauthenticated: true,
    developerCredentials: { accessKeyId: DEVELOPER_ACCESS_KEY, secretAccessKey: DEVELOPER_SECRET },
  });
  // No keep-alive: every run gets a fresh connection, so one run's oddities cannot leak into the next.
  agent = new Agent({ keepAlive: false });
  validToken = await stack.issuer.mintToken({ sub: 'fuzz-member' }, { expiresIn: 24 * 3600 });
  memberId = (await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: { [stack.issuer.loginsKey]: validToken } })))
    .IdentityId as string;
  guestId = (await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }))).IdentityId as string;
});
afterAll(async () => {
  agent.destroy();
  await stack.close();
});

const text = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });
const name = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, ...OPERATIONS, 'GetCallerIdentity', 'Unknown', ''), text);

const loginsKey = (): fc.Arbitrary<string> =>
  fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, stack.issuer.loginsKey, 'graph.facebook.com', 'cognito-identity.amazonaws.com', 'login.idpool.local'), text);
const loginsValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(fc.constant(validToken), text, fc.constant(`${validToken.slice(0, -4)}AAAA`), fc.jsonValue({ maxDepth: 2 }));
const logins = (): fc.Arbitrary<unknown> =>
  fc.oneof(fc.dictionary(loginsKey(), loginsValue(), { maxKeys: 4 }), fc.jsonValue({ maxDepth: 2 }));

/** A JSON member value: right-looking ids, wrong types, or anything. */
const memberValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(stack.pool.identityPoolId, memberId, guestId, 'us-east-1:00000000-0000-0000-0000-000000000000'),
    fc.constantFrom(
      'arn:aws:iam::000000000000:role/Cognito_idpoolAuth_Role',
      'arn:aws:iam::000000000000:role/Cognito_idpoolUnauth_Role',
    ),
    fc.integer(),
    text,
    fc.jsonValue({ maxDepth: 2 }),
  );

const jsonBody = (): fc.Arbitrary<string> =>
  fc
    .record(
      {
        IdentityPoolId: memberValue(),
        IdentityId: memberValue(),
        Logins: logins(),
        CustomRoleArn: memberValue(),
        TokenDuration: memberValue(),
        PrincipalTags: logins(),
        extra: fc.dictionary(fc.constantFrom(...PROTOTYPE_NAMES), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      },
      { requiredKeys: [] },
    )
    .map(({ extra, ...members }) => {
      // Prototype-named keys written as JSON text: JSON.parse makes them own properties.
      const own = Object.entries(extra ?? {}).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
      const body = JSON.stringify(members);
      return own.length === 0 ? body : `${body.slice(0, -1)}${body.length > 2 ? ',' : ''}${own.join(',')}}`;
    });

const nested = fc
  .tuple(fc.integer({ min: 1, max: 50_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);

const body = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: jsonBody() },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: nested },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '"x"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}') },
    {
      weight: 2,
      arbitrary: fc
        .tuple(name, fc.dictionary(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, 'Version', 'Action'), text), text, { maxKeys: 3 }))
        .map(([action, params]) => new URLSearchParams({ ...params, Action: action }).toString()),
    },
  );

const headerValue = fc.oneof(
  text,
  fc.constantFrom(
    'UNSIGNED-PAYLOAD',
    `AWS4-HMAC-SHA256 Credential=${DEVELOPER_ACCESS_KEY}/20240101/us-east-1/cognito-identity/aws4_request, SignedHeaders=constructor;host;x-amz-date, Signature=${'a'.repeat(64)}`,
    `AWS4-HMAC-SHA256 Credential=ASIAXXXXXXXXXXXXXXXX/20240101/us-east-1/sts/aws4_request, SignedHeaders=__proto__;host, Signature=${'0'.repeat(64)}`,
    '20240101T000000Z',
  ),
);

const request = (): fc.Arbitrary<{ method: string; path: string; headers: Record<string, string>; body: string }> =>
  fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'OPTIONS', 'PUT'),
    path: fc.constantFrom('/', '/.well-known/jwks_uri', '/?Action=GetCallerIdentity', '//x', '/%2e%2e/'),
    target: fc.option(fc.oneof(name.map((op) => `AWSCognitoIdentityService.${op}`), text), { nil: undefined }),
    contentType: fc.constantFrom('application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json', 'application/x-www-form-urlencoded', 'text/plain', ''),
    host: fc.constantFrom('127.0.0.1', 'localhost', '[::1]', 'evil.example', '127.0.0.1.evil.example', ''),
    extra: fc.dictionary(
      fc.oneof(fc.constantFrom('authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'origin', 'access-control-request-headers'), fc.constantFrom(...PROTOTYPE_NAMES).map((n) => n.toLowerCase())),
      headerValue,
      { maxKeys: 4 },
    ),
    body: body(),
  }).map(({ method, path, target, contentType, host, extra, body: sent }) => {
    const headers: Record<string, string> = { ...extra, host: host === '' ? '' : `${host}:${new URL(stack.pool.endpoint).port}` };
    if (contentType !== '') headers['content-type'] = contentType;
    if (target !== undefined) headers['x-amz-target'] = target;
    return { method, path, headers, body: sent };
  });

/** Requests that should succeed, with fuzzed extras: they hand out credentials the secret check then guards. */
const legitimate = (): fc.Arbitrary<{ method: string; path: string; headers: Record<string, string>; body: string }> =>
  fc
    .record({
      member: fc.boolean(),
      host: fc.constantFrom('127.0.0.1', 'localhost', '[::1]'),
      extra: fc.dictionary(fc.constantFrom(...PROTOTYPE_NAMES).map((n) => n.toLowerCase()), text, { maxKeys: 2 }),
    })
    .map(({ member, host, extra }) => ({
      method: 'POST',
      path: '/',
      headers: {
        ...extra,
        host: `${host}:${new URL(stack.pool.endpoint).port}`,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityService.GetCredentialsForIdentity',
      },
      body: JSON.stringify(member ? { IdentityId: memberId, Logins: { [stack.issuer.loginsKey]: validToken } } : { IdentityId: guestId }),
    }));

/** Checks one answer and records the credentials a legitimate GetCredentialsForIdentity handed out. */
function checkReply(reply: RawReply, target: string | undefined): void {
  expect(reply.status, reply.body).toBeLessThan(500);
  expect(reply.body).not.toContain(DEVELOPER_SECRET);
  expect(reply.body).not.toContain(LOCAL_DEVELOPER_CREDENTIALS.secretAccessKey);
  for (const internal of INTERNAL_NAMES) expect(reply.body).not.toContain(internal);
  // The JWKS publishes public keys only.
  expect(reply.body).not.toMatch(/"(d|p|q|dp|dq|qi)"\s*:/);
  for (const secret of issuedSecrets) expect(reply.body.includes(secret), 'an earlier secret came back').toBe(false);

  const holdsCredentials = reply.body.includes('"SecretKey"') || reply.body.includes('"SessionToken"');
  if (!holdsCredentials) return;
  // Only a successful GetCredentialsForIdentity may hold credentials, and only fresh ones.
  expect(reply.status).toBe(200);
  expect(target).toBe('AWSCognitoIdentityService.GetCredentialsForIdentity');
  const { Credentials } = JSON.parse(reply.body) as { Credentials: { SecretKey: string; SessionToken: string } };
  issuedSecrets.add(Credentials.SecretKey);
  issuedSecrets.add(Credentials.SessionToken);
}

describe('local pool HTTP surface under fuzzing', () => {
  it(`${RUNS} arbitrary requests: no 5xx, no secret or internal settings served, Object.prototype untouched`, async () => {
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 1, arbitrary: legitimate() }, { weight: 9, arbitrary: request() }), async (spec) => {
        const reply = await rawRequest(stack.pool.endpoint, { ...spec, agent });
        checkReply(reply, spec.headers['x-amz-target']);
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
      }),
      { numRuns: RUNS },
    );
    // A legitimate GetCredentialsForIdentity was reached at least once, so the secret check had something to hold.
    expect(issuedSecrets.size).toBeGreaterThan(0);
    const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
    expect(IdentityId).toMatch(/^us-east-1:/);
  }, 300_000);
});

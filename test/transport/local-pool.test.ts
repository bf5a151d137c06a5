import { GetCredentialsForIdentityCommand, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startLocalIdentityPool,
  startLocalOidcIssuer,
  type FaultKind,
  type LocalIdentityPool,
  type LocalOidcIssuer,
} from '../../src/local/index';
import type { CognitoOperation, CognitoTransport, InputOf } from '../../src/services/cognito-transport';
import { until } from '../support/generous-bound';
import { mapped } from './auth-error-summary';
import { noAbort, rejectionOf, sdkClient, transportKinds, type OpenTransport } from './transports';

// A fixed clock for the pool and the issuer: the Date header and Expiration are then known exactly.
const NOW = Date.UTC(2030, 0, 15, 12, 0, 0, 250);
const atSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

let issuer: LocalOidcIssuer;
let pool: LocalIdentityPool;
beforeAll(async () => {
  issuer = await startLocalOidcIssuer({ now: () => NOW });
  pool = await startLocalIdentityPool({
    now: () => NOW,
    allowUnauthenticated: true,
    providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } },
  });
});
afterEach(() => {
  pool.clearFaults();
  pool.resetStats();
});
afterAll(async () => {
  await pool.close();
  await issuer.close();
});

/** The same call through the SDK's own client, as idpool makes it today: the reference for errors. */
async function viaSdkClient<O extends CognitoOperation>(operation: O, input: InputOf<O>): Promise<unknown> {
  const client = sdkClient({ region: pool.region, endpoint: pool.endpoint });
  try {
    if (operation === 'GetId') return await rejectionOf(client.send(new GetIdCommand(input as InputOf<'GetId'>)));
    if (operation === 'GetOpenIdToken') return await rejectionOf(client.send(new GetOpenIdTokenCommand(input as InputOf<'GetOpenIdToken'>)));
    return await rejectionOf(client.send(new GetCredentialsForIdentityCommand(input as InputOf<'GetCredentialsForIdentity'>)));
  } finally {
    client.destroy();
  }
}

describe.each(transportKinds)('the $name transport against the local identity pool', (kind) => {
  let open: OpenTransport;
  let transport: CognitoTransport;
  beforeAll(() => {
    open = kind.open({ region: pool.region, endpoint: pool.endpoint });
    transport = open.transport;
  });
  afterAll(() => open.close());

  async function signedIn(sub: string): Promise<{ IdentityId: string; Logins: Record<string, string> }> {
    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub }) };
    const { output } = await transport.send('GetId', { IdentityPoolId: pool.identityPoolId, Logins }, noAbort());
    expect(output.IdentityId).toBeTypeOf('string');
    return { IdentityId: output.IdentityId as string, Logins };
  }

  it("GetId: a guest identity in the pool's region, and the Date header as serverDate", async () => {
    const answer = await transport.send('GetId', { IdentityPoolId: pool.identityPoolId }, noAbort());
    expect(answer.output).toEqual({ IdentityId: expect.stringMatching(new RegExp(`^${pool.region}:`)) });
    expect(answer.serverDate).toBe(atSecond(NOW));
    expect(pool.stats().requests).toEqual({ GetId: 1 });
  });

  it('GetId with a signed token: the same identity for the same subject, another for another', async () => {
    const alice = await signedIn('alice');
    expect((await signedIn('alice')).IdentityId).toBe(alice.IdentityId);
    expect((await signedIn('bob')).IdentityId).not.toBe(alice.IdentityId);
  });

  it("GetCredentialsForIdentity: complete credentials, Expiration a Date at the pool's lifetime, nothing else", async () => {
    const { IdentityId, Logins } = await signedIn('carol');
    const answer = await transport.send('GetCredentialsForIdentity', { IdentityId, Logins }, noAbort());
    expect(answer.output).toEqual({
      IdentityId,
      Credentials: {
        AccessKeyId: expect.stringMatching(/^ASIA/),
        SecretKey: expect.any(String),
        SessionToken: expect.any(String),
        Expiration: new Date(atSecond(NOW + 3_600_000)),
      },
    });
    expect(answer.serverDate).toBe(atSecond(NOW));
  });

  it('GetOpenIdToken: a token signed by the pool, naming the identity', async () => {
    const { IdentityId, Logins } = await signedIn('dave');
    const { output } = await transport.send('GetOpenIdToken', { IdentityId, Logins }, noAbort());
    expect(Object.keys(output).sort()).toEqual(['IdentityId', 'Token']);
    const jwks = createRemoteJWKSet(new URL(`${pool.endpoint}/.well-known/jwks_uri`));
    const { payload } = await jwtVerify(output.Token as string, jwks, { currentDate: new Date(NOW) });
    expect(payload.sub).toBe(IdentityId);
  });

  const faults: ReadonlyArray<readonly [FaultKind, CognitoOperation, string]> = [
    ['throttle', 'GetId', 'TooManyRequestsException'],
    ['internal', 'GetCredentialsForIdentity', 'InternalErrorException'],
    ['notAuthorized', 'GetCredentialsForIdentity', 'NotAuthorizedException'],
    ['resourceNotFound', 'GetCredentialsForIdentity', 'ResourceNotFoundException'],
    ['resourceNotFound', 'GetOpenIdToken', 'ResourceNotFoundException'],
    ['throttle', 'GetOpenIdToken', 'TooManyRequestsException'],
  ];
  it.each(faults)('a %s fault on %s: the exception the SDK throws, and the same AuthError once mapped', async (fault, operation, name) => {
    const { IdentityId, Logins } = await signedIn('erin');
    const input = operation === 'GetId' ? { IdentityPoolId: pool.identityPoolId, Logins } : { IdentityId, Logins };
    pool.injectFault({ op: operation, kind: fault });
    const error = await rejectionOf(transport.send(operation, input as InputOf<typeof operation>, noAbort()));
    pool.injectFault({ op: operation, kind: fault });
    const reference = await viaSdkClient(operation, input as InputOf<typeof operation>);
    expect(error.name).toBe(name);
    expect(error.$fault).toBe(name === 'InternalErrorException' ? 'server' : 'client');
    expect(error.$metadata).toMatchObject({ httpStatusCode: name === 'InternalErrorException' ? 500 : 400, requestId: expect.any(String) });
    expect(mapped(error, Object.values(Logins), { withRequestId: false })).toEqual(mapped(reference, Object.values(Logins), { withRequestId: false }));
  });

  it('an expired token: NotAuthorizedException, its message free of the token', async () => {
    const token = await issuer.mintToken({ sub: 'frank' }, { expiresIn: -60 });
    const error = await rejectionOf(transport.send('GetId', { IdentityPoolId: pool.identityPoolId, Logins: { [issuer.loginsKey]: token } }, noAbort()));
    expect(error.name).toBe('NotAuthorizedException');
    expect(error.message).toMatch(/^Invalid login token\./);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(token);
  });

  it('an unknown pool is ResourceNotFoundException; a malformed one a ValidationException, mapped to InvalidParameterException', async () => {
    const unknown = await rejectionOf(transport.send('GetId', { IdentityPoolId: `${pool.region}:00000000-0000-4000-8000-0000000000ff` }, noAbort()));
    expect(unknown.name).toBe('ResourceNotFoundException');
    const malformed = await rejectionOf(transport.send('GetId', { IdentityPoolId: 'not a pool id' }, noAbort()));
    expect(malformed.name).toBe('ValidationException');
    expect(mapped(malformed).code).toBe('InvalidParameterException');
  });

  it('an already aborted signal: AbortError, and no request at all', async () => {
    const controller = new AbortController();
    controller.abort(new Error('the machine left the state'));
    const error = await rejectionOf(transport.send('GetId', { IdentityPoolId: pool.identityPoolId }, controller));
    expect(error.name).toBe('AbortError');
    expect(mapped(error).code).toBe('AbortError');
    expect(pool.stats().requests).toEqual({});
  });

  it('an abort while the pool holds the request: AbortError, and the pool sees the connection go', async () => {
    pool.injectFault({ op: 'GetId', kind: 'latency', delayMs: 600_000 });
    const controller = new AbortController();
    const pending = rejectionOf(transport.send('GetId', { IdentityPoolId: pool.identityPoolId }, controller));
    await until(() => pool.stats().inFlight.GetId === 1, 'the pool to hold the request');
    // The engine aborts with the machine's reason, whatever it is: still an abort.
    controller.abort(new Error('the machine left the state'));
    const error = await pending;
    expect(error.name).toBe('AbortError');
    expect(mapped(error).code).toBe('AbortError');
    await until(() => pool.stats().inFlight.GetId === 0, 'the pool to see the connection close');
  });

  it('a dropped connection: a retryable NetworkError once mapped, and the next request is served', async () => {
    pool.injectFault({ op: 'GetId', kind: 'drop' });
    const error = await rejectionOf(transport.send('GetId', { IdentityPoolId: pool.identityPoolId }, noAbort()));
    expect(error.$metadata).not.toHaveProperty('httpStatusCode');
    expect(mapped(error)).toMatchObject({ code: 'NetworkError', retryable: true });
    expect((await transport.send('GetId', { IdentityPoolId: pool.identityPoolId }, noAbort())).output.IdentityId).toBeTypeOf('string');
    expect(pool.stats().errors.GetId).toEqual({ ConnectionDropped: 1 });
  });

  it("clock skew: serverDate and Expiration follow the pool's clock", async () => {
    const { IdentityId, Logins } = await signedIn('grace');
    pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'clockSkew', skewSeconds: -7200 });
    const answer = await transport.send('GetCredentialsForIdentity', { IdentityId, Logins }, noAbort());
    expect(answer.serverDate).toBe(atSecond(NOW) - 7_200_000);
    expect(answer.output.Credentials?.Expiration).toEqual(new Date(atSecond(NOW + 3_600_000) - 7_200_000));
  });
});

describe('both transports, one pool', () => {
  it('find the same identity for the same token and get credentials of the same shape', async () => {
    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'heidi' }) };
    const answers = [];
    for (const kind of transportKinds) {
      const { transport, close } = kind.open({ region: pool.region, endpoint: pool.endpoint });
      const { output } = await transport.send('GetId', { IdentityPoolId: pool.identityPoolId, Logins }, noAbort());
      answers.push({ id: output.IdentityId, credentials: await transport.send('GetCredentialsForIdentity', { IdentityId: output.IdentityId as string, Logins }, noAbort()) });
      close();
    }
    const [viaFetch, viaSdk] = answers;
    expect(viaFetch?.id).toBe(viaSdk?.id);
    const fresh = new Set(['AccessKeyId', 'SecretKey', 'SessionToken']);
    const shape = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, field: unknown) => (fresh.has(key) ? typeof field : field)));
    expect(shape(viaFetch?.credentials)).toEqual(shape(viaSdk?.credentials));
    expect(viaFetch?.credentials.output.Credentials?.AccessKeyId).not.toBe(viaSdk?.credentials.output.Credentials?.AccessKeyId);
  });
});

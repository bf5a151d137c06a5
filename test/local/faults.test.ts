import {
  CognitoIdentityClient,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  InternalErrorException,
  NotAuthorizedException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf, startLocalStack, stsClient, type LocalStack } from './local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ allowUnauthenticated: true });
});
afterEach(() => {
  stack.pool.clearFaults();
  stack.pool.resetStats();
});
afterAll(async () => {
  await stack.close();
});

const getId = () => stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));

async function signedIn(sub: string) {
  const Logins = { [stack.issuer.loginsKey]: await stack.issuer.mintToken({ sub }) };
  const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins }));
  return { IdentityId: IdentityId as string, Logins };
}

/** Polls the pool's stats until `check` holds (a generous bound: 1,000 polls, 10 s or more). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

describe('injected faults, as the SDK sees them', () => {
  it('throttle: TooManyRequestsException "Rate exceeded" with status 400, once', async () => {
    stack.pool.injectFault({ op: 'GetId', kind: 'throttle' });
    const error = await rejectionOf(getId());
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect((await getId()).IdentityId).toBeDefined();
    expect(stack.pool.stats().errors.GetId).toEqual({ TooManyRequestsException: 1 });
  });

  it('throttle is retried by an SDK client with retries on', async () => {
    const retrying = new CognitoIdentityClient({ region: stack.pool.region, endpoint: stack.pool.endpoint, maxAttempts: 3 });
    stack.pool.injectFault({ op: 'GetId', kind: 'throttle' });
    const result = await retrying.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
    retrying.destroy();
    expect(result.$metadata.attempts).toBe(2);
    expect(stack.pool.stats().requests.GetId).toBe(2);
  });

  it('internal: InternalErrorException with status 500', async () => {
    stack.pool.injectFault({ op: 'GetId', kind: 'internal' });
    const error = await rejectionOf(getId());
    expect(error).toBeInstanceOf(InternalErrorException);
    expect(error.$metadata?.httpStatusCode).toBe(500);
  });

  it('notAuthorized: NotAuthorizedException', async () => {
    const { IdentityId, Logins } = await signedIn('alice');
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'notAuthorized' });
    const error = await rejectionOf(stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins })));
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('resourceNotFound: ResourceNotFoundException naming the identity of the request', async () => {
    const { IdentityId, Logins } = await signedIn('alice');
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'resourceNotFound' });
    const error = await rejectionOf(stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(`Identity '${IdentityId}' not found.`);
  });

  it('drop: the connection is cut without an answer, and the next request is served', async () => {
    stack.pool.injectFault({ op: 'GetId', kind: 'drop' });
    const error = await rejectionOf(getId());
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${error.name} ${error.message} ${String((error as { code?: string }).code)}`).toMatch(/ECONNRESET|socket hang up/i);
    expect((await getId()).IdentityId).toBeDefined();
    expect(stack.pool.stats().errors.GetId).toEqual({ ConnectionDropped: 1 });
  });

  it('latency: the request is held (visible in inFlight) and then answered normally', async () => {
    stack.pool.injectFault({ op: 'GetId', kind: 'latency', delayMs: 300 });
    const pending = getId();
    await until(() => stack.pool.stats().inFlight.GetId === 1);
    expect((await pending).IdentityId).toBeDefined();
    expect(stack.pool.stats().inFlight.GetId).toBe(0);
  });

  it('counts concurrent requests in maxInFlight', async () => {
    stack.pool.injectFault({ op: 'GetId', kind: 'latency', delayMs: 200, times: 3 });
    const results = await Promise.all([getId(), getId(), getId()]);
    expect(new Set(results.map((r) => r.IdentityId)).size).toBe(3);
    const stats = stack.pool.stats();
    expect(stats.requests.GetId).toBe(3);
    expect(stats.maxInFlight.GetId).toBe(3);
    expect(stats.inFlight.GetId).toBe(0);
  });

  it('clockSkew: shifts the Date header and Expiration for `times` responses, then stops', async () => {
    const { IdentityId, Logins } = await signedIn('alice');
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'clockSkew', skewSeconds: 7200, times: 2 });
    const expected = Math.floor((stack.clock.now + 3_600_000) / 1000) * 1000;

    const body = JSON.stringify({ IdentityId, Logins });
    const raw = await fetch(stack.pool.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityService.GetCredentialsForIdentity' },
      body,
    });
    expect(raw.status).toBe(200);
    expect(new Date(raw.headers.get('date') as string).getTime()).toBe(Math.floor(stack.clock.now / 1000) * 1000 + 7_200_000);
    expect(((await raw.json()) as { Credentials: { Expiration: number } }).Credentials.Expiration * 1000).toBe(expected + 7_200_000);

    const skewed = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    expect(skewed.Credentials?.Expiration?.getTime()).toBe(expected + 7_200_000);
    const normal = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    expect(normal.Credentials?.Expiration?.getTime()).toBe(expected);
  });

  it("'*' matches any operation; faults are consumed in order of injection; Infinity lasts until cleared", async () => {
    stack.pool.injectFault({ op: '*', kind: 'internal' });
    stack.pool.injectFault({ op: 'GetId', kind: 'throttle' });
    expect(await rejectionOf(getId())).toBeInstanceOf(InternalErrorException);
    expect(await rejectionOf(getId())).toBeInstanceOf(TooManyRequestsException);
    await getId();

    stack.pool.injectFault({ op: 'GetId', kind: 'throttle', times: Infinity });
    for (let i = 0; i < 4; i += 1) expect(await rejectionOf(getId())).toBeInstanceOf(TooManyRequestsException);
    stack.pool.clearFaults();
    expect((await getId()).IdentityId).toBeDefined();
  });

  it('a fault for one operation leaves others alone', async () => {
    const { IdentityId, Logins } = await signedIn('bob');
    stack.pool.injectFault({ op: 'GetId', kind: 'throttle' });
    const credentials = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    expect(credentials.Credentials).toBeDefined();
    expect(await rejectionOf(getId())).toBeInstanceOf(TooManyRequestsException);
  });

  it('applies to STS GetCallerIdentity with STS error codes', async () => {
    const { IdentityId, Logins } = await signedIn('carol');
    const { Credentials } = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    const sts = stsClient(stack.pool, {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretKey as string,
      sessionToken: Credentials?.SessionToken as string,
    });
    stack.pool.injectFault({ op: 'GetCallerIdentity', kind: 'throttle' });
    const throttled = await rejectionOf(sts.send(new GetCallerIdentityCommand({})));
    expect(throttled.name).toBe('Throttling');
    expect(throttled.$metadata?.httpStatusCode).toBe(400);
    stack.pool.injectFault({ op: 'GetCallerIdentity', kind: 'internal' });
    const internal = await rejectionOf(sts.send(new GetCallerIdentityCommand({})));
    expect(internal.name).toBe('InternalFailure');
    expect(internal.$metadata?.httpStatusCode).toBe(500);
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBeDefined();
    sts.destroy();
  });

  it('rejects malformed fault specs with a TypeError', () => {
    expect(() => stack.pool.injectFault({ op: 'GetId', kind: 'meteor' as never })).toThrow(TypeError);
    expect(() => stack.pool.injectFault({ op: 'GetId', kind: 'throttle', times: 0 })).toThrow(TypeError);
    expect(() => stack.pool.injectFault({ op: '', kind: 'throttle' })).toThrow(TypeError);
  });

  it('resetStats zeroes the counters', async () => {
    await getId();
    expect(stack.pool.stats().requests.GetId).toBe(1);
    stack.pool.resetStats();
    expect(stack.pool.stats()).toEqual({ requests: {}, errors: {}, inFlight: {}, maxInFlight: {} });
  });
});

import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkTransport, type AuthOptions } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

// A connection lost under a call, before any answer: on Node, typically a pooled keep-alive
// connection the server had already closed. Node's fetch does not resend a POST; a federation
// (which has no back-off retries) failed with NetworkError, and every caller waiting on it too.
// The bench's first cold start did exactly that, every run.

let stack: EngineStack;
let client: CognitoIdentityClient;
beforeAll(async () => {
  stack = await startEngineStack();
  client = new CognitoIdentityClient({ region: stack.pool.region, endpoint: stack.pool.endpoint, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await stack.close();
});

const transports: Array<{ name: string; options: () => Partial<AuthOptions> }> = [
  { name: 'fetch (the default)', options: () => ({}) },
  { name: 'the SDK client (maxAttempts: 1)', options: () => ({ transport: createSdkTransport(client) }) },
];

describe.each(transports)('a federation whose connection is lost, over $name', ({ options }) => {
  it('is sent once more and succeeds', async () => {
    const auth = stack.engine(options());
    stack.pool.resetStats();
    stack.pool.injectFault({ op: 'GetId', kind: 'drop' });
    const session = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    expect(session.identityId).toBeDefined();
    expect(stack.pool.stats().errors.GetId).toEqual({ ConnectionDropped: 1 });
    expect(stack.pool.stats().requests.GetId).toBe(2);
    await auth.stop();
    stack.pool.clearFaults();
  });

  it('is sent once more only: lost twice, it fails with NetworkError', async () => {
    const auth = stack.engine(options());
    stack.pool.resetStats();
    stack.pool.injectFault({ op: 'GetId', kind: 'drop', times: 3 });
    const federation = auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey });
    await expect(federation).rejects.toMatchObject({ name: 'NetworkError', retryable: true });
    expect(stack.pool.stats().errors.GetId).toEqual({ ConnectionDropped: 2 });
    await auth.stop();
    stack.pool.clearFaults();
  });
});

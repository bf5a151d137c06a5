import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, expect, it } from 'vitest';
import { startEngineStack, untilIdle, untilState, type EngineStack } from '../support/engine-stack';
import { flushIo } from '../support/test-clock';

let stack: EngineStack | undefined;
const clients: STSClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await stack?.close();
  stack = undefined;
});

it('two SDK clients share one engine across credential refreshes: one GetCredentialsForIdentity per refresh', async () => {
  // Credentials live 4 s; idpool refreshes 1 s before they expire. The test clock drives both the
  // engine and the pool (so expiry is exact), while HTTP, SigV4 signing and verification are real.
  stack = await startEngineStack({ credentialsTtlSeconds: 4 });
  const { pool, clock } = stack;
  const auth = stack.engine({ refreshAheadMs: 1000 });
  const [first, second] = [0, 1].map(() => {
    const client = new STSClient({ region: pool.region, endpoint: pool.endpoint, credentials: auth.awsCredentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  }) as [STSClient, STSClient];
  const gcfi = (): number => pool.stats().requests.GetCredentialsForIdentity ?? 0;
  const refreshes = (): number => stack!.events.filter((event) => event.type === 'credentialsRefreshed').length;

  const { identityId } = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'shared' }), provider: stack.issuer.loginsKey });
  /** Both clients, several calls each at once; every call must be signed as the identity. */
  async function callBoth(): Promise<void> {
    const results = await Promise.all([first, second, first, second, first, second].map((client) => client.send(new GetCallerIdentityCommand({}))));
    // As on AWS, STS names the authenticated role and Cognito's session name, not the identity.
    expect(identityId).toMatch(/^us-east-1:/);
    for (const result of results) expect(result.Arn).toMatch(/:assumed-role\/Cognito_idpoolAuth_Role\/CognitoIdentityCredentials$/);
  }

  await callBoth();
  expect(gcfi()).toBe(1);
  const firstKey = (await auth.awsCredentials()).accessKeyId;

  for (let cycle = 1; cycle <= 2; cycle += 1) {
    // The refresh-ahead timer fires; Cognito answers slowly, and the clients keep calling meanwhile
    // with the still-valid credentials instead of starting their own refreshes.
    pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'latency', delayMs: 300 });
    await clock.advance(3000, flushIo);
    await untilState(auth, 'refreshing');
    await callBoth();
    await untilIdle(auth);
    expect(gcfi()).toBe(1 + cycle);
    expect(refreshes()).toBe(cycle);

    // Past the old credentials' expiration: only the refreshed ones verify at STS now.
    await clock.advance(1500, () => untilIdle(auth));
    await callBoth();
    expect(gcfi()).toBe(1 + cycle);
  }
  expect((await auth.awsCredentials()).accessKeyId).not.toBe(firstKey);
  expect(pool.stats().errors.GetCallerIdentity ?? {}).toEqual({});
  expect(pool.stats().requests.GetCallerIdentity).toBe(6 * 2 * 2 + 6);
});

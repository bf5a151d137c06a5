import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

// Attacks on fetchAuthSession and auth.awsCredentials with a polluted Object.prototype (the
// data a JSON merge gadget can plant: strings, booleans, plain objects). What is attacked: a
// polluted prototype neither changes what is served nor makes the engine call Cognito.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const proto = Object.prototype as Record<string, unknown>;

/** Runs `body` with `Object.prototype[name] = value` (plain assignment, as a pollution gadget does). */
async function polluted<T>(name: string, value: unknown, body: () => Promise<T>): Promise<T> {
  proto[name] = value;
  try {
    return await body();
  } finally {
    delete proto[name];
  }
}

async function federated() {
  stack = await startEngineStack();
  const auth = stack.engine();
  await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
  stack.pool.resetStats();
  return auth;
}

describe('Object.prototype.forceRefresh = true', () => {
  it('fetchAuthSession() and fetchAuthSession({}) serve the cached session without a Cognito call', async () => {
    const auth = await federated();
    const before = await auth.fetchAuthSession();
    const [a, b] = await polluted('forceRefresh', true, async () => [await auth.fetchAuthSession(), await auth.fetchAuthSession({})]);
    expect(a).toEqual(before);
    expect(b).toEqual(before);
    expect(stack!.pool.stats().requests).toEqual({});
  });

  it('auth.awsCredentials, as SDK clients call it, serves the cached credentials without a Cognito call', async () => {
    const auth = await federated();
    const before = (await auth.fetchAuthSession()).credentials;
    const sts = new STSClient({ region: stack!.pool.region, endpoint: stack!.pool.endpoint, credentials: auth.awsCredentials, maxAttempts: 1 });
    try {
      await polluted('forceRefresh', true, async () => {
        // The SDK hands the provider an identity-properties object of its own ({ callerClientConfig }).
        for (let i = 0; i < 3; i++) await sts.send(new GetCallerIdentityCommand({}));
        expect(await auth.awsCredentials({})).toEqual(before);
      });
    } finally {
      sts.destroy();
    }
    expect(stack!.pool.stats().requests.GetCredentialsForIdentity ?? 0).toBe(0);
  });
});

describe('pollution with the fields of a session', () => {
  it('a signed-out engine serves no identity id from the prototype', async () => {
    stack = await startEngineStack();
    const auth = stack.engine();
    const session = await polluted('identityId', 'us-east-1:00000000-0000-4000-8000-00000000beef', () => auth.fetchAuthSession());
    expect(session.identityId).toBeUndefined();
  });

  it('a guest session (cached path) names no federated provider from the prototype', async () => {
    stack = await startEngineStack({ allowUnauthenticated: true });
    const auth = stack.engine({ allowGuestAccess: true });
    await auth.fetchAuthSession();
    const session = await polluted('federatedProvider', 'accounts.evil.example', () => auth.fetchAuthSession());
    expect(session.credentials).toBeDefined();
    expect(session.federatedProvider).toBeUndefined();
  });

  it('a plain-object `userPoolTokens` on the prototype does not make every fetchAuthSession() of a federation reject', async () => {
    const auth = await federated();
    const session = await polluted('userPoolTokens', {}, () => auth.fetchAuthSession({}));
    expect(session.tokens).toBeUndefined();
  });
});

import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoError } from '../../src/local/cognito-errors';
import { CredentialsStore, MAX_ISSUED_CREDENTIALS } from '../../src/local/credentials-store';
import { IdentityStore, MAX_IDENTITIES } from '../../src/local/identity-store';
import { rejectionOf, startLocalStack, type LocalStack } from '../local/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ allowUnauthenticated: true });
});
afterAll(async () => {
  await stack.close();
});

describe('local pool: absurd fault options are refused, naming the option', () => {
  it('a latency above what setTimeout can hold (2^31-1 ms) → TypeError, not a 1 ms latency', async () => {
    for (const delayMs of [2 ** 31, 3e9, Number.MAX_SAFE_INTEGER]) {
      expect(() => stack.pool.injectFault({ op: 'GetId', kind: 'latency', delayMs })).toThrow(/"delayMs"/);
    }
    // Nothing was queued: the next request is answered at once.
    const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
    expect(IdentityId).toBeDefined();
  });

  it('a clock skew that would put the Date header or Expiration outside any real date → TypeError', async () => {
    for (const skewSeconds of [1e20, -1e20, 1e13]) {
      expect(() => stack.pool.injectFault({ op: 'GetId', kind: 'clockSkew', skewSeconds })).toThrow(/"skewSeconds"/);
    }
    const error = await rejectionOf(stack.cognito.send(new GetIdCommand({ IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-00000000000f' })));
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('a skew of decades (a device clock reset to 1970) is still accepted', () => {
    expect(() => stack.pool.injectFault({ op: 'GetId', kind: 'clockSkew', skewSeconds: -1.7e9, times: 1 })).not.toThrow();
    stack.pool.clearFaults();
  });

  it('forgetIdentity with non-string or prototype names answers false and changes nothing', () => {
    for (const id of [undefined, null, {}, 42, '__proto__', 'constructor']) {
      expect(stack.pool.forgetIdentity(id as unknown as string)).toBe(false);
    }
  });
});

describe('local pool: a flood of requests cannot grow memory without bound', () => {
  it('issued credentials are bounded: past the limit the oldest are dropped (STS then refuses them)', () => {
    const store = new CredentialsStore();
    const first = store.issue('us-east-1:a', 'Role', Date.now() + 3_600_000);
    for (let i = 0; i < MAX_ISSUED_CREDENTIALS; i += 1) store.issue('us-east-1:a', 'Role', Date.now() + 3_600_000);
    expect(store.size).toBe(MAX_ISSUED_CREDENTIALS);
    expect(store.find(first.accessKeyId)).toBeUndefined();
  });

  it('identities are bounded: past the limit GetId answers LimitExceededException and creates nothing', () => {
    const store = new IdentityStore('us-east-1');
    for (let i = 0; i < MAX_IDENTITIES; i += 1) store.create(0);
    let thrown: unknown;
    try {
      store.create(0);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CognitoError);
    expect((thrown as CognitoError).name).toBe('LimitExceededException');
    expect(store.size).toBe(MAX_IDENTITIES);
  });
});

import { GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEVELOPER_CREDENTIALS } from '../../src/local/index';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { rawRequest } from '../local/raw-request';

const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'toLocaleString'];
const DEVELOPER_SECRET = 'fuzzDeveloperSecretKeyNeverToBeServed00';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({
    allowUnauthenticated: true,
    developerCredentials: { accessKeyId: 'AKIAOPERATIONNAMES00', secretAccessKey: DEVELOPER_SECRET },
  });
});
afterAll(async () => {
  await stack.close();
});

function expectNoInternals(body: string): void {
  expect(body).not.toContain(DEVELOPER_SECRET);
  expect(body).not.toContain(LOCAL_DEVELOPER_CREDENTIALS.secretAccessKey);
  for (const internal of ['developerCredentials', 'secretAccessKey', 'credentialsTtlSeconds', 'allowUnauthenticated', 'settings']) {
    expect(body).not.toContain(internal);
  }
}

describe('local pool: only its own operations are reachable by name (finding 2)', () => {
  it.each(PROTOTYPE_NAMES)('X-Amz-Target AWSCognitoIdentityService.%s → 400 UnknownOperationException, no internals', async (name) => {
    const reply = await rawRequest(stack.pool.endpoint, {
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${name}` },
      body: JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId }),
    });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({ __type: 'UnknownOperationException' });
    expectNoInternals(reply.body);
  });

  it.each(PROTOTYPE_NAMES)('STS Action=%s → a 4xx STS error, no internals', async (name) => {
    const reply = await rawRequest(stack.pool.endpoint, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `Action=${encodeURIComponent(name)}&Version=2011-06-15`,
    });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.body).toContain('<ErrorResponse');
    expectNoInternals(reply.body);
  });

  it('the pool still serves after every prototype-named request', async () => {
    const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
    expect(IdentityId).toMatch(/^us-east-1:/);
  });
});

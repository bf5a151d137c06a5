import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { rawRequest } from '../local/raw-request';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ allowUnauthenticated: true });
});
afterAll(async () => {
  await stack.close();
});

const ownNames = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();

function sts(body: string, headers: Record<string, string> = {}): ReturnType<typeof rawRequest> {
  return rawRequest(stack.pool.endpoint, { headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
}

async function issuedCredentials(): Promise<{ AccessKeyId: string; SessionToken: string }> {
  const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
  const { Credentials } = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId }));
  return { AccessKeyId: Credentials?.AccessKeyId as string, SessionToken: Credentials?.SessionToken as string };
}

describe('local pool: no request field reaches a prototype (finding 3)', () => {
  it('STS Action=__proto__ (unauthenticated) leaves Object.prototype as it was', async () => {
    const before = ownNames();
    for (const action of ['__proto__', 'constructor', 'prototype']) {
      const reply = await sts(`Action=${action}`);
      expect(reply.status).toBeLessThan(500);
    }
    expect(ownNames()).toEqual(before);
    expect(({} as Record<string, unknown>).MissingAuthenticationToken).toBeUndefined();
  });

  it('stats counters stay numbers whatever operation names requests carry', async () => {
    stack.pool.resetStats();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      await sts(`Action=${name}`);
      await rawRequest(stack.pool.endpoint, {
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${name}` },
        body: '{}',
      });
    }
    const stats = stack.pool.stats();
    for (const table of [stats.requests, stats.inFlight, stats.maxInFlight]) {
      for (const value of Object.values(table)) expect(typeof value).toBe('number');
    }
    for (const byName of Object.values(stats.errors)) {
      for (const value of Object.values(byName)) expect(typeof value).toBe('number');
    }
    expect(Object.getPrototypeOf(stats.requests)).toBe(Object.prototype);
  });

  it.each(['constructor', '__proto__', 'valueof', 'tostring', '__definegetter__'])(
    'SignedHeaders=%s;host;x-amz-date → 4xx SignatureDoesNotMatch, not 500',
    async (name) => {
      const { AccessKeyId, SessionToken } = await issuedCredentials();
      const amzDate = new Date(stack.clock.now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      const reply = await sts('Action=GetCallerIdentity&Version=2011-06-15', {
        authorization: `AWS4-HMAC-SHA256 Credential=${AccessKeyId}/${amzDate.slice(0, 8)}/us-east-1/sts/aws4_request, SignedHeaders=${name};host;x-amz-date, Signature=${'0'.repeat(64)}`,
        'x-amz-date': amzDate,
        'x-amz-security-token': SessionToken,
      });
      expect(reply.status).toBe(403);
      expect(reply.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    },
  );
});
